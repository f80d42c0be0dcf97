// Writes a SPDY/2 exchange made with our own encoder, as commented hex:
//   fixtures/spdy2-client-to-server.hex  (header blocks at level 0, as a client sends them)
//   fixtures/spdy2-server-to-client.hex  (header blocks at level 9, as a server sends them)
// It covers what only SPDY/2 has on the wire: little-endian SETTINGS ids, NOOP,
// the 4-byte GOAWAY, the two unused bytes of SYN_REPLY and HEADERS, 2-bit priorities.
// Run by hand after building the packages (`npx tsx scripts/make-spdy2-capture.ts`),
// then refresh the golden files with `npx vitest run -u`; the tests only read the results.

import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Flag, GoawayStatus, SettingsFlag, SettingsId, describeFrame, encodeFrame, type Frame } from '@spdy/frames';
import { HeaderDeflater, type HeaderList } from '@spdy/zlib-headers';
import { toHexLines } from '../src/hex.js';

type Step = Frame | { headers: HeaderList; frame: (headerBlock: Uint8Array) => Frame };

const text = (s: string) => new TextEncoder().encode(s);

const clientToServer: Step[] = [
  { headers: [['method', 'GET'], ['url', '/'], ['version', 'HTTP/1.1'], ['host', 'example.org'], ['scheme', 'http'], ['user-agent', 'spdy2-capture']],
    frame: (headerBlock) => ({ type: 'SYN_STREAM', flags: Flag.FIN, streamId: 1, associatedStreamId: 0, priority: 0, slot: 0, headerBlock }) },
  { headers: [['method', 'POST'], ['url', '/upload'], ['version', 'HTTP/1.1'], ['host', 'example.org'], ['scheme', 'http'], ['content-type', 'text/plain']],
    frame: (headerBlock) => ({ type: 'SYN_STREAM', flags: 0, streamId: 3, associatedStreamId: 0, priority: 3, slot: 0, headerBlock }) },
  { type: 'DATA', streamId: 3, flags: Flag.FIN, data: text('name=value\n') },
  { type: 'PING', flags: 0, id: 1 },
  { type: 'NOOP', flags: 0 },
];

const serverToClient: Step[] = [
  { type: 'SETTINGS', flags: 0, entries: [
    { id: SettingsId.MAX_CONCURRENT_STREAMS, flags: SettingsFlag.NONE, value: 100 },
    { id: SettingsId.ROUND_TRIP_TIME, flags: SettingsFlag.PERSIST_VALUE, value: 20 },
  ] },
  { type: 'PING', flags: 0, id: 1 },
  { headers: [['status', '200 OK'], ['version', 'HTTP/1.1'], ['content-type', 'text/html']],
    frame: (headerBlock) => ({ type: 'SYN_REPLY', flags: 0, streamId: 1, headerBlock }) },
  { headers: [['url', 'http://example.org/style.css'], ['status', '200 OK'], ['version', 'HTTP/1.1'], ['content-type', 'text/css']],
    frame: (headerBlock) => ({ type: 'SYN_STREAM', flags: Flag.UNIDIRECTIONAL, streamId: 2, associatedStreamId: 1, priority: 2, slot: 0, headerBlock }) },
  { type: 'DATA', streamId: 1, flags: Flag.FIN, data: text('<!doctype html><link rel=stylesheet href=style.css><p>hello, SPDY/2\n') },
  { type: 'DATA', streamId: 2, flags: Flag.FIN, data: text('p { color: navy }\n') },
  { headers: [['status', '201 Created'], ['version', 'HTTP/1.1']],
    frame: (headerBlock) => ({ type: 'SYN_REPLY', flags: 0, streamId: 3, headerBlock }) },
  { headers: [['x-upload-id', '42']],
    frame: (headerBlock) => ({ type: 'HEADERS', flags: Flag.FIN, streamId: 3, headerBlock }) },
  { type: 'GOAWAY', flags: 0, lastGoodStreamId: 3, status: GoawayStatus.OK },
];

function capture(steps: Step[], level: number, title: string): string {
  const deflater = new HeaderDeflater(2, { level });
  const lines = [`# ${title}`, `# made by scripts/make-spdy2-capture.ts with @spdy/frames and @spdy/zlib-headers (zlib level ${level})`];
  for (const step of steps) {
    const frame = 'headers' in step ? step.frame(deflater.deflate(step.headers)) : step;
    const bytes = encodeFrame(frame, 2);
    lines.push(`# ${describeFrame(frame)}`);
    lines.push(toHexLines(bytes).trimEnd());
  }
  return `${lines.join('\n')}\n`;
}

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));
// Fixed levels, not the library's defaults: test/captures.test.ts encodes these captures back at the same levels.
writeFileSync(fixture('spdy2-client-to-server.hex'), capture(clientToServer, 0, 'SPDY/2, client to server'));
writeFileSync(fixture('spdy2-server-to-client.hex'), capture(serverToClient, 9, 'SPDY/2, server to client'));

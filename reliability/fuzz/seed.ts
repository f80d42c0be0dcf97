/**
 * Writes the seed corpus (run once; the output is committed):
 * - real captures: apps/frames-cli/fixtures (the `spdy` npm package's
 *   spdy-transport talking to itself, and a SPDY/2 exchange);
 * - test vectors: a client and a server of this project talking in memory,
 *   in every version, with the same application the session targets attach,
 *   plus PING, SETTINGS, WINDOW_UPDATE, RST_STREAM and GOAWAY;
 * - a little garbage (HTTP/1.1, a TLS ClientHello start, nothing at all).
 * `tsx fuzz/seed.ts`
 */
import { readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { FrameDecoder, SpdyProtocolError } from '@spdy/frames';
import { Session } from '@spdy/session';
import { encodeNameValueBlock } from '@spdy/zlib-headers';
import { corpusDir, writeCorpusFile } from './corpus.js';
import { parseHex } from './hex.js';
import { joinInput } from './input.js';
import { concat } from './mutate.js';
import { TARGETS, attachApp, joinBlocks, sessionOptions } from './targets.js';

const fixture = (name: string): Uint8Array => {
  const path = fileURLToPath(new URL(`../../apps/frames-cli/fixtures/${name}`, import.meta.url));
  return name.endsWith('.hex') ? parseHex(readFileSync(path, 'utf8')) : new Uint8Array(readFileSync(path));
};

interface Capture {
  readonly name: string;
  /** Session version index of sessionOptions' config (0: 2, 1: 3, 2: 3.1). */
  readonly versionBits: number;
  readonly toServer: Uint8Array;
  readonly toClient: Uint8Array;
}

/** A client and a server of ours in memory; returns the bytes each direction carried. */
function vector(versionBits: number): Capture {
  const config = versionBits | 8;
  const client = new Session(sessionOptions('client', config));
  const server = new Session(sessionOptions('server', config));
  const wire = versionBits === 0 ? 2 : 3;
  attachApp(server, 'server', wire);
  attachApp(client, 'client', wire);
  const toServer: Uint8Array[] = [];
  const toClient: Uint8Array[] = [];
  const exchange = (): void => {
    for (let moved = true, rounds = 0; moved && rounds < 100; rounds++) {
      moved = false;
      for (let b = client.pull(); b; b = client.pull()) (toServer.push(b), server.receive(b), (moved = true));
      for (let b = server.pull(); b; b = server.pull()) (toClient.push(b), client.receive(b), (moved = true));
    }
  };
  exchange();
  client.submitPing();
  server.submitPing();
  client.submitSettings([{ id: 4, flags: 0, value: 10 }]);
  exchange();
  const request = { ':method': 'GET', ':path': '/more', ':version': 'HTTP/1.1', ':scheme': 'https', ':host': 'example.com' };
  const id = client.submitRequest({ headers: request });
  exchange();
  if (versionBits === 2) client.submitWindowUpdate(0, 1000);
  client.submitRequest({ headers: { ...request, ':path': '/cancelled' } });
  exchange();
  client.submitRstStream(id + 2, 5);
  client.submitGoaway();
  server.submitGoaway();
  exchange();
  return { name: `ours-v${['2', '3', '3.1'][versionBits]}`, versionBits, toServer: concat(toServer), toClient: concat(toClient) };
}

/** Header blocks of a frame stream, in order, as the headers target takes them. */
function headerBlocks(bytes: Uint8Array, wire: 2 | 3): Uint8Array {
  const blocks: Uint8Array[] = [];
  for (const item of new FrameDecoder({ version: wire }).decode(bytes)) {
    if (!(item instanceof SpdyProtocolError) && 'headerBlock' in item) blocks.push(item.headerBlock);
  }
  return joinBlocks(blocks);
}

const captures: Capture[] = [
  { name: 'spdy-transport-v3', versionBits: 1, toServer: fixture('spdy-transport-client-to-server.bin'), toClient: fixture('spdy-transport-server-to-client.bin') },
  { name: 'capture-v2', versionBits: 0, toServer: fixture('spdy2-client-to-server.hex'), toClient: fixture('spdy2-server-to-client.hex') },
  vector(0),
  vector(1),
  vector(2),
];
const garbage: [string, Uint8Array][] = [
  ['empty', new Uint8Array(0)],
  ['http1', new TextEncoder().encode('GET / HTTP/1.1\r\nHost: example.com\r\n\r\n')],
  ['tls-hello', Uint8Array.of(0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03)],
];

for (const target of TARGETS) rmSync(corpusDir(target.name), { recursive: true, force: true });
for (const capture of captures) {
  const wire = capture.versionBits === 0 ? 2 : 3;
  const save = (target: string, config: number, payload: Uint8Array, what: string): void => {
    writeCorpusFile(corpusDir(target), `seed-${capture.name}-${what}-`, joinInput(config, 0, payload), [`${capture.name}, ${what}, config ${config}`]);
  };
  save('session-server', capture.versionBits | 8, capture.toServer, 'to-server');
  save('session-client', capture.versionBits | 8, capture.toClient, 'to-client');
  for (const [what, bytes] of [['to-server', capture.toServer], ['to-client', capture.toClient]] as const) {
    save('frames', wire === 3 ? 1 : 0, bytes, what);
    save('header-frames', wire === 3 ? 1 : 0, bytes, what);
    save('headers', wire === 3 ? 1 : 0, headerBlocks(bytes, wire), what);
  }
}
for (const wire of [2, 3] as const) {
  // Uncompressed blocks, for the name/value decoder behind the inflater.
  const list: [string, string][] = [[':method', 'GET'], [':path', '/'], ['set-cookie', 'a=1\u0000b=2'], ['accept', '*/*']];
  writeCorpusFile(corpusDir('headers'), `seed-plain-v${wire}-`, joinInput(wire === 3 ? 1 : 0, 0, joinBlocks([encodeNameValueBlock(list, wire)])), ['an uncompressed block']);
}
for (const target of TARGETS) {
  if (target.payloadKind !== 'frames') continue;
  for (const [what, bytes] of garbage) writeCorpusFile(corpusDir(target.name), `seed-garbage-${what}-`, joinInput(1, 0, bytes), [`garbage: ${what}`]);
}
console.log('seeds written under', corpusDir(''));

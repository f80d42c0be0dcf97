/**
 * The bundled captures: a real SPDY/3.1 session of the `spdy` npm package and
 * a SPDY/2 exchange made with our encoder. Their decoding is pinned by golden
 * JSON lines (compared exactly; review a change, then `npx vitest run -u`),
 * and decode | encode gives every capture back byte for byte.
 */

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseHex } from '../src/hex.js';
import { fixture, run } from './io.js';

interface Capture {
  file: string;
  version: string;
  hex: boolean;
  /** The zlib level its sender used for header blocks. */
  level: number;
}

const captures: Capture[] = [
  // spdy-transport writes stored (level 0) blocks with an 11-bit window: our deflater's defaults.
  { file: 'spdy-transport-client-to-server.bin', version: '3.1', hex: false, level: 0 },
  { file: 'spdy-transport-server-to-client.bin', version: '3.1', hex: false, level: 0 },
  { file: 'spdy2-client-to-server.hex', version: '2', hex: true, level: 0 },
  { file: 'spdy2-server-to-client.hex', version: '2', hex: true, level: 9 },
];

const bytesOf = (capture: Capture): Uint8Array => {
  const raw = readFileSync(fixture(capture.file));
  return capture.hex ? parseHex(raw.toString('utf8')) : new Uint8Array(raw);
};
const hexFlag = (capture: Capture) => (capture.hex ? ['--hex'] : []);

describe.each(captures)('$file', (capture) => {
  it('decodes to the golden JSON lines', async () => {
    const result = await run(['decode', '--version', capture.version, '--data', 'utf8', ...hexFlag(capture), fixture(capture.file)]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    await expect(result.stdout).toMatchFileSnapshot(`../fixtures/${capture.file.replace(/\.(bin|hex)$/, '.jsonl')}`);
  });

  it('finds the version in the first control frame when --version is absent', async () => {
    const withVersion = await run(['decode', '--version', capture.version, ...hexFlag(capture), fixture(capture.file)]);
    const sniffed = await run(['decode', ...hexFlag(capture), fixture(capture.file)]);
    expect(sniffed.stdout).toBe(withVersion.stdout);
  });

  it.each(['hex', 'utf8'])('round-trips through decode --data %s | encode to the same bytes', async (data) => {
    const decoded = await run(['decode', '--version', capture.version, '--data', data, ...hexFlag(capture), fixture(capture.file)]);
    expect(decoded.code).toBe(0);
    const encoded = await run(['encode', '--version', capture.version, '--level', String(capture.level)], decoded.stdout);
    expect(encoded.stderr).toBe('');
    expect(encoded.code).toBe(0);
    expect(Buffer.from(encoded.bytes).equals(Buffer.from(bytesOf(capture)))).toBe(true);
  });

  it('round-trips through encode --hex too', async () => {
    const decoded = await run(['decode', '--version', capture.version, ...hexFlag(capture), fixture(capture.file)]);
    const encoded = await run(['encode', '--hex', '--version', capture.version, '--level', String(capture.level)], decoded.stdout);
    expect(Buffer.from(parseHex(encoded.stdout)).equals(Buffer.from(bytesOf(capture)))).toBe(true);
  });
});

describe('the spdy npm package capture', () => {
  it('holds the GET, its response and the pushed stylesheet', async () => {
    const toServer = await run(['decode', '--data', 'utf8', fixture('spdy-transport-client-to-server.bin')]);
    const toClient = await run(['decode', '--data', 'utf8', fixture('spdy-transport-server-to-client.bin')]);
    const request = toServer.stdout.trim().split('\n').map((line) => JSON.parse(line));
    const response = toClient.stdout.trim().split('\n').map((line) => JSON.parse(line));
    expect(request.find((f) => f.type === 'SYN_STREAM').headers).toContainEqual([':path', '/hello.txt']);
    const push = response.find((f) => f.type === 'SYN_STREAM');
    expect(push).toMatchObject({ streamId: 2, associatedStreamId: 1 });
    expect(push.headers).toContainEqual([':path', '/style.css']);
    expect(response.filter((f) => f.type === 'DATA').map((f) => f.text)).toEqual([
      'hello from the spdy npm package\n',
      'body { color: green }\n',
      '',
      '',
    ]);
  });
});

/**
 * syn_stream_roundtrip: a SYN_STREAM with 8 typical request headers, encoded
 * then decoded, ours against spdy-transport 3.0.0 (the codec under the `spdy`
 * npm package), SPDY/3. One compression context per direction for the whole
 * run, as in one long session; the path changes from request to request.
 *
 * - Ours: `HeaderFrameEncoder` at the server's default level
 *   (`defaultCompressionLevel('server')`), then `HeaderFrameDecoder` (push,
 *   next): the frame codec and the header codec wired together.
 * - spdy-transport: `Framer#requestFrame` with its default compression (as
 *   its Connection and the `spdy` package use it: stored blocks), bytes taken
 *   where the framer hands them to its write scheduler, then `Parser#write`
 *   until it emits the frame. Its zlib work runs in Node's zlib streams
 *   (thread pool, asynchronous), so each round trip awaits both.
 *
 * Run: `pnpm bench` in this package (or `pnpm bench` at the root for all).
 */
import transport from 'spdy-transport';
import type { PeerHeaders, TransportWindow } from 'spdy-transport';
import { Flag, SpdyProtocolError } from '@spdy/frames';
import { runCase } from '../../frames/bench/harness.js';
import { HeaderFrameDecoder, HeaderFrameEncoder, type HeaderList, defaultCompressionLevel } from '../src/index.js';

const BATCH = 64;
const PATHS = Array.from({ length: 16 }, (_, i) => `/assets/${['app', 'vendor', 'style', 'logo'][i % 4]}-${(i * 2654435761) % 100000}.${['js', 'css', 'png'][i % 3]}?v=${i}`);

const common = {
  'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
  accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,image/webp,*/*;q=0.8',
  'accept-encoding': 'gzip, deflate, br',
};

function request(i: number): HeaderList {
  return [
    [':method', 'GET'],
    [':path', PATHS[i % PATHS.length]!],
    [':version', 'HTTP/1.1'],
    [':host', 'www.example.com'],
    [':scheme', 'https'],
    ...Object.entries(common),
  ];
}
const requests = PATHS.map((_, i) => request(i));

function ours() {
  const encoder = new HeaderFrameEncoder({ version: 3, level: defaultCompressionLevel('server') });
  const decoder = new HeaderFrameDecoder({ version: 3 });
  let streamId = 1;
  return () => {
    for (let i = 0; i < BATCH; i++) {
      const headers = requests[i % requests.length]!;
      decoder.push(encoder.encode({ type: 'SYN_STREAM', flags: Flag.FIN, streamId, associatedStreamId: 0, priority: 3, slot: 0, headers }));
      const frame = decoder.next();
      if (frame === undefined || frame instanceof SpdyProtocolError || frame.type !== 'SYN_STREAM') throw new Error(`unexpected ${String(frame)}`);
      if (frame.headers.length !== 8) throw new Error('lost headers');
      streamId = (streamId + 2) & 0x7fffffff || 1;
    }
    return BATCH;
  };
}

/** Flow control is not part of the codec: a window that is always open. */
const openWindow: TransportWindow = { send: { update: (_d, onWritable) => onWritable?.() }, recv: { update() {} } };

function peer() {
  const spdy = transport.protocol.spdy;
  const framer = spdy.framer.create({ window: openWindow });
  const parser = spdy.parser.create({ window: openWindow, isServer: true });
  // One pair per session, as its Connection does: the framer uses its deflate stream, the parser its inflate stream.
  const pair = spdy.compressionPool.create(false).get(3);
  framer.setVersion(3);
  framer.setCompression(pair);
  parser.setVersion(3);
  parser.setCompression(pair);
  let written: Buffer[] = [];
  framer.schedule = (write) => {
    written.push(...write.chunks);
    write.callback?.(null);
  };
  let onFrame: ((frame: { headers: PeerHeaders }) => void) | undefined;
  parser.on('data', (frame: { headers: PeerHeaders }) => onFrame?.(frame));
  parser.on('error', (err) => {
    throw err;
  });
  let streamId = 1;
  return async () => {
    for (let i = 0; i < BATCH; i++) {
      await new Promise<void>((resolve, reject) =>
        framer.requestFrame(
          {
            id: streamId,
            fin: true,
            method: 'GET',
            path: PATHS[i % PATHS.length]!,
            version: 'HTTP/1.1',
            host: 'www.example.com',
            scheme: 'https',
            priority: { weight: 16 },
            headers: { ...common },
          },
          (err) => (err ? reject(err) : resolve()),
        ),
      );
      const bytes = written.length === 1 ? written[0]! : Buffer.concat(written);
      written = [];
      const frame = await new Promise<{ headers: PeerHeaders }>((resolve) => {
        onFrame = resolve;
        parser.write(bytes);
      });
      // It drops :version and renames :host: 7 of the 8 remain.
      if (Object.keys(frame.headers).length !== 7) throw new Error('lost headers');
      streamId = (streamId + 2) & 0x7fffffff || 1;
    }
    return BATCH;
  };
}

await runCase({ name: 'syn_stream_roundtrip', unit: 'frames/s', scale: 1, ours: ours(), peer: peer() });

/**
 * DATA frame codec benchmarks, ours against spdy-transport 3.0.0 (the codec
 * under the `spdy` npm package), SPDY/3, 16 KiB payloads.
 *
 * - data_encode_16k: one contiguous frame (header + copied payload) per call:
 *   our `encodeFrame`, its `Framer#dataFrame`, whose bytes we take where it
 *   hands them to its write scheduler (so its scheduler's cost is not counted).
 * - data_decode_16k: a 16 MiB stream of frames fed in 64 KiB reads, as a
 *   socket delivers them: our `FrameDecoder` with `partialData` (push, then
 *   next() until empty), its `Parser` stream (write each read, until every
 *   payload byte came out). Both hand out views of the reads, and both deliver
 *   a frame cut by a read as pieces rather than copying it whole.
 *
 * Run: `pnpm bench` in this package (or `pnpm bench` at the root for all).
 */
import transport from 'spdy-transport';
import type { TransportWindow } from 'spdy-transport';
import { FrameDecoder, SpdyProtocolError, encodeFrame } from '../src/index.js';
import { PER_MB, runCase } from './harness.js';

const PAYLOAD = 16 * 1024;
const READ_SIZE = 64 * 1024;
const STREAM_FRAMES = 1024;
const ENCODE_BATCH = 64;

const payload = new Uint8Array(PAYLOAD).map((_, i) => i * 7);
const payloadBuffer = Buffer.from(payload.buffer, payload.byteOffset, payload.length);
const spdy = transport.protocol.spdy;

/** Flow control is not part of the codec: a window that is always open. */
const openWindow: TransportWindow = { send: { update: (_d, onWritable) => onWritable?.() }, recv: { update() {} } };

function peerFramer() {
  const framer = spdy.framer.create({ window: openWindow });
  framer.setVersion(3);
  framer.setCompression(spdy.compressionPool.create(false).get(3));
  return framer;
}

async function encodeCase() {
  const framer = peerFramer();
  let written = 0;
  framer.schedule = (write) => {
    for (const chunk of write.chunks) written += chunk.length;
    write.callback?.(null);
  };
  let sink = 0;
  await runCase({
    name: 'data_encode_16k',
    unit: 'MB/s',
    scale: PER_MB,
    ours: () => {
      for (let i = 0; i < ENCODE_BATCH; i++) sink += encodeFrame({ type: 'DATA', streamId: 1, flags: 0, data: payload }, 3).length;
      return ENCODE_BATCH * PAYLOAD;
    },
    peer: () => {
      for (let i = 0; i < ENCODE_BATCH; i++) framer.dataFrame({ id: 1, fin: false, priority: 0, data: payloadBuffer });
      return ENCODE_BATCH * PAYLOAD;
    },
  });
  // Keep the encoders' output observable so neither side's work can be optimised away.
  if (sink === 0 || written === 0) throw new Error('nothing was encoded');
}

/** The stream both decoders read, cut into socket-sized reads. */
function reads(): Buffer[] {
  const stream = Buffer.concat(Array.from({ length: STREAM_FRAMES }, () => encodeFrame({ type: 'DATA', streamId: 1, flags: 0, data: payload }, 3)));
  const out: Buffer[] = [];
  for (let at = 0; at < stream.length; at += READ_SIZE) out.push(stream.subarray(at, at + READ_SIZE));
  return out;
}

async function decodeCase() {
  const input = reads();
  const total = STREAM_FRAMES * PAYLOAD;

  const decoder = new FrameDecoder({ version: 3, partialData: true });
  const ours = () => {
    let bytes = 0;
    for (const chunk of input) {
      decoder.push(chunk);
      for (let item = decoder.next(); item !== undefined; item = decoder.next()) {
        if (item instanceof SpdyProtocolError || item.type !== 'DATA') throw new Error(`unexpected ${String(item)}`);
        bytes += item.data.length;
      }
    }
    if (bytes !== total) throw new Error(`decoded ${bytes} of ${total} bytes`);
    return bytes;
  };

  const parser = spdy.parser.create({ window: openWindow, isServer: true });
  parser.setVersion(3);
  parser.setCompression(spdy.compressionPool.create(false).get(3));
  let received = 0;
  let onDone: (() => void) | undefined;
  parser.on('data', (frame: { type: string; data: Buffer }) => {
    // It reports a frame cut by a read as several partial DATA frames.
    received += frame.data.length;
    if (received === total) onDone?.();
  });
  parser.on('error', (err) => {
    throw err;
  });
  const peer = async () => {
    received = 0;
    const done = new Promise<void>((resolve) => (onDone = resolve));
    for (const chunk of input) parser.write(chunk);
    await done;
    return total;
  };

  await runCase({ name: 'data_decode_16k', unit: 'MB/s', scale: PER_MB, ours, peer });
}

await decodeCase();
await encodeCase();

/**
 * Mutators. Structure-aware ones decode the payload into frames (or header
 * blocks), change them and re-encode them with a fresh compressor, so the zlib
 * stream stays valid and the input reaches the session logic behind the codec;
 * sometimes they corrupt the compression on purpose. Byte-level ones (bit
 * flips, interesting values, splices, length field tweaks) reach what the
 * encoders refuse to write.
 */
import { FRAME_HEADER_SIZE, SpdyProtocolError } from '@spdy/frames';
import { type FrameToEncode, type HeaderList, HeaderDeflater, HeaderFrameDecoder, HeaderFrameEncoder, HeaderInflater } from '@spdy/zlib-headers';
import { sampleFrame, sampleHeaders } from './generate.js';
import { INPUT_HEADER_SIZE, joinInput, splitInput } from './input.js';
import type { Rng } from './rng.js';
import { type Target, joinBlocks, splitBlocks } from './targets.js';

/** Inputs grow no larger than this: big enough for floods, small enough to stay fast. */
export const MAX_INPUT = 16 * 1024;

const INTERESTING_8 = [0, 1, 0x7f, 0x80, 0xff, 0xfe, 0x40, 0x10];
const INTERESTING_32 = [0, 1, 2, 0x7fffffff, 0x80000000, 0xffffffff, 0x10000, 0xffff, 0x1fff, 0x2000, 8, 0x00ffffff];

/** The parts, joined into one new buffer. */
export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Raw frame slices by their length fields, whatever their content (the last may be cut short). */
export function rawFrames(payload: Uint8Array): Uint8Array[] {
  const frames: Uint8Array[] = [];
  for (let at = 0; at < payload.length; ) {
    const length = at + FRAME_HEADER_SIZE <= payload.length ? (payload[at + 5]! << 16) | (payload[at + 6]! << 8) | payload[at + 7]! : payload.length;
    const end = Math.min(payload.length, at + FRAME_HEADER_SIZE + length);
    frames.push(payload.subarray(at, end));
    at = end;
  }
  return frames;
}

function write32(bytes: Uint8Array, at: number, value: number): void {
  if (at + 4 > bytes.length) return;
  bytes[at] = value >>> 24;
  bytes[at + 1] = (value >>> 16) & 0xff;
  bytes[at + 2] = (value >>> 8) & 0xff;
  bytes[at + 3] = value & 0xff;
}

// ---------------------------------------------------------------------------
// Byte level

function byteMutation(bytes: Uint8Array, rng: Rng, other: Uint8Array): Uint8Array {
  const out = bytes.slice();
  const at = rng.below(Math.max(1, out.length));
  switch (rng.below(8)) {
    case 0:
      if (out.length > 0) out[at] = out[at]! ^ (1 << rng.below(8));
      return out;
    case 1:
      if (out.length > 0) out[at] = rng.pick(INTERESTING_8);
      return out;
    case 2:
      write32(out, at, rng.pick(INTERESTING_32) + (rng.chance(2) ? rng.below(5) - 2 : 0));
      return out;
    case 3: {
      const length = 1 + rng.below(16);
      const insert = Uint8Array.from({ length }, () => rng.below(256));
      return concat([out.subarray(0, at), insert, out.subarray(at)]);
    }
    case 4: {
      const length = 1 + rng.below(Math.max(1, Math.min(64, out.length - at)));
      return concat([out.subarray(0, at), out.subarray(at + length)]);
    }
    case 5: {
      // Repeat a range: floods and repeated frames.
      const length = 1 + rng.below(Math.max(1, Math.min(256, out.length - at)));
      const range = out.subarray(at, at + length);
      return concat([out.subarray(0, at + length), ...Array.from({ length: 1 + rng.below(8) }, () => range), out.subarray(at + length)]);
    }
    case 6: {
      // Splice: our head, the other input's tail.
      const from = rng.below(Math.max(1, other.length));
      return concat([out.subarray(0, at), other.subarray(from)]);
    }
    default:
      return out.subarray(0, at);
  }
}

/** Changes a frame's header (version, type, flags, length) or its first payload fields (ids, priority, status, counts). */
function frameFieldMutation(payload: Uint8Array, rng: Rng): Uint8Array {
  const frames = rawFrames(payload).map((f) => f.slice());
  if (frames.length === 0) return payload;
  const frame = frames[rng.below(frames.length)]!;
  switch (rng.below(5)) {
    case 0: // flags
      if (frame.length > 4) frame[4] = rng.pick([0, 1, 2, 3, 0xff, 0x80, 0x10]);
      break;
    case 1: {
      // length field: off by a little or a lot
      if (frame.length < 8) break;
      const length = (frame[5]! << 16) | (frame[6]! << 8) | frame[7]!;
      const next = rng.chance(2) ? Math.max(0, length + rng.below(9) - 4) : rng.pick([0, 1, 4, 8, 0x2000, 0xffff, 0xffffff]);
      frame[5] = next >>> 16;
      frame[6] = (next >>> 8) & 0xff;
      frame[7] = next & 0xff;
      break;
    }
    case 2: // control bit, version, type
      if (frame.length > 3) {
        if (rng.chance(2)) frame[0] = frame[0]! ^ 0x80;
        else if (rng.chance(2)) frame[1] = rng.pick([1, 2, 3, 4]);
        else frame[3] = rng.below(12);
      }
      break;
    default: // a 32-bit field of the payload
      write32(frame, FRAME_HEADER_SIZE + 4 * rng.below(4), rng.pick(INTERESTING_32) + rng.below(3) - 1);
  }
  return concat(frames);
}

function rawFrameMutation(payload: Uint8Array, rng: Rng, other: Uint8Array): Uint8Array {
  const frames = rawFrames(payload);
  const at = rng.below(frames.length + 1);
  switch (rng.below(4)) {
    case 0:
      frames.splice(at, 1);
      break;
    case 1:
      if (frames.length > 0) frames.splice(at, 0, ...Array.from({ length: 1 + rng.below(rng.chance(4) ? 200 : 3) }, () => frames[Math.min(at, frames.length - 1)]!));
      break;
    case 2: {
      const theirs = rawFrames(other);
      if (theirs.length > 0) frames.splice(at, 0, theirs[rng.below(theirs.length)]!);
      break;
    }
    default:
      if (at + 1 < frames.length) [frames[at], frames[at + 1]] = [frames[at + 1]!, frames[at]!];
  }
  return concat(frames);
}

// ---------------------------------------------------------------------------
// Structure aware

function mutateHeaders(headers: HeaderList, rng: Rng): HeaderList {
  const list = headers.map(([n, v]) => [n, v] as [string, string]);
  const at = rng.below(Math.max(1, list.length));
  switch (rng.below(7)) {
    case 0:
      list.splice(at, 1);
      break;
    case 1:
      if (list.length > 0) list.push([list[at]![0], 'again']);
      break;
    case 2:
      if (list.length > 0) list[at]![0] = list[at]![0].toUpperCase();
      break;
    case 3:
      if (list.length > 0) list[at]![1] = rng.pick(['', '\u0000', 'a\u0000b', 'x'.repeat(1 + rng.below(3000)), '-1', '99999999999']);
      break;
    case 4:
      return [...list, ...sampleHeaders(rng.next())];
    case 5:
      return sampleHeaders(rng.next());
    default:
      for (let i = rng.below(100); i > 0; i--) list.push([`x-${i}`, 'y'.repeat(rng.below(40))]);
  }
  return list;
}

/** Decodes the payload into frames with headers; undefined when it is not a clean frame stream. */
function decodeAll(payload: Uint8Array, version: 2 | 3): FrameToEncode[] | undefined {
  const decoder = new HeaderFrameDecoder({ version, maxHeaderListSize: 1 << 20 });
  const frames: FrameToEncode[] = [];
  decoder.push(payload);
  for (let item = decoder.next(); item !== undefined; item = decoder.next()) {
    if (item instanceof SpdyProtocolError) return undefined;
    frames.push(item);
  }
  return decoder.finish() === undefined ? frames : undefined;
}

/** Re-encodes frames with one fresh compressor; frames the encoder refuses are dropped. */
function encodeAll(frames: readonly FrameToEncode[], version: 2 | 3, rng: Rng): Uint8Array {
  const encoder = new HeaderFrameEncoder({ version, level: rng.pick([0, 1, 9]) });
  const parts: Uint8Array[] = [];
  for (const frame of frames) {
    try {
      parts.push(encoder.encode(frame));
    } catch {
      // An invalid frame for the encoder (the byte-level mutators reach those).
    }
  }
  const out = concat(parts);
  if (rng.chance(8) && out.length > FRAME_HEADER_SIZE) {
    // Corrupt the compressed data (or anything) somewhere past the first frame header.
    const at = FRAME_HEADER_SIZE + rng.below(out.length - FRAME_HEADER_SIZE);
    out[at] = out[at]! ^ (1 + rng.below(255));
  }
  return out;
}

function frameStreamMutation(payload: Uint8Array, version: 2 | 3, rng: Rng): Uint8Array | undefined {
  const frames = decodeAll(payload, version);
  if (frames === undefined) return undefined;
  const at = rng.below(frames.length + 1);
  switch (rng.below(6)) {
    case 0:
    case 1:
      frames.splice(at, 0, sampleFrame(version, rng.next()));
      break;
    case 2: {
      const headerFrames = frames.map((f, i) => ('headers' in f ? i : -1)).filter((i) => i >= 0);
      if (headerFrames.length === 0) return undefined;
      const i = rng.pick(headerFrames);
      const frame = frames[i] as FrameToEncode & { headers: HeaderList };
      frames[i] = { ...frame, headers: mutateHeaders(frame.headers, rng) } as FrameToEncode;
      break;
    }
    case 3: {
      // Many copies of one frame: floods of PING, SETTINGS, WINDOW_UPDATE, SYN_STREAM...
      const frame = frames[Math.min(at, frames.length - 1)] ?? sampleFrame(version, rng.next());
      frames.splice(at, 0, ...Array.from({ length: 1 + rng.below(300) }, () => frame));
      break;
    }
    case 4: {
      // Renumber streams: a stream id shifted by one changes parity and order.
      const frame = frames[Math.min(at, frames.length - 1)];
      if (frame === undefined || !('streamId' in frame)) return undefined;
      frames[Math.min(at, frames.length - 1)] = { ...frame, streamId: Math.max(0, frame.streamId + rng.below(5) - 2) } as FrameToEncode;
      break;
    }
    default:
      frames.splice(at, 1);
  }
  return encodeAll(frames, version, rng);
}

/** Header block sequences: inflate, change one list, deflate the whole sequence again. */
function blockStreamMutation(payload: Uint8Array, version: 2 | 3, rng: Rng): Uint8Array | undefined {
  const inflater = new HeaderInflater(version, { maxHeaderListSize: 1 << 20 });
  const lists: HeaderList[] = [];
  try {
    for (const block of splitBlocks(payload)) lists.push(inflater.inflate(block));
  } catch {
    return undefined;
  }
  const at = rng.below(lists.length + 1);
  if (rng.chance(2) || lists.length === 0) lists.splice(at, 0, sampleHeaders(rng.next()));
  else lists[Math.min(at, lists.length - 1)] = mutateHeaders(lists[Math.min(at, lists.length - 1)]!, rng);
  const deflater = new HeaderDeflater(version, { level: rng.pick([0, 1, 9]) });
  const blocks: Uint8Array[] = [];
  for (const list of lists) {
    try {
      blocks.push(deflater.deflate(list));
    } catch {
      // Headers the deflater refuses (uppercase, empty name...): the byte-level mutators reach those.
    }
  }
  return joinBlocks(blocks);
}

function blockMutation(payload: Uint8Array, rng: Rng, other: Uint8Array): Uint8Array {
  const blocks = splitBlocks(payload);
  const at = rng.below(Math.max(1, blocks.length));
  if (blocks.length === 0 || rng.chance(4)) return joinBlocks([...blocks, ...splitBlocks(other).slice(0, 1)]);
  blocks[at] = byteMutation(blocks[at]!, rng, other);
  return joinBlocks(blocks);
}

// ---------------------------------------------------------------------------

/** One mutation of `input` (never the same array). `other` is another corpus entry, for splices. */
export function mutate(target: Target, input: Uint8Array, other: Uint8Array, rng: Rng): Uint8Array {
  const { config, schedule, payload } = splitInput(input);
  const otherPayload = splitInput(other).payload;
  const version = target.wireVersion(config);
  let next: Uint8Array | undefined;
  const choice = rng.below(16);
  if (choice === 0) return joinInput(rng.chance(2) ? config ^ (1 << rng.below(7)) : rng.below(128), schedule, payload);
  if (choice === 1) return joinInput(config, rng.below(256), payload);
  if (target.payloadKind === 'blocks') {
    if (choice < 7) next = blockStreamMutation(payload, version, rng);
    next ??= rng.chance(2) ? blockMutation(payload, rng, otherPayload) : byteMutation(payload, rng, otherPayload);
  } else {
    if (choice < 7) next = frameStreamMutation(payload, version, rng);
    else if (choice < 10) next = frameFieldMutation(payload, rng);
    else if (choice < 12) next = rawFrameMutation(payload, rng, otherPayload);
    next ??= byteMutation(payload, rng, otherPayload);
  }
  // Stack a few more byte-level changes now and then.
  for (let extra = rng.chance(4) ? rng.below(4) : 0; extra > 0; extra--) next = byteMutation(next, rng, otherPayload);
  return joinInput(config, schedule, next.subarray(0, MAX_INPUT - INPUT_HEADER_SIZE));
}

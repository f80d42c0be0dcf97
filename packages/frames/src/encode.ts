/**
 * The frame encoder: typed frames to bytes, for both wire versions.
 *
 * Encoding checks what the caller gives and throws a `TypeError` (wrong kind
 * of value) or `RangeError` (value out of range) on the spot: a bad frame here
 * is a bug in the calling program, not bad input from the network, so it must
 * never reach the wire.
 */

import { FRAME_HEADER_SIZE, FrameType, MAX_FRAME_LENGTH, MAX_STREAM_ID, MAX_WINDOW_SIZE, lowestPriority } from './constants.js';
import type { WireVersion } from './constants.js';
import type { Frame, SettingsEntry } from './types.js';
import { allocateBytes } from './alloc.js';

/** Bytes between the fixed fields and the header block of SYN_REPLY and HEADERS: v2 has 2 unused bytes after the stream id. */
function replyFieldsSize(version: WireVersion): number {
  return version === 2 ? 6 : 4;
}

/** Size of the fixed fields of SYN_STREAM (stream id, associated id, priority/slot), same in both versions. */
const SYN_STREAM_FIELDS_SIZE = 10;

/** Total size on the wire (8-byte header included) of `frame` in `version`; validates the frame's payload size. */
export function encodedFrameLength(frame: Frame, version: WireVersion): number {
  return FRAME_HEADER_SIZE + payloadLength(frame, checkVersion(version));
}

/** Encodes one frame into bytes of exactly its size (from {@link allocateBytes}: a small frame is a view of a shared ArrayBuffer). */
export function encodeFrame(frame: Frame, version: WireVersion): Uint8Array {
  const size = encodedFrameLength(frame, version);
  const out = allocateBytes(size);
  writeFrame(frame, version, out, 0, size);
  return out;
}

/** Encodes a DATA frame into one buffer (header and payload together). */
export function encodeDataFrame(streamId: number, flags: number, data: Uint8Array): Uint8Array {
  checkBytes('DATA data', data);
  const out = allocateBytes(FRAME_HEADER_SIZE + data.length);
  writeDataHeader(out, 0, streamId, flags, data.length);
  out.set(data, FRAME_HEADER_SIZE);
  return out;
}

/**
 * The 8-byte header of a DATA frame, for writing the payload beside it
 * without copying it (`writev`, or two `write` calls).
 */
export function dataFrameHeader(streamId: number, flags: number, length: number): Uint8Array {
  const out = allocateBytes(FRAME_HEADER_SIZE);
  writeDataHeader(out, 0, streamId, flags, length);
  return out;
}

/**
 * Encodes `frame` into `target` at `offset` and returns the number of bytes
 * written ({@link encodedFrameLength}). Lets a caller pack several frames into
 * one buffer without intermediate copies. Throws before writing anything if
 * the frame does not fit; on any other throw (an invalid field), the bytes of
 * `target` in the frame's range are unspecified.
 */
export function writeFrameInto(frame: Frame, version: WireVersion, target: Uint8Array, offset: number): number {
  const size = encodedFrameLength(frame, version);
  checkBytes('target', target);
  if (!Number.isInteger(offset) || offset < 0 || offset + size > target.length) {
    throw new RangeError(`${frame.type}: needs ${size} bytes at offset ${offset} of a ${target.length}-byte target`);
  }
  return writeFrame(frame, version, target, offset, size);
}

/** Writes a frame whose `size` (from {@link encodedFrameLength}) fits `t` at `offset`; returns `size`. */
function writeFrame(frame: Frame, version: WireVersion, t: Uint8Array, offset: number, size: number): number {
  let p = offset;
  if (frame.type === 'DATA') {
    writeDataHeader(t, p, frame.streamId, frame.flags, frame.data.length);
    t.set(frame.data, p + FRAME_HEADER_SIZE);
    return size;
  }
  if (frame.type === 'UNKNOWN') {
    checkUint('UNKNOWN version', frame.version, 0x7fff);
    checkUint('UNKNOWN frameType', frame.frameType, 0xffff);
    writeControlHeader(t, p, frame.version, frame.frameType, frame.flags, frame.payload.length, 'UNKNOWN');
    t.set(frame.payload, p + FRAME_HEADER_SIZE);
    return size;
  }
  writeControlHeader(t, p, version, FrameType[frame.type], frame.flags, size - FRAME_HEADER_SIZE, frame.type);
  p += FRAME_HEADER_SIZE;
  switch (frame.type) {
    case 'SYN_STREAM': {
      writeU32(t, p, checkStreamId('SYN_STREAM', frame.streamId, false));
      writeU32(t, p + 4, checkStreamId('SYN_STREAM associatedStreamId', frame.associatedStreamId, true));
      const priority = checkUint('SYN_STREAM priority', frame.priority, lowestPriority(version));
      if (version === 2) {
        // §2.6.1 of draft 2: 2-bit priority, then 14 unused bits; there is no slot.
        if (frame.slot !== 0) throw new RangeError(`SYN_STREAM slot must be 0 in SPDY/2, got ${String(frame.slot)}`);
        t[p + 8] = priority << 6;
        t[p + 9] = 0;
      } else {
        // §2.6.1 of draft 3: 3-bit priority, 5 unused bits, 8-bit slot.
        t[p + 8] = priority << 5;
        t[p + 9] = checkUint('SYN_STREAM slot', frame.slot, 0xff);
      }
      t.set(frame.headerBlock, p + SYN_STREAM_FIELDS_SIZE);
      break;
    }
    case 'SYN_REPLY':
    case 'HEADERS': {
      writeU32(t, p, checkStreamId(frame.type, frame.streamId, false));
      // Draft 2 puts 16 unused bits after the stream id (§2.6.2, HEADERS); draft 3 dropped them.
      if (version === 2) t[p + 4] = t[p + 5] = 0;
      t.set(frame.headerBlock, p + replyFieldsSize(version));
      break;
    }
    case 'RST_STREAM':
      writeU32(t, p, checkStreamId('RST_STREAM', frame.streamId, false));
      // §2.6.3: 0 is not a valid status code.
      if (frame.status === 0) throw new RangeError('RST_STREAM status 0 is not valid');
      writeU32(t, p + 4, checkUint('RST_STREAM status', frame.status, 0xffffffff));
      break;
    case 'SETTINGS':
      writeU32(t, p, frame.entries.length);
      p += 4;
      for (const entry of frame.entries) {
        writeSettingsEntry(t, p, entry, version);
        p += 8;
      }
      break;
    case 'NOOP':
      break;
    case 'PING':
      writeU32(t, p, checkUint('PING id', frame.id, 0xffffffff));
      break;
    case 'GOAWAY':
      writeU32(t, p, checkStreamId('GOAWAY lastGoodStreamId', frame.lastGoodStreamId, true));
      // Draft 2's GOAWAY has no status field (§GOAWAY, length 4): the status is not written.
      if (version === 3) writeU32(t, p + 4, checkUint('GOAWAY status', frame.status, 0xffffffff));
      break;
    case 'WINDOW_UPDATE': {
      writeU32(t, p, checkStreamId('WINDOW_UPDATE', frame.streamId, true));
      const delta = frame.deltaWindowSize;
      // §2.6.8: the legal range is 1 to 2^31 - 1.
      if (!Number.isInteger(delta) || delta < 1 || delta > MAX_WINDOW_SIZE) {
        throw new RangeError(`WINDOW_UPDATE deltaWindowSize must be an integer from 1 to ${MAX_WINDOW_SIZE}, got ${String(delta)}`);
      }
      writeU32(t, p + 4, delta);
      break;
    }
    case 'CREDENTIAL': {
      const slot = checkUint('CREDENTIAL slot', frame.slot, 0xffff);
      t[p] = slot >>> 8;
      t[p + 1] = slot;
      writeU32(t, p + 2, frame.proof.length);
      t.set(frame.proof, p + 6);
      p += 6 + frame.proof.length;
      for (const certificate of frame.certificates) {
        writeU32(t, p, certificate.length);
        t.set(certificate, p + 4);
        p += 4 + certificate.length;
      }
      break;
    }
    default:
      return unknownFrame(frame);
  }
  return size;
}

/** Payload size of a frame (header excluded), checking the version supports it and that it fits 24 bits. */
function payloadLength(frame: Frame, version: WireVersion): number {
  let length: number;
  switch (frame.type) {
    case 'DATA':
      length = checkBytes('DATA data', frame.data).length;
      break;
    case 'SYN_STREAM':
      length = SYN_STREAM_FIELDS_SIZE + checkBytes('SYN_STREAM headerBlock', frame.headerBlock).length;
      break;
    case 'SYN_REPLY':
    case 'HEADERS':
      length = replyFieldsSize(version) + checkBytes(frame.type, frame.headerBlock, ' headerBlock').length;
      break;
    case 'RST_STREAM':
    case 'WINDOW_UPDATE':
      length = 8;
      break;
    case 'SETTINGS':
      if (!Array.isArray(frame.entries)) throw new TypeError('SETTINGS entries must be an array');
      length = 4 + 8 * frame.entries.length;
      break;
    case 'NOOP':
      if (version !== 2) throw new TypeError('NOOP exists only in SPDY/2');
      length = 0;
      break;
    case 'PING':
      length = 4;
      break;
    case 'GOAWAY':
      length = version === 2 ? 4 : 8;
      break;
    case 'CREDENTIAL': {
      if (version !== 3) throw new TypeError('CREDENTIAL exists only in SPDY/3');
      length = 6 + checkBytes('CREDENTIAL proof', frame.proof).length;
      if (!Array.isArray(frame.certificates)) throw new TypeError('CREDENTIAL certificates must be an array');
      for (const certificate of frame.certificates) length += 4 + checkBytes('CREDENTIAL certificate', certificate).length;
      break;
    }
    case 'UNKNOWN':
      length = checkBytes('UNKNOWN payload', frame.payload).length;
      break;
    default:
      return unknownFrame(frame);
  }
  if (length > MAX_FRAME_LENGTH) {
    throw new RangeError(`${frame.type} payload of ${length} bytes exceeds the 24-bit length limit (${MAX_FRAME_LENGTH})`);
  }
  return length;
}

function writeDataHeader(t: Uint8Array, p: number, streamId: number, flags: number, length: number): void {
  writeU32(t, p, checkStreamId('DATA', streamId, false));
  t[p + 4] = checkUint('DATA flags', flags, 0xff);
  writeU24(t, p + 5, checkUint('DATA length', length, MAX_FRAME_LENGTH));
}

function writeControlHeader(t: Uint8Array, p: number, version: number, type: number, flags: number, length: number, name: string): void {
  t[p] = 0x80 | (version >>> 8);
  t[p + 1] = version;
  t[p + 2] = type >>> 8;
  t[p + 3] = type;
  t[p + 4] = checkUint(name, flags, 0xff, ' flags');
  writeU24(t, p + 5, length);
}

function writeSettingsEntry(t: Uint8Array, p: number, entry: SettingsEntry, version: WireVersion): void {
  const id = checkUint('SETTINGS entry id', entry.id, 0xffffff);
  const flags = checkUint('SETTINGS entry flags', entry.flags, 0xff);
  if (version === 2) {
    // Draft 2 §SETTINGS: the 24-bit id is little-endian (a bug of the first implementation), then the flags.
    t[p] = id;
    t[p + 1] = id >>> 8;
    t[p + 2] = id >>> 16;
    t[p + 3] = flags;
  } else {
    t[p] = flags;
    writeU24(t, p + 1, id);
  }
  writeU32(t, p + 4, checkUint('SETTINGS entry value', entry.value, 0xffffffff));
}

/** Big-endian 32-bit store; typed-array stores keep the low 8 bits of each value, so no masking is needed. */
function writeU32(t: Uint8Array, p: number, value: number): void {
  t[p] = value >>> 24;
  t[p + 1] = value >>> 16;
  t[p + 2] = value >>> 8;
  t[p + 3] = value;
}

function writeU24(t: Uint8Array, p: number, value: number): void {
  t[p] = value >>> 16;
  t[p + 1] = value >>> 8;
  t[p + 2] = value;
}

function checkVersion(version: WireVersion): WireVersion {
  if (version !== 2 && version !== 3) throw new RangeError(`wire version must be 2 or 3, got ${String(version)}`);
  return version;
}

// The checks name the field as `what` + `field`, joined only for an error
// message: building the name on every call cost more than the check.

function checkUint(what: string, value: number, max: number, field = ''): number {
  if (typeof value !== 'number') throw new TypeError(`${what}${field} must be a number, got ${typeof value}`);
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new RangeError(`${what}${field} must be an integer from 0 to ${max}, got ${value}`);
  }
  return value;
}

/** Stream ids are 31 bits; 0 is only valid where the field may name "no stream" or the session. */
function checkStreamId(what: string, value: number, zeroAllowed: boolean): number {
  checkUint(what, value, MAX_STREAM_ID, ' stream id');
  if (value === 0 && !zeroAllowed) throw new RangeError(`${what} stream id must not be 0`);
  return value;
}

function checkBytes(what: string, value: Uint8Array, field = ''): Uint8Array {
  if (!(value instanceof Uint8Array)) throw new TypeError(`${what}${field} must be a Uint8Array`);
  return value;
}

function unknownFrame(frame: never): never {
  throw new TypeError(`not a frame type: ${String((frame as { type?: unknown }).type)}`);
}

/**
 * The JSON shape of one frame, as `spdy-frames decode` prints it and
 * `spdy-frames encode` reads it back.
 *
 * Numbers stay numbers (flags, status codes, settings ids), so that a line
 * encodes to exactly the bytes it came from; the names next to them
 * (`flagNames`, `statusName`, `name`) are for people and ignored by the
 * encoder, as are `offset` and `length`. Binary fields are lowercase hex.
 */

import {
  frameFlagNames,
  frameTypeName,
  goawayStatusName,
  rstStatusName,
  settingsEntryFlagNames,
  settingsIdName,
  type SettingsEntry,
  type WireVersion,
} from '@spdy/frames';
import type { DecodedFrame, HeaderList } from '@spdy/zlib-headers';
import { parseHex, toHex } from './hex.js';

/** How DATA payloads are printed. */
export type DataMode = 'hex' | 'utf8' | 'none';

export interface ToJsonOptions {
  version: WireVersion;
  data: DataMode;
}

/** Where a frame sat in the input, shown beside it. */
export interface FramePosition {
  /** Byte offset of the frame header in the input. */
  offset: number;
  /** The length field of the frame header (payload bytes). */
  length: number;
}

type Json = Record<string, unknown>;

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const utf8 = new TextEncoder();

/** One frame as a plain JSON object, ready for `JSON.stringify`. */
export function frameToJson(frame: DecodedFrame, position: FramePosition, options: ToJsonOptions): Json {
  const head: Json = { type: frame.type, offset: position.offset, length: position.length };
  const flags = { flags: frame.flags, flagNames: frameFlagNames(frame.type, frame.flags, options.version) };
  switch (frame.type) {
    case 'DATA':
      return { ...head, streamId: frame.streamId, ...flags, ...dataToJson(frame.data, options.data) };
    case 'SYN_STREAM':
      return {
        ...head,
        streamId: frame.streamId,
        ...flags,
        associatedStreamId: frame.associatedStreamId,
        priority: frame.priority,
        slot: frame.slot,
        headers: frame.headers,
      };
    case 'SYN_REPLY':
    case 'HEADERS':
      return { ...head, streamId: frame.streamId, ...flags, headers: frame.headers };
    case 'RST_STREAM':
      return { ...head, streamId: frame.streamId, ...flags, status: frame.status, statusName: rstStatusName(frame.status) };
    case 'SETTINGS':
      return { ...head, ...flags, entries: frame.entries.map(settingsEntryToJson) };
    case 'NOOP':
      return { ...head, ...flags };
    case 'PING':
      return { ...head, ...flags, id: frame.id };
    case 'GOAWAY':
      return {
        ...head,
        ...flags,
        lastGoodStreamId: frame.lastGoodStreamId,
        // SPDY/2's GOAWAY has no status field: printing one would suggest it was on the wire.
        ...(options.version === 2 ? {} : { status: frame.status, statusName: goawayStatusName(frame.status) }),
      };
    case 'WINDOW_UPDATE':
      return { ...head, streamId: frame.streamId, ...flags, deltaWindowSize: frame.deltaWindowSize };
    case 'CREDENTIAL':
      return { ...head, ...flags, slot: frame.slot, proof: toHex(frame.proof), certificates: frame.certificates.map(toHex) };
    case 'UNKNOWN':
      return {
        ...head,
        ...flags,
        version: frame.version,
        frameType: frame.frameType,
        frameTypeName: frameTypeName(frame.frameType),
        payload: toHex(frame.payload),
      };
  }
}

function dataToJson(data: Uint8Array, mode: DataMode): Json {
  if (mode === 'none') return {};
  if (mode === 'utf8') {
    // Text only when it is exact UTF-8, so that encoding the line gives the same bytes back.
    try {
      return { text: strictUtf8.decode(data) };
    } catch {
      // fall through to hex
    }
  }
  return { data: toHex(data) };
}

function settingsEntryToJson(entry: SettingsEntry): Json {
  return {
    id: entry.id,
    name: settingsIdName(entry.id),
    flags: entry.flags,
    flagNames: settingsEntryFlagNames(entry.flags),
    value: entry.value,
  };
}

/** A line of JSON that does not describe a frame. */
export class FrameJsonError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FrameJsonError';
  }
}

/**
 * Read one frame back from its JSON object. Checks shapes and types here, so
 * that a typo gives a message naming the field; value ranges (stream id
 * widths, priorities per version) are the encoder's to check.
 */
export function frameFromJson(value: unknown): DecodedFrame {
  const o = asObject(value, 'a frame');
  const type = o['type'];
  const flags = optionalInt(o, 'flags') ?? 0;
  switch (type) {
    case 'DATA':
      return { type, flags, streamId: int(o, 'streamId'), data: payload(o) };
    case 'SYN_STREAM':
      return {
        type,
        flags,
        streamId: int(o, 'streamId'),
        associatedStreamId: optionalInt(o, 'associatedStreamId') ?? 0,
        priority: optionalInt(o, 'priority') ?? 0,
        slot: optionalInt(o, 'slot') ?? 0,
        headers: headerList(o),
      };
    case 'SYN_REPLY':
    case 'HEADERS':
      return { type, flags, streamId: int(o, 'streamId'), headers: headerList(o) };
    case 'RST_STREAM':
      return { type, flags, streamId: int(o, 'streamId'), status: int(o, 'status') };
    case 'SETTINGS':
      return { type, flags, entries: array(o, 'entries').map((entry) => settingsEntryFromJson(entry)) };
    case 'NOOP':
      return { type, flags };
    case 'PING':
      return { type, flags, id: int(o, 'id') };
    case 'GOAWAY':
      return { type, flags, lastGoodStreamId: int(o, 'lastGoodStreamId'), status: optionalInt(o, 'status') ?? 0 };
    case 'WINDOW_UPDATE':
      return { type, flags, streamId: int(o, 'streamId'), deltaWindowSize: int(o, 'deltaWindowSize') };
    case 'CREDENTIAL':
      return {
        type,
        flags,
        slot: int(o, 'slot'),
        proof: hexField(o, 'proof'),
        certificates: array(o, 'certificates').map((cert, i) => hexValue(cert, `certificates[${i}]`)),
      };
    case 'UNKNOWN':
      return { type, flags, version: int(o, 'version'), frameType: int(o, 'frameType'), payload: hexField(o, 'payload') };
    default:
      throw new FrameJsonError(`unknown frame type ${JSON.stringify(type)}`);
  }
}

function settingsEntryFromJson(value: unknown): SettingsEntry {
  const o = asObject(value, 'a SETTINGS entry');
  return { id: int(o, 'id'), flags: optionalInt(o, 'flags') ?? 0, value: int(o, 'value') };
}

function payload(o: Json): Uint8Array {
  if (typeof o['text'] === 'string') {
    if (o['data'] !== undefined) throw new FrameJsonError('DATA has both "data" and "text": give one');
    return utf8.encode(o['text']);
  }
  if (o['data'] === undefined) {
    throw new FrameJsonError('DATA has neither "data" (hex) nor "text": decode with --data hex or utf8 to get encodable lines');
  }
  return hexField(o, 'data');
}

function headerList(o: Json): HeaderList {
  return array(o, 'headers').map((pair, i) => {
    if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== 'string' || typeof pair[1] !== 'string') {
      throw new FrameJsonError(`headers[${i}] must be a [name, value] pair of strings`);
    }
    return [pair[0], pair[1]];
  });
}

function asObject(value: unknown, what: string): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new FrameJsonError(`expected ${what} as a JSON object`);
  return value as Json;
}

function int(o: Json, key: string): number {
  const value = optionalInt(o, key);
  if (value === undefined) throw new FrameJsonError(`missing "${key}"`);
  return value;
}

function optionalInt(o: Json, key: string): number | undefined {
  const value = o[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new FrameJsonError(`"${key}" must be a non-negative integer, got ${JSON.stringify(value)}`);
  }
  return value;
}

function array(o: Json, key: string): unknown[] {
  const value = o[key];
  if (!Array.isArray(value)) throw new FrameJsonError(`"${key}" must be an array`);
  return value;
}

function hexField(o: Json, key: string): Uint8Array {
  return hexValue(o[key], key);
}

function hexValue(value: unknown, key: string): Uint8Array {
  if (typeof value !== 'string') throw new FrameJsonError(`"${key}" must be a hex string`);
  try {
    return parseHex(value);
  } catch (error) {
    throw new FrameJsonError(`"${key}": ${(error as Error).message}`);
  }
}

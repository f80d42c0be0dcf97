/**
 * Uncompressed name/value header blocks (v2 "Name/Value header block format",
 * v3/3.1 §2.6.10): a count, then for each pair a length-prefixed name and a
 * length-prefixed value. Counts and lengths are 16-bit in SPDY/2 and 32-bit in
 * SPDY/3, big-endian.
 *
 * Strings are latin1, byte for byte: each char code 0–255 is one byte. A name
 * appears once per block; several values of one name travel as one value
 * joined by single NULs. On the API side a name may repeat: encoding joins its
 * values (first-occurrence order), decoding splits them back into adjacent
 * pairs.
 */

import type { SpdyProtocolError, WireVersion } from '@spdy/frames';
import { type BlockContext, HeaderErrorCode, streamError } from './errors.js';

/** Decoded headers: name/value pairs in wire order, one pair per value. */
export type HeaderList = Array<[name: string, value: string]>;

/**
 * Headers to encode: pairs (a name may repeat; its values are joined in
 * order), or an object whose values are a string or a list of strings.
 */
export type HeaderInput = ReadonlyArray<readonly [name: string, value: string]> | Readonly<Record<string, string | readonly string[]>>;

/** Options of {@link decodeNameValueBlock}. */
export interface DecodeNameValueOptions {
  /** The stream the block belongs to, recorded in errors. */
  streamId?: number;
  /** The frame that carried the block ('SYN_STREAM', ...), recorded in errors. */
  frameType?: string;
  /** Byte offset of that frame in its input, recorded in errors. */
  offset?: number;
}

/**
 * Encodes headers as an uncompressed name/value block.
 *
 * @throws TypeError for headers the spec forbids (empty, uppercase or NUL in a
 * name; an empty value in SPDY/2; an empty part in a NUL-joined value; a
 * character above U+00FF), RangeError when a count or length does not fit the
 * version's field.
 */
export function encodeNameValueBlock(headers: HeaderInput, version: WireVersion): Uint8Array {
  const count = collectHeaders(headers);
  const block = new Uint8Array(blockSize(count, version));
  writeBlock(block, 0, count, version);
  return block;
}

/**
 * Decodes an uncompressed name/value block.
 *
 * @throws SpdyProtocolError (scope 'stream', RST_STREAM PROTOCOL_ERROR) when
 * the block breaks the spec's rules; see `HeaderErrorCode` for the codes.
 */
export function decodeNameValueBlock(block: Uint8Array, version: WireVersion, options: DecodeNameValueOptions = {}): HeaderList {
  return decodeBlock(block, block.length, version, options);
}

// ---------------------------------------------------------------------------
// Encoding. Headers are first gathered into module-level scratch arrays (one
// entry per distinct name, values already joined), then sized, then written.
// Encoding is synchronous, so the scratch arrays can never be shared by two
// calls at once.

const names: string[] = [];
const values: string[] = [];

/** Beyond this many entries, duplicate names are found with a Map rather than a scan. */
const LINEAR_SCAN_MAX = 24;

/** Gathers `headers` into the scratch arrays; returns the number of distinct names. */
export function collectHeaders(headers: HeaderInput): number {
  let count = 0;
  if (isPairList(headers)) {
    const index = headers.length > LINEAR_SCAN_MAX ? new Map<string, number>() : undefined;
    for (let i = 0; i < headers.length; i++) {
      const pair = headers[i]!;
      const name = pair[0];
      const value = pair[1];
      if (typeof name !== 'string' || typeof value !== 'string') throw new TypeError(`header ${i}: name and value must be strings`);
      let at = -1;
      if (index === undefined) {
        for (let j = 0; j < count; j++) {
          if (names[j] === name) {
            at = j;
            break;
          }
        }
      } else {
        at = index.get(name) ?? -1;
        if (at < 0) index.set(name, count);
      }
      if (at < 0) {
        names[count] = name;
        values[count++] = value;
      } else {
        values[at] += '\0' + value;
      }
    }
  } else {
    for (const name of Object.keys(headers)) {
      const value = headers[name];
      if (typeof value === 'string') {
        names[count] = name;
        values[count++] = value;
      } else if (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string')) {
        names[count] = name;
        values[count++] = value.join('\0');
      } else {
        throw new TypeError(`header ${JSON.stringify(name)}: the value must be a string or a non-empty array of strings`);
      }
    }
  }
  return count;
}

function isPairList(headers: HeaderInput): headers is ReadonlyArray<readonly [string, string]> {
  return Array.isArray(headers);
}

/** Size in bytes of the block for the first `count` scratch entries; checks the version's field widths. */
export function blockSize(count: number, version: WireVersion): number {
  const lengthSize = version === 2 ? 2 : 4;
  const max = version === 2 ? 0xffff : 0xffffffff;
  if (count > max) throw new RangeError(`${count} header names do not fit a SPDY/${version} block`);
  let size = lengthSize * (1 + 2 * count);
  for (let i = 0; i < count; i++) {
    const nameLength = names[i]!.length;
    const valueLength = values[i]!.length;
    if (nameLength > max || valueLength > max) throw new RangeError(`header ${JSON.stringify(names[i])} is too long for SPDY/${version}`);
    size += nameLength + valueLength;
  }
  return size;
}

/**
 * A compressor's memory of the pairs of its previous block, which lets
 * {@link writeBlock} copy a pair that repeats (most of them do, block after
 * block) from where it was written last time, and tell the compressor that
 * those bytes are a repeat, so it neither looks them up nor searches them.
 * Implemented by the level-1 compressor (fast-deflate.ts).
 */
export interface PairHistory {
  /**
   * Where in the output buffer pair `index` of the previous block was
   * written, if it was `name` with `value` and is still within reach of
   * `pos`; otherwise -1.
   */
  repeatOf(index: number, name: string, value: string, pos: number): number;
  /** Pair `index` of this block is `name` with `value`, `length` bytes at `pos`: a copy of those at `source`, or new when `source` is -1. */
  wrote(index: number, name: string, value: string, pos: number, length: number, source: number): void;
}

/**
 * Writes the first `count` scratch entries into `out` at `start` (room for
 * `blockSize()` bytes); returns where it stopped. With `history`, `out` must
 * be the buffer the history's positions refer to.
 */
export function writeBlock(out: Uint8Array, start: number, count: number, version: WireVersion, history?: PairHistory): number {
  let pos = version === 2 ? writeUint16(out, start, count) : writeUint32(out, start, count);
  const lengthSize = version === 2 ? 2 : 4;
  // Repeated pairs are copied one run at a time: [runStart, pos) from runSource on.
  let runStart = pos;
  let runSource = -1;
  for (let i = 0; i < count; i++) {
    const name = names[i]!;
    const value = values[i]!;
    if (history !== undefined) {
      // Bytes the same pair had before were checked then: no checks, no lookups.
      const source = history.repeatOf(i, name, value, pos);
      if (source >= 0) {
        if (runSource < 0 || source !== runSource + (pos - runStart)) {
          if (runSource >= 0) out.copyWithin(runStart, runSource, runSource + (pos - runStart));
          runStart = pos;
          runSource = source;
        }
        const length = 2 * lengthSize + name.length + value.length;
        history.wrote(i, name, value, pos, length, source);
        pos += length;
        continue;
      }
      if (runSource >= 0) {
        out.copyWithin(runStart, runSource, runSource + (pos - runStart));
        runSource = -1;
      }
    }
    const pairStart = pos;
    pos = version === 2 ? writeUint16(out, pos, name.length) : writeUint32(out, pos, name.length);
    const nameBytes = validNames.get(name);
    pos = nameBytes === undefined ? remember(validNames, name, out, pos, writeName(out, pos, name)) : copy(out, pos, nameBytes);
    pos = version === 2 ? writeUint16(out, pos, value.length) : writeUint32(out, pos, value.length);
    if (value.length === 0) {
      if (version === 2) throw new TypeError(`header ${JSON.stringify(name)}: SPDY/2 forbids empty values`);
    } else {
      const valueBytes = validValues.get(value);
      pos = valueBytes === undefined ? remember(validValues, value, out, pos, writeValue(out, pos, name, value)) : copy(out, pos, valueBytes);
    }
    history?.wrote(i, name, value, pairStart, pos - pairStart, -1);
  }
  if (runSource >= 0) out.copyWithin(runStart, runSource, runSource + (pos - runStart));
  return pos;
}

// Names and most values (user-agent, accept, host, ...) are the same strings
// block after block. Once a string has been validated and written, its bytes
// are kept, so the next time it costs a lookup (V8 keeps a string's hash in
// the string) and a copy instead of a check per char. Names and values are
// validated by different rules, hence two maps. Bounded for the whole
// process: at most ENCODE_CACHE_ENTRIES strings of at most
// ENCODE_CACHED_MAX_LENGTH chars per map (under 1 MiB in all); a full map
// starts over. Copying with `set` measured faster than a loop even for
// 3-byte strings.
const ENCODE_CACHE_ENTRIES = 1024;
const ENCODE_CACHED_MAX_LENGTH = 256;
const validNames = new Map<string, Uint8Array>();
const validValues = new Map<string, Uint8Array>();

/** Keeps the bytes of `text`, just validated and written at `out[start, end)`; returns `end`. */
function remember(cache: Map<string, Uint8Array>, text: string, out: Uint8Array, start: number, end: number): number {
  if (text.length <= ENCODE_CACHED_MAX_LENGTH) {
    if (cache.size >= ENCODE_CACHE_ENTRIES) cache.clear();
    cache.set(text, out.slice(start, end));
  }
  return end;
}

/** Copies cached bytes into `out` at `pos`; returns the end. */
function copy(out: Uint8Array, pos: number, bytes: Uint8Array): number {
  out.set(bytes, pos);
  return pos + bytes.length;
}

function writeUint16(out: Uint8Array, pos: number, n: number): number {
  out[pos] = n >>> 8;
  out[pos + 1] = n;
  return pos + 2;
}

function writeUint32(out: Uint8Array, pos: number, n: number): number {
  out[pos] = n >>> 24;
  out[pos + 1] = n >>> 16;
  out[pos + 2] = n >>> 8;
  out[pos + 3] = n;
  return pos + 4;
}

function writeName(out: Uint8Array, pos: number, name: string): number {
  if (name.length === 0) throw new TypeError('header names must not be empty');
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c >= 0x41 && c <= 0x5a) throw new TypeError(`header name ${JSON.stringify(name)} must be lowercase`);
    if (c === 0 || c > 0xff) throw new TypeError(`header name ${JSON.stringify(name)} has a character outside 0x01-0xff`);
    out[pos++] = c;
  }
  return pos;
}

/** Writes a non-empty value, checking its chars and NUL separators. */
function writeValue(out: Uint8Array, pos: number, name: string, value: string): number {
  // An empty part of a NUL-joined value is a NUL at either end or two in a row;
  // starting with previous = 0 makes a leading NUL one of them.
  let previous = 0;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c > 0xff) throw new TypeError(`header ${JSON.stringify(name)}: the value has a character above U+00FF`);
    if (c === 0 && previous === 0) throw emptyPart(name);
    out[pos++] = previous = c;
  }
  if (previous === 0) throw emptyPart(name);
  return pos;
}

function emptyPart(name: string): TypeError {
  return new TypeError(`header ${JSON.stringify(name)}: an empty value among several values (or a stray NUL)`);
}

// ---------------------------------------------------------------------------
// Decoding.

/**
 * Decodes the block in `buf[0, end)`; `words` is a DataView of at least that
 * range, from `buf[0]`, which reads the (big-endian) counts and lengths and
 * compares strings 4 bytes at a time.
 */
export function decodeBlock(
  buf: Uint8Array,
  end: number,
  version: WireVersion,
  context: BlockContext,
  words: DataView = new DataView(buf.buffer, buf.byteOffset, end),
): HeaderList {
  const wide = version !== 2;
  const lengthSize = wide ? 4 : 2;
  if (end < lengthSize) throw truncated('the pair count', context);
  const count = wide ? words.getUint32(0) : words.getUint16(0);
  let pos = lengthSize;
  // Every pair takes at least its two length fields: check before looping or allocating.
  if (count > (end - pos) / (2 * lengthSize)) {
    throw streamError(HeaderErrorCode.TRUNCATED, `the block announces ${count} pairs but has only ${end - pos} bytes left`, context);
  }
  const headers: HeaderList = [];
  const seen = count > LINEAR_SCAN_MAX ? new Set<string>() : undefined;
  for (let i = 0; i < count; i++) {
    if (end - pos < lengthSize) throw truncated(`the length of name ${i}`, context);
    const nameLength = wide ? words.getUint32(pos) : words.getUint16(pos);
    pos += lengthSize;
    if (nameLength > end - pos) throw truncated(`name ${i} (${nameLength} bytes)`, context);
    if (nameLength === 0) throw streamError(HeaderErrorCode.EMPTY_NAME, 'a header name is empty', context);
    const slot = nameLength <= CACHED_MAX_LENGTH ? slotOf(buf, pos, pos + nameLength) : UNCACHED;
    const name = readName(buf, words, pos, pos + nameLength, slot, context);
    pos += nameLength;
    if (seen === undefined ? seenName(i, name, slot) : seen.has(name)) {
      throw streamError(HeaderErrorCode.DUPLICATE_NAME, `duplicate header name ${JSON.stringify(name)}`, context);
    }
    seen?.add(name);
    if (end - pos < lengthSize) throw truncated(`the length of the value of ${JSON.stringify(name)}`, context);
    const valueLength = wide ? words.getUint32(pos) : words.getUint16(pos);
    pos += lengthSize;
    if (valueLength > end - pos) throw truncated(`the value of ${JSON.stringify(name)} (${valueLength} bytes)`, context);
    readValues(buf, words, pos, pos + valueLength, name, headers, version, context);
    pos += valueLength;
  }
  if (pos !== end) {
    throw streamError(HeaderErrorCode.TRAILING_BYTES, `${end - pos} bytes follow the last name/value pair`, context);
  }
  return headers;
}

function truncated(what: string, context: BlockContext): SpdyProtocolError {
  return streamError(HeaderErrorCode.TRUNCATED, `the block ends inside ${what}`, context);
}

// The names of the block being decoded and their table slots, for the
// duplicate check of blocks of up to LINEAR_SCAN_MAX pairs: equal names have
// equal slots, so names are compared only when their slots are equal, which
// for different names is rare (comparing two strings of the same length is a
// call into V8, more than the rest of the check).
const blockNames: string[] = [];
const blockSlots = new Int32Array(LINEAR_SCAN_MAX);

/** Whether `name` (in `slot`) is among the first `index` names of the block; records it as name `index`. */
function seenName(index: number, name: string, slot: number): boolean {
  for (let i = 0; i < index; i++) if (blockSlots[i] === slot && blockNames[i] === name) return true;
  blockSlots[index] = slot;
  blockNames[index] = name;
  return false;
}

/** The non-empty name in `buf[start, end)`, whose table slot is `slot` (UNCACHED when too long for the table). */
function readName(buf: Uint8Array, words: DataView, start: number, end: number, slot: number, context: BlockContext): string {
  // A name equal to a cached one is valid: only valid names enter the table.
  const cacheable = slot !== UNCACHED;
  if (cacheable) {
    const hit = nameTable.find(slot, buf, words, start, end);
    if (hit !== undefined) return hit;
  }
  for (let i = start; i < end; i++) {
    const c = buf[i]!;
    if ((c >= 0x41 && c <= 0x5a) || c === 0) throw badName(buf, start, end, context);
  }
  const name = latin1(buf, start, end);
  if (cacheable) nameTable.store(slot, name, buf, start, end);
  return name;
}

function badName(buf: Uint8Array, start: number, end: number, context: BlockContext): SpdyProtocolError {
  const name = JSON.stringify(latin1(buf, start, end));
  return buf.subarray(start, end).includes(0)
    ? streamError(HeaderErrorCode.INVALID_NAME, `header name ${name} contains NUL`, context)
    : streamError(HeaderErrorCode.UPPERCASE_NAME, `header name ${name} is not lowercase`, context);
}

/** Appends one pair per NUL-separated part of the value in `buf[start, end)`. */
function readValues(
  buf: Uint8Array,
  words: DataView,
  start: number,
  end: number,
  name: string,
  headers: HeaderList,
  version: WireVersion,
  context: BlockContext,
): void {
  if (start === end) {
    if (version === 2) throw streamError(HeaderErrorCode.EMPTY_VALUE, `header ${JSON.stringify(name)} has an empty value`, context);
    headers.push([name, '']);
    return;
  }
  // The common case, a single value seen before, in one pass: a cached value
  // has no NUL, so bytes equal to one are a single part.
  if (end - start <= CACHED_MAX_LENGTH) {
    const hit = valueTable.find(slotOf(buf, start, end), buf, words, start, end);
    if (hit !== undefined) {
      headers.push([name, hit]);
      return;
    }
  }
  let partStart = start;
  for (let i = start; i < end; i++) {
    if (buf[i] !== 0) continue;
    if (i === partStart) throw emptyValuePart(name, context);
    headers.push([name, valueString(buf, words, partStart, i)]);
    partStart = i + 1;
  }
  if (partStart === end) throw emptyValuePart(name, context);
  headers.push([name, valueString(buf, words, partStart, end)]);
}

function emptyValuePart(name: string, context: BlockContext): SpdyProtocolError {
  return streamError(HeaderErrorCode.EMPTY_VALUE_PART, `header ${JSON.stringify(name)} has an empty part in its NUL-separated values`, context);
}

/** Longest run handed to String.fromCharCode at once (engines cap the argument count). */
const LATIN1_CHUNK = 8192;

/** The latin1 string of `buf[start, end)`. */
function latin1(buf: Uint8Array, start: number, end: number): string {
  if (end - start <= LATIN1_CHUNK) return String.fromCharCode.apply(null, buf.subarray(start, end) as unknown as number[]);
  let text = '';
  for (let i = start; i < end; i += LATIN1_CHUNK) text += latin1(buf, i, Math.min(end, i + LATIN1_CHUNK));
  return text;
}

// Header names and many values (user-agent, accept, content-type, ...) repeat
// from block to block and across sessions. Two small direct-mapped tables
// (names, values) of the strings made recently save creating them again and,
// for names, checking them again. A lookup costs a hash of the length and
// four sampled bytes plus one comparison pass over the bytes, 4 at a time
// against a copy kept in the table, which also proves the bytes valid (a hit
// equals a string that passed the checks).
// Sampled bytes make collisions easy to provoke, but a collision only costs a
// miss: every hit is verified byte for byte. The tables hold at most
// CACHE_SIZE strings of at most CACHED_MAX_LENGTH chars each (and 128 KiB of
// bytes), for the whole process, whatever the input.
const CACHED_MAX_LENGTH = 128;
const CACHE_BITS = 10;
const CACHE_SIZE = 1 << CACHE_BITS;
/** The slot of a string too long for the tables. */
const UNCACHED = -1;

/** One direct-mapped table: slot i holds a string and, from i * CACHED_MAX_LENGTH, its bytes. */
class StringTable {
  readonly #strings: Array<string | undefined> = new Array<string | undefined>(CACHE_SIZE).fill(undefined);
  #bytes: Uint8Array | undefined;
  #words: DataView | undefined;

  /** The string in `slot` if it equals `buf[start, end)` (read through `words` as well). */
  find(slot: number, buf: Uint8Array, words: DataView, start: number, end: number): string | undefined {
    const text = this.#strings[slot];
    if (text === undefined || text.length !== end - start) return undefined;
    const bytes = this.#bytes!;
    const cached = this.#words!;
    let at = slot * CACHED_MAX_LENGTH;
    let i = start;
    for (; i + 4 <= end; i += 4, at += 4) if (cached.getInt32(at, true) !== words.getInt32(i, true)) return undefined;
    for (; i < end; i++, at++) if (bytes[at] !== buf[i]) return undefined;
    return text;
  }

  /** Puts `text`, the latin1 string of `buf[start, end)` (at most CACHED_MAX_LENGTH bytes), in `slot`. */
  store(slot: number, text: string, buf: Uint8Array, start: number, end: number): void {
    if (this.#bytes === undefined) {
      // Allocated on first use.
      this.#bytes = new Uint8Array(CACHE_SIZE * CACHED_MAX_LENGTH);
      this.#words = new DataView(this.#bytes.buffer);
    }
    const bytes = this.#bytes;
    let at = slot * CACHED_MAX_LENGTH;
    for (let i = start; i < end; i++) bytes[at++] = buf[i]!;
    this.#strings[slot] = text;
  }
}

const nameTable = new StringTable();
const valueTable = new StringTable();

/** The table slot of the non-empty `buf[start, end)`. */
function slotOf(buf: Uint8Array, start: number, end: number): number {
  const length = end - start;
  const sample = buf[start]! | (buf[end - 1]! << 8) | (buf[start + (length >>> 1)]! << 16) | (buf[end - 1 - (length >>> 2)]! << 24);
  const mixed = Math.imul(sample ^ Math.imul(length, 0x9e3779b1), 0x85ebca6b);
  return (mixed ^ (mixed >>> 16)) >>> (32 - CACHE_BITS);
}

/** The latin1 string of one part of a value, `buf[start, end)` (non-empty, no NUL). */
function valueString(buf: Uint8Array, words: DataView, start: number, end: number): string {
  if (end - start > CACHED_MAX_LENGTH) return latin1(buf, start, end);
  const slot = slotOf(buf, start, end);
  const hit = valueTable.find(slot, buf, words, start, end);
  if (hit !== undefined) return hit;
  const text = latin1(buf, start, end);
  valueTable.store(slot, text, buf, start, end);
  return text;
}

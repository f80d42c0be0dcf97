/**
 * A single-pass deflate compressor for header blocks (compression level 1).
 *
 * zlib's cost on a SPDY header block is mostly fixed per block: each
 * SYNC_FLUSH builds, measures and often sends a set of Huffman trees, whatever
 * the block's size. Header blocks are small and repeat a lot, so this
 * compressor takes another trade: greedy LZ77 matching (one candidate per
 * 5-byte hash, no chains) against the dictionary and the blocks before, coded
 * with deflate's fixed Huffman codes (RFC 1951 §3.2.6), so there are no trees
 * to build or send. The output is an ordinary zlib stream with the
 * dictionary's id, readable by every inflater. With it a SYN_STREAM round
 * trip (8 request headers: encode, compress, frame, decode, inflate) runs
 * about three times as fast as with pako at level 9; its blocks are 5–10%
 * larger than level 9's and smaller than zlib level 1's.
 *
 * Each block is one fixed-code deflate block (BFINAL 0) followed by an empty
 * stored block, which byte-aligns the output exactly as zlib's Z_SYNC_FLUSH
 * does.
 */

import { sized } from './buffers.js';

/**
 * Shortest match emitted, and the number of bytes hashed. Deflate allows 3,
 * but in header blocks the most recent occurrence of a short sequence is
 * often a length field ("\0\0\0\x03") of an unrelated header: keying on 5
 * bytes finds the right candidate more often, and measured both faster and
 * smaller than 4 or 6 on request and response blocks.
 */
const MIN_MATCH = 5;
/** Longest match deflate can express. */
const MAX_MATCH = 258;
/** Inside a match, one position in this many enters the hash table. */
const MATCH_INSERT_STRIDE = 4;
/** Minimum bytes of new input between two slides of the history. */
const SLIDE_SPAN = 8192;
const NO_POSITION = -1;

// Fixed Huffman codes (RFC 1951 §3.2.6), stored bit-reversed because deflate
// packs Huffman codes starting from their most significant bit while every
// other field is packed least significant bit first.
const LIT_CODE = new Uint16Array(288);
const LIT_BITS = new Uint8Array(288);
/** For each match length 3–258: its length code and extra bits, packed, and their total bit count. */
const LENGTH_CODE = new Uint32Array(MAX_MATCH + 1);
const LENGTH_BITS = new Uint8Array(MAX_MATCH + 1);
/** Distance codes 0–29 are 5-bit fixed codes, reversed. */
const DIST_CODE = new Uint8Array(30);

function reverse(code: number, bits: number): number {
  let out = 0;
  for (let i = 0; i < bits; i++) out = (out << 1) | ((code >>> i) & 1);
  return out;
}

{
  for (let symbol = 0; symbol < 288; symbol++) {
    let code: number;
    let bits: number;
    if (symbol < 144) [code, bits] = [0x30 + symbol, 8];
    else if (symbol < 256) [code, bits] = [0x190 + symbol - 144, 9];
    else if (symbol < 280) [code, bits] = [symbol - 256, 7];
    else [code, bits] = [0xc0 + symbol - 280, 8];
    LIT_CODE[symbol] = reverse(code, bits);
    LIT_BITS[symbol] = bits;
  }
  // RFC 1951 §3.2.5: length codes 257–285, base lengths and extra bits.
  const base = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258];
  const extra = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
  for (let i = 0; i < base.length; i++) {
    const symbol = 257 + i;
    // Code 284 stops at 257: 258 has its own code, 285.
    const last = i === base.length - 1 ? MAX_MATCH : base[i + 1]! - 1;
    for (let length = base[i]!; length <= last; length++) {
      LENGTH_CODE[length] = LIT_CODE[symbol]! | ((length - base[i]!) << LIT_BITS[symbol]!);
      LENGTH_BITS[length] = LIT_BITS[symbol]! + extra[i]!;
    }
  }
  for (let code = 0; code < 30; code++) DIST_CODE[code] = reverse(code, 5);
}

const END_OF_BLOCK = 256;

/**
 * One direction's compression state: the history (dictionary, then every
 * block so far) and a hash table of 5-byte sequences in it.
 */
export class FastDeflater {
  readonly #windowSize: number;
  /** History then the block being compressed; `#end` is where the history ends. */
  #buffer: Uint8Array;
  /** A view of `#buffer` to compare 4 bytes at a time while extending matches. */
  #words: DataView;
  /** The buffer's usual size; it grows for a block that does not fit and shrinks back after. */
  readonly #bufferSize: number;
  #end = 0;
  /** Positions below this one have been entered in the hash table. */
  #hashed = 0;
  /** Last position of each 5-byte hash in the buffer, or NO_POSITION. */
  readonly #table: Int32Array;
  readonly #hashShift: number;
  #output: Uint8Array = new Uint8Array(256);
  #header: Uint8Array | undefined;

  constructor(windowBits: number, dictionary: Uint8Array, dictionaryId: number) {
    this.#windowSize = 1 << windowBits;
    // About one table entry per window position (2^11 to 2^13 entries: 8 to 32 KiB).
    const hashBits = Math.min(13, Math.max(11, windowBits));
    this.#table = new Int32Array(1 << hashBits).fill(NO_POSITION);
    this.#hashShift = 32 - hashBits;
    // Only the last window's worth of the dictionary is reachable, as in zlib.
    const reachable = dictionary.subarray(Math.max(0, dictionary.length - this.#windowSize));
    // Room for a window of history plus at least 8 KiB of new blocks: the
    // history slides (a copy and a pass over the hash table) once per 8 KiB.
    this.#bufferSize = this.#windowSize + Math.max(this.#windowSize, SLIDE_SPAN);
    this.#buffer = new Uint8Array(this.#bufferSize);
    this.#buffer.set(reachable);
    this.#words = new DataView(this.#buffer.buffer);
    this.#end = reachable.length;
    this.#header = zlibHeader(windowBits, dictionaryId);
  }

  /**
   * Room for the next block's `size` uncompressed bytes: write them into the
   * returned buffer at `this.inputOffset`, then call {@link compress}.
   */
  reserve(size: number): Uint8Array {
    if (this.#end + size > this.#buffer.length || this.#buffer.length > this.#bufferSize) this.#slide(size);
    return this.#buffer;
  }

  get inputOffset(): number {
    return this.#end;
  }

  /** Compresses the `size` bytes written after the history; returns a view of the output, valid until the next call. */
  compress(size: number): Uint8Array {
    const buffer = this.#buffer;
    const words = this.#words;
    const table = this.#table;
    const shift = this.#hashShift;
    const start = this.#end;
    const end = start + size;
    const maxDistance = this.#windowSize;
    // Worst case: 9 bits per literal, plus the header, block codes and the sync marker.
    const bound = 6 + 16 + Math.ceil((size * 9) / 8);
    const output = (this.#output = sized(this.#output, bound));
    let out = 0;
    if (this.#header !== undefined) {
      output.set(this.#header);
      out = this.#header.length;
      this.#header = undefined;
    }
    // The bit accumulator lives in locals on this hot loop: `bits` holds
    // `bitCount` (< 8 between codes) pending bits, least significant first.
    // Every code put is at most 13 (literal/length) + 13 (distance) bits, so
    // it never overflows 32 bits before the bytes are flushed.
    // BFINAL 0, BTYPE 01 (fixed codes).
    let bits = 0b010;
    let bitCount = 3;

    // The last positions of the history could not be hashed without the bytes that follow them.
    for (let p = this.#hashed; p + MIN_MATCH <= end && p < start; p++) table[hash(words, buffer, p, shift)] = p;

    let p = start;
    while (p < end) {
      if (p + MIN_MATCH <= end) {
        const h = hash(words, buffer, p, shift);
        const candidate = table[h]!;
        table[h] = p;
        if (candidate !== NO_POSITION && p - candidate <= maxDistance && sameStart(words, buffer, candidate, p)) {
          const limit = Math.min(MAX_MATCH, end - p);
          let length = MIN_MATCH;
          while (length + 4 <= limit && words.getInt32(candidate + length) === words.getInt32(p + length)) length += 4;
          while (length < limit && buffer[candidate + length] === buffer[p + length]) length++;
          bits |= LENGTH_CODE[length]! << bitCount;
          bitCount += LENGTH_BITS[length]!;
          while (bitCount >= 8) {
            output[out++] = bits;
            bits >>>= 8;
            bitCount -= 8;
          }
          // RFC 1951 §3.2.5 distance codes: two codes per power of two above 4, with top - 1 extra bits.
          const d = p - candidate - 1;
          if (d < 4) {
            bits |= DIST_CODE[d]! << bitCount;
            bitCount += 5;
          } else {
            const top = 31 - Math.clz32(d);
            bits |= (DIST_CODE[2 * top + ((d >>> (top - 1)) & 1)]! | ((d & ((1 << (top - 1)) - 1)) << 5)) << bitCount;
            bitCount += 4 + top;
          }
          while (bitCount >= 8) {
            output[out++] = bits;
            bits >>>= 8;
            bitCount -= 8;
          }
          // Enter every MATCH_INSERT_STRIDE-th position inside the match, so
          // later blocks can match against it too. All of them would cost a
          // hash per byte for no measurable gain: a later match that starts
          // between two entries is found a few bytes on.
          const stop = Math.min(p + length, end - MIN_MATCH + 1);
          for (let q = p + 1; q < stop; q += MATCH_INSERT_STRIDE) table[hash(words, buffer, q, shift)] = q;
          p += length;
          continue;
        }
      }
      const literal = buffer[p++]!;
      bits |= LIT_CODE[literal]! << bitCount;
      bitCount += LIT_BITS[literal]!;
      while (bitCount >= 8) {
        output[out++] = bits;
        bits >>>= 8;
        bitCount -= 8;
      }
    }
    // Positions up to here have been entered (or skipped inside a match); the
    // last few wait for the bytes that follow them.
    this.#hashed = Math.max(this.#hashed, end - MIN_MATCH + 1);
    this.#end = end;

    // End of block (7 bits), then Z_SYNC_FLUSH: an empty stored block (BFINAL
    // 0, BTYPE 00, 3 bits), aligned, LEN 0, NLEN 0xffff.
    bits |= LIT_CODE[END_OF_BLOCK]! << bitCount;
    bitCount += LIT_BITS[END_OF_BLOCK]! + 3;
    while (bitCount > 0) {
      output[out++] = bits;
      bits >>>= 8;
      bitCount -= 8;
    }
    output[out++] = 0;
    output[out++] = 0;
    output[out++] = 0xff;
    output[out++] = 0xff;
    return output.subarray(0, out);
  }

  /**
   * Makes room for `size` more bytes: keeps the last window of history at the
   * front, rebasing the hash table. A block larger than the usual buffer gets
   * a buffer of its size, given back at the next block.
   */
  #slide(size: number): void {
    const keep = Math.min(this.#windowSize, this.#end);
    const shift = this.#end - keep;
    const length = Math.max(this.#bufferSize, keep + size);
    if (length !== this.#buffer.length) {
      const resized = new Uint8Array(length);
      resized.set(this.#buffer.subarray(shift, this.#end));
      this.#buffer = resized;
      this.#words = new DataView(resized.buffer);
    } else {
      this.#buffer.copyWithin(0, shift, this.#end);
    }
    const table = this.#table;
    for (let i = 0; i < table.length; i++) {
      const position = table[i]! - shift;
      table[i] = position < 0 ? NO_POSITION : position;
    }
    this.#end = keep;
    this.#hashed = Math.max(0, this.#hashed - shift);
  }
}

/** The zlib header (RFC 1950): CMF (deflate, window size), FLG (fastest level, FDICT, check bits), DICTID. */
function zlibHeader(windowBits: number, dictionaryId: number): Uint8Array {
  const cmf = 0x08 | ((windowBits - 8) << 4);
  let flg = 0x20;
  flg += 31 - ((cmf * 256 + flg) % 31);
  return new Uint8Array([cmf, flg, dictionaryId >>> 24, (dictionaryId >>> 16) & 0xff, (dictionaryId >>> 8) & 0xff, dictionaryId & 0xff]);
}

/** Most bytes one stored block holds (its LEN field is 16 bits). */
const MAX_STORED = 0xffff;
/** Z_SYNC_FLUSH's marker after a byte-aligned block: an empty stored block. */
const SYNC_MARKER = [0x00, 0x00, 0x00, 0xff, 0xff];

/**
 * Compression level 0: each header block as stored (uncompressed) deflate
 * blocks, then the sync marker; byte for byte what zlib writes at level 0 for
 * a block under 64 KiB. A stored block never refers back, so there is no
 * history to keep: pako's level 0 still copies every byte into its window and
 * through its pending buffer and sums it into an Adler-32 that a SPDY header
 * stream never sends, which made it cost more than this package's level 1.
 */
export class StoredDeflater {
  readonly inputOffset = 0;
  #input: Uint8Array = new Uint8Array(1024);
  #output: Uint8Array = new Uint8Array(1024);
  #header: Uint8Array | undefined;

  constructor(windowBits: number, dictionaryId: number) {
    // The window size and dictionary still go in the header: the peer's inflater sets up both.
    this.#header = zlibHeader(windowBits, dictionaryId);
  }

  reserve(size: number): Uint8Array {
    this.#input = sized(this.#input, size);
    return this.#input;
  }

  /** Frames the `size` bytes written into the reserved buffer; returns a view valid until the next call. */
  compress(size: number): Uint8Array {
    const header = this.#header;
    const bound = (header?.length ?? 0) + size + 5 * Math.ceil(size / MAX_STORED) + SYNC_MARKER.length;
    const output = (this.#output = sized(this.#output, bound));
    let out = 0;
    if (header !== undefined) {
      output.set(header);
      out = header.length;
      this.#header = undefined;
    }
    const input = this.#input;
    for (let p = 0; p < size; ) {
      const n = Math.min(MAX_STORED, size - p);
      // BFINAL 0, BTYPE 00, padded to the byte; LEN and its complement NLEN, little-endian.
      output[out] = 0;
      output[out + 1] = n & 0xff;
      output[out + 2] = n >>> 8;
      output[out + 3] = ~n & 0xff;
      output[out + 4] = (~n >>> 8) & 0xff;
      output.set(input.subarray(p, p + n), out + 5);
      out += 5 + n;
      p += n;
    }
    for (const byte of SYNC_MARKER) output[out++] = byte;
    return output.subarray(0, out);
  }
}

/** Hash of the MIN_MATCH (5) bytes at `p`. */
function hash(words: DataView, buffer: Uint8Array, p: number, shift: number): number {
  const word = words.getInt32(p, true);
  return (Math.imul(word, 0x9e3779b1) ^ Math.imul(buffer[p + 4]!, 0x85ebca6b)) >>> shift;
}

/** Whether the MIN_MATCH (5) bytes at `a` and `b` are equal. */
function sameStart(words: DataView, buffer: Uint8Array, a: number, b: number): boolean {
  return words.getInt32(a) === words.getInt32(b) && buffer[a + 4] === buffer[b + 4];
}

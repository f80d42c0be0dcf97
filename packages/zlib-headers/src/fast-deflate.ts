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
 * about four times as fast as with pako at level 9; its blocks are about 6%
 * larger than level 9's and smaller than zlib level 1's.
 *
 * Each block is one fixed-code deflate block (BFINAL 0) followed by an empty
 * stored block, which byte-aligns the output exactly as zlib's Z_SYNC_FLUSH
 * does.
 */

import { sized } from './buffers.js';
import type { PairHistory } from './nv-block.js';

/**
 * Shortest match the search emits, and the number of bytes hashed. Deflate allows 3,
 * but in header blocks the most recent occurrence of a short sequence is
 * often a length field ("\0\0\0\x03") of an unrelated header: keying on 5
 * bytes finds the right candidate more often, and measured both faster and
 * smaller than 4 or 6 on request and response blocks.
 */
const MIN_MATCH = 5;
/** Shortest and longest match deflate can express. */
const MIN_DEFLATE_MATCH = 3;
const MAX_MATCH = 258;
/** Pairs of a block remembered for the next one (see PairHistory); later pairs are compressed as usual. */
const REMEMBERED_PAIRS = 64;
/** Inside a match, one position in this many enters the hash table. */
const MATCH_INSERT_STRIDE = 8;
/** Minimum bytes of new input between two slides of the history. */
const SLIDE_SPAN = 8192;
/**
 * Where stream positions start (see `#base`): just below 2^31, so that every
 * stream, and every test, crosses the 32-bit wrap within its first 64 KiB.
 */
const FIRST_BASE = 0x7fff0000;

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
 * block so far), a hash table of 5-byte sequences in it, and where each
 * name/value pair of the last block is in it.
 *
 * The last is its {@link PairHistory}: most pairs of a header block repeat
 * the one before (user-agent, accept, host, server, content-type, ...), so
 * the block writer copies such a pair from its last position and records the
 * copy, and the compressor codes it as a match at that distance, without
 * hashing or comparing its bytes. Only the pairs that changed go through the
 * search.
 */
export class FastDeflater implements PairHistory {
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
  /**
   * The stream position of `#buffer[0]`, modulo 2^32. The hash table holds
   * stream positions, not buffer indexes, so sliding the history only moves
   * the base instead of rewriting every entry. An entry is a hint, never
   * trusted: its buffer index must fall in the window before `p`, and its
   * bytes are compared before a match is taken. So an entry that slid out,
   * that was never set, or that aliases after the 32-bit wrap (once per
   * 4 GiB of headers) costs a miss, never a wrong match.
   */
  #base = FIRST_BASE;
  /** Last stream position of each 5-byte hash (see `#base`). */
  readonly #table: Int32Array;
  readonly #hashShift: number;
  #output: Uint8Array = new Uint8Array(256);
  #header: Uint8Array | undefined;
  /**
   * The pairs of the last block compressed: names, values and stream
   * positions (see `#base`), the first `#pairCount`. The block being written
   * overwrites pair i once it has read it, so a block that is abandoned
   * before compress() (its writer threw) leaves them mixed: `#writing` tells.
   */
  readonly #pairNames: string[] = [];
  readonly #pairValues: string[] = [];
  readonly #pairStarts = new Int32Array(REMEMBERED_PAIRS);
  #pairCount = 0;
  /** Pairs of the block being written so far, and whether one is being written. */
  #writtenCount = 0;
  #writing = false;
  /** The copies in the block being written: (start, end, distance) triples, in order, adjacent ones merged. */
  readonly #repeats = new Int32Array(3 * REMEMBERED_PAIRS);
  #repeatCount = 0;

  constructor(windowBits: number, dictionary: Uint8Array, dictionaryId: number) {
    this.#windowSize = 1 << windowBits;
    // About one table entry per window position (2^11 to 2^13 entries: 8 to 32 KiB).
    const hashBits = Math.min(13, Math.max(11, windowBits));
    this.#table = new Int32Array(1 << hashBits);
    this.#hashShift = 32 - hashBits;
    // Only the last window's worth of the dictionary is reachable, as in zlib.
    const reachable = dictionary.subarray(Math.max(0, dictionary.length - this.#windowSize));
    // Room for a window of history plus at least 8 KiB of new blocks: the
    // history slides (a copy of one window) once per 8 KiB.
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
    // A block abandoned before compress() may have overwritten some pairs: forget them all.
    if (this.#writing) this.#pairCount = 0;
    this.#writing = true;
    this.#writtenCount = 0;
    this.#repeatCount = 0;
    return this.#buffer;
  }

  repeatOf(index: number, name: string, value: string, pos: number): number {
    if (index >= this.#pairCount || this.#pairNames[index] !== name || this.#pairValues[index] !== value) return -1;
    const source = (this.#pairStarts[index]! - this.#base) | 0;
    return source >= 0 && pos - source <= this.#windowSize ? source : -1;
  }

  wrote(index: number, name: string, value: string, pos: number, length: number, source: number): void {
    if (index < REMEMBERED_PAIRS) {
      // A repeated pair has the same name and value already.
      if (source < 0) {
        this.#pairNames[index] = name;
        this.#pairValues[index] = value;
      }
      this.#pairStarts[index] = pos + this.#base;
      this.#writtenCount = index + 1;
    }
    if (source < 0) return;
    const repeats = this.#repeats;
    const distance = pos - source;
    const last = 3 * (this.#repeatCount - 1);
    if (last >= 0 && repeats[last + 1] === pos && repeats[last + 2] === distance) {
      repeats[last + 1] = pos + length;
    } else {
      repeats[last + 3] = pos;
      repeats[last + 4] = pos + length;
      repeats[last + 5] = distance;
      this.#repeatCount++;
    }
  }

  get inputOffset(): number {
    return this.#end;
  }

  /** The output of the last {@link compress} call, valid until the next one. */
  get output(): Uint8Array {
    return this.#output;
  }

  /** Compresses the `size` bytes written after the history into `output`; returns how many bytes it wrote there. */
  compress(size: number): number {
    const buffer = this.#buffer;
    const words = this.#words;
    const table = this.#table;
    const shift = this.#hashShift;
    const start = this.#end;
    const end = start + size;
    const maxDistance = this.#windowSize;
    const base = this.#base;
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
    for (let p = this.#hashed; p + MIN_MATCH <= end && p < start; p++) table[hash(words, buffer, p, shift)] = p + base;

    const repeats = this.#repeats;
    const repeatCount = this.#repeatCount;
    let repeat = 0;
    let repeatStart = repeatCount > 0 ? repeats[0]! : end;
    let p = start;
    while (p < end) {
      let length = 0;
      let distance = 0;
      if (p >= repeatStart) {
        // A pair copied from the last block: one match (a few for a long run), no search.
        const repeatEnd = repeats[3 * repeat + 1]!;
        if (p >= repeatEnd) {
          repeat++;
          repeatStart = repeat < repeatCount ? repeats[3 * repeat]! : end;
          continue;
        }
        const left = repeatEnd - p;
        // A search match may have run into the copy: under 3 bytes left go the usual way.
        if (left >= MIN_DEFLATE_MATCH) {
          // Pieces of at most 258, none under 3.
          length = left <= MAX_MATCH ? left : left - MAX_MATCH >= MIN_DEFLATE_MATCH ? MAX_MATCH : left - MIN_DEFLATE_MATCH;
          distance = repeats[3 * repeat + 2]!;
          // The last piece goes on as far as the bytes agree: often into the next pair's name and value.
          if (length === left) {
            const candidate = p - distance;
            const limit = Math.min(MAX_MATCH, end - p);
            while (length + 4 <= limit && words.getInt32(candidate + length, true) === words.getInt32(p + length, true)) length += 4;
            while (length < limit && buffer[candidate + length] === buffer[p + length]) length++;
          }
          // Its start stays findable for the search, as that of any match.
          if (p + MIN_MATCH <= end) table[hash(words, buffer, p, shift)] = p + base;
        }
      }
      if (length === 0 && p + MIN_MATCH <= end) {
        const h = hash(words, buffer, p, shift);
        const candidate = (table[h]! - base) | 0;
        table[h] = p + base;
        if (candidate >= 0 && candidate < p && p - candidate <= maxDistance && sameStart(words, buffer, candidate, p)) {
          const limit = Math.min(MAX_MATCH, end - p);
          length = MIN_MATCH;
          while (length + 4 <= limit && words.getInt32(candidate + length, true) === words.getInt32(p + length, true)) length += 4;
          while (length < limit && buffer[candidate + length] === buffer[p + length]) length++;
          distance = p - candidate;
          // Enter every MATCH_INSERT_STRIDE-th position inside the match, so
          // later blocks can match against it too. All of them would cost a
          // hash per byte for no measurable gain: a later match that starts
          // between two entries is found a few bytes on.
          const stop = Math.min(p + length, end - MIN_MATCH + 1);
          for (let q = p + 1; q < stop; q += MATCH_INSERT_STRIDE) table[hash(words, buffer, q, shift)] = q + base;
        }
      }
      if (length > 0) {
        bits |= LENGTH_CODE[length]! << bitCount;
        bitCount += LENGTH_BITS[length]!;
        while (bitCount >= 8) {
          output[out++] = bits;
          bits >>>= 8;
          bitCount -= 8;
        }
        // RFC 1951 §3.2.5 distance codes: two codes per power of two above 4, with top - 1 extra bits.
        const d = distance - 1;
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
        p += length;
        continue;
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
    this.#commitPairs();

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
    return out;
  }

  /** The pairs of the block just compressed become those the next block may copy. */
  #commitPairs(): void {
    this.#pairCount = this.#writtenCount;
    this.#writing = false;
    this.#repeatCount = 0;
  }

  /**
   * Makes room for `size` more bytes: keeps the last window of history at the
   * front and moves the base by what was dropped. A block larger than the
   * usual buffer gets a buffer of its size, given back at the next block.
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
    this.#base = (this.#base + shift) | 0;
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

  /** The output of the last {@link compress} call, valid until the next one. */
  get output(): Uint8Array {
    return this.#output;
  }

  /** Frames the `size` bytes written into the reserved buffer into `output`; returns how many bytes it wrote there. */
  compress(size: number): number {
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
    return out;
  }
}

/** Hash of the MIN_MATCH (5) bytes at `p`. */
function hash(words: DataView, buffer: Uint8Array, p: number, shift: number): number {
  const word = words.getInt32(p, true);
  return (Math.imul(word, 0x9e3779b1) ^ Math.imul(buffer[p + 4]!, 0x85ebca6b)) >>> shift;
}

/** Whether the MIN_MATCH (5) bytes at `a` and `b` are equal. */
function sameStart(words: DataView, buffer: Uint8Array, a: number, b: number): boolean {
  return words.getInt32(a, true) === words.getInt32(b, true) && buffer[a + 4] === buffer[b + 4];
}

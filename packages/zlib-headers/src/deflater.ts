/**
 * The compressing side of one direction of a session: one zlib stream primed
 * with the version's dictionary, a SYNC_FLUSH after every block, so each block
 * is complete on its own but shares the history of those before it.
 */

import { type ProtocolVersion, type WireVersion, allocateBytes, wireVersion } from '@spdy/frames';
import ZStream from 'pako/lib/zlib/zstream.js';
import { deflate, deflateInit2, deflateSetDictionary } from 'pako/lib/zlib/deflate.js';
import { dictionaryFor, dictionaryIdFor } from './dictionaries.js';
import { sized } from './buffers.js';
import { FastDeflater, StoredDeflater } from './fast-deflate.js';
import { type HeaderInput, blockSize, collectHeaders, writeBlock } from './nv-block.js';
import { Z_BUF_ERROR, Z_DEFAULT_STRATEGY, Z_DEFLATED, Z_OK, Z_SYNC_FLUSH } from './zlib.js';

/** Options of {@link HeaderDeflater}. */
export interface HeaderDeflaterOptions {
  /**
   * Compression level, 0–9. Default {@link DEFAULT_COMPRESSION_LEVEL} (1).
   *
   * - 0: stored blocks, no compression (still a zlib stream with the
   *   dictionary's id). What a client should send: compressing request
   *   headers together with attacker-chosen data leaks secrets (CRIME).
   * - 1: this package's single-pass compressor (fixed Huffman codes, no
   *   trees to build per block): about three times the round trips per
   *   second of level 9, blocks 5–10% larger.
   * - 2–9: zlib's levels (pako); 9 gives the smallest blocks.
   *
   * See {@link defaultCompressionLevel}.
   */
  level?: number;
  /**
   * Base-2 log of the history window, 9–15. Default 11 (2 KiB), as Chromium
   * used: header blocks are small, the dictionary fits, and the compression
   * state stays near 15 KiB (levels 2–9) or 20 KiB (level 1) per session
   * instead of 80–130 KiB at 15. Every conforming peer reads any value.
   */
  windowBits?: number;
  /**
   * zlib memLevel, 1–9 (hash table and symbol buffer sizes; levels 2–9 only). Default 1, as
   * Chromium used: on typical request and response blocks it compresses within
   * 0.1% of memLevel 8, is the fastest (with a 2 KiB window the hash table is
   * swept every 2 KiB of input, and 1 makes it 256 entries instead of 32768),
   * and keeps the hash table at 512 bytes.
   */
  memLevel?: number;
}

/**
 * The compression level a side should use: 0 for a client (stored blocks:
 * request headers carry cookies and credentials next to attacker-influenced
 * values, the CRIME setting), {@link DEFAULT_COMPRESSION_LEVEL} for a server.
 */
export function defaultCompressionLevel(role: 'client' | 'server'): number {
  return role === 'client' ? 0 : DEFAULT_COMPRESSION_LEVEL;
}

/**
 * 1, the single-pass compressor: a server spends its header-compression CPU
 * on every response, and level 9 saves only a few bytes per block over it
 * (measured on varied request and response blocks: 21.3% vs 22.4% of the
 * uncompressed size) at about three times the cost.
 */
export const DEFAULT_COMPRESSION_LEVEL = 1;

/** Default `windowBits` of {@link HeaderDeflater} (2 KiB; see the option). */
export const DEFAULT_WINDOW_BITS = 11;
/** Default `memLevel` of {@link HeaderDeflater} (see the option). */
export const DEFAULT_MEM_LEVEL = 1;

/**
 * Compresses header blocks for one direction of one session. Blocks must be
 * sent in the order they were deflated.
 *
 * Level 1 uses this package's single-pass compressor (fixed Huffman codes)
 * and level 0 its stored-block writer (both in fast-deflate.ts); levels 2–9
 * use pako's port of zlib.
 */
export class HeaderDeflater {
  /** The wire version (3 for SPDY/3.1). */
  readonly version: WireVersion;
  readonly level: number;
  readonly #engine: FastDeflater | StoredDeflater | ZlibEngine;

  constructor(version: ProtocolVersion, options: HeaderDeflaterOptions = {}) {
    this.version = checkedVersion(version);
    this.level = checkedInteger('level', options.level ?? DEFAULT_COMPRESSION_LEVEL, 0, 9);
    const windowBits = checkedInteger('windowBits', options.windowBits ?? DEFAULT_WINDOW_BITS, 9, 15);
    const memLevel = checkedInteger('memLevel', options.memLevel ?? DEFAULT_MEM_LEVEL, 1, 9);
    this.#engine =
      this.level === 1
        ? new FastDeflater(windowBits, dictionaryFor(this.version), dictionaryIdFor(this.version))
        : this.level === 0
          ? new StoredDeflater(windowBits, dictionaryIdFor(this.version))
          : new ZlibEngine(this.version, this.level, windowBits, memLevel);
  }

  /**
   * Encodes and compresses one header block.
   *
   * @param headroom bytes to leave free (zero) in front of the block in the
   * returned array: room for a frame's header and fixed fields, so that the
   * frame is built without copying the block again.
   * @returns `headroom` bytes, then the compressed block.
   * @throws TypeError or RangeError for headers the spec forbids (see
   * `encodeNameValueBlock`); the compression state is untouched then.
   */
  deflate(headers: HeaderInput, headroom = 0): Uint8Array {
    const count = collectHeaders(headers);
    const size = blockSize(count, this.version);
    const engine = this.#engine;
    const input = engine.reserve(size);
    writeBlock(input, engine.inputOffset, count, this.version, engine instanceof FastDeflater ? engine : undefined);
    const length = engine.compress(size);
    // A copy the caller keeps: the engine reuses its output buffer.
    const block = allocateBytes(headroom + length);
    const output = engine.output;
    if (length <= SHORT_COPY) for (let i = 0; i < length; i++) block[headroom + i] = output[i]!;
    else block.set(output.subarray(0, length), headroom);
    return block;
  }
}

/** Up to this many bytes, a loop copies faster than `set` of a new view. */
const SHORT_COPY = 64;

/** pako's zlib: one deflate stream, with reused input and output buffers. */
class ZlibEngine {
  readonly #strm = new ZStream();
  #input: Uint8Array = new Uint8Array(1024);
  #output: Uint8Array = new Uint8Array(1024);
  readonly inputOffset = 0;

  constructor(version: WireVersion, level: number, windowBits: number, memLevel: number) {
    const strm = this.#strm;
    if (
      deflateInit2(strm, level, Z_DEFLATED, windowBits, memLevel, Z_DEFAULT_STRATEGY) !== Z_OK ||
      deflateSetDictionary(strm, dictionaryFor(version)) !== Z_OK
    ) {
      throw new Error(`zlib refused the deflate parameters: ${strm.msg}`);
    }
  }

  reserve(size: number): Uint8Array {
    this.#input = sized(this.#input, size);
    return this.#input;
  }

  /** The output of the last {@link compress} call, valid until the next one. */
  get output(): Uint8Array {
    return this.#output;
  }

  /** Compresses the `size` bytes written into the reserved buffer into `output`; returns how many bytes it wrote there. */
  compress(size: number): number {
    const strm = this.#strm;
    strm.input = this.#input;
    strm.next_in = 0;
    strm.avail_in = size;
    // Worst-case deflate output is about the input plus 5 bytes per 16 KiB
    // stored block, plus the sync marker and the zlib header: size the
    // buffer so one call almost always suffices.
    const bound = size + (size >>> 10) + 64;
    let output = (this.#output = sized(this.#output, bound));
    strm.output = output;
    strm.next_out = 0;
    strm.avail_out = output.length;
    for (;;) {
      const status = deflate(strm, Z_SYNC_FLUSH);
      if (status !== Z_OK && status !== Z_BUF_ERROR) throw new Error(`zlib deflate failed (${status}): ${strm.msg}`);
      if (strm.avail_out !== 0) break;
      // Output full: zlib may hold more; give it room and call again.
      const larger = new Uint8Array(output.length * 2);
      larger.set(output);
      this.#output = output = larger;
      strm.output = output;
      strm.avail_out = output.length - strm.next_out;
    }
    return strm.next_out;
  }
}

export function checkedVersion(version: ProtocolVersion): WireVersion {
  if (version !== 2 && version !== 3 && version !== 3.1) throw new RangeError(`unsupported SPDY version ${String(version)}`);
  return wireVersion(version);
}

export function checkedInteger(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) throw new RangeError(`${name} must be an integer from ${min} to ${max}, got ${value}`);
  return value;
}

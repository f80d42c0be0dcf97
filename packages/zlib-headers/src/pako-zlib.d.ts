/**
 * Types for the parts of pako's low-level zlib port we use (pako ships none
 * for `pako/lib/zlib/*`). They follow zlib's C API: a ZStream carries the
 * input and output buffers with their cursors; the functions return zlib's
 * status codes (Z_OK = 0, Z_STREAM_END = 1, Z_NEED_DICT = 2, negative on error).
 */

declare module 'pako/lib/zlib/zstream.js' {
  class ZStream {
    input: Uint8Array | null;
    next_in: number;
    avail_in: number;
    total_in: number;
    output: Uint8Array | null;
    next_out: number;
    avail_out: number;
    total_out: number;
    msg: string;
    /** Adler-32 of the data so far; after Z_NEED_DICT, the DICTID of the zlib header. Signed. */
    adler: number;
    /** The inflate or deflate state, set by the init functions; `wrap` bit 4 asks inflate for Adler-32/CRC checks. */
    state: { wrap: number } | null;
  }
  export default ZStream;
}

declare module 'pako/lib/zlib/deflate.js' {
  import type ZStream from 'pako/lib/zlib/zstream.js';
  export function deflateInit2(strm: ZStream, level: number, method: number, windowBits: number, memLevel: number, strategy: number): number;
  export function deflateSetDictionary(strm: ZStream, dictionary: Uint8Array): number;
  export function deflate(strm: ZStream, flush: number): number;
}

// Also the API of our altered copy, vendor/pako/inflate.cjs, which the tests compare with this one.
declare module 'pako/lib/zlib/inflate.js' {
  import type ZStream from 'pako/lib/zlib/zstream.js';
  export function inflateInit2(strm: ZStream, windowBits: number): number;
  export function inflateSetDictionary(strm: ZStream, dictionary: Uint8Array): number;
  export function inflate(strm: ZStream, flush: number): number;
}

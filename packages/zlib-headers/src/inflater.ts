/**
 * The decompressing side of one direction of a session: one zlib stream,
 * primed with the version's dictionary when the first block asks for it,
 * fed every header block of the direction in wire order.
 */

import { type ProtocolVersion, RstStatus, SpdyProtocolError, type WireVersion } from '@spdy/frames';
import ZStream from 'pako/lib/zlib/zstream.js';
// pako's inflate with two changes for speed: see vendor/pako/README.md.
import { inflate, inflateInit2, inflateSetDictionary } from './vendor/pako/inflate.cjs';
import { checkedInteger, checkedVersion } from './deflater.js';
import { dictionaryFor, dictionaryIdFor } from './dictionaries.js';
import { type BlockContext, HeaderErrorCode, INFLATE_WORK_FACTOR, sessionError, streamError } from './errors.js';
import { type HeaderList, decodeBlock } from './nv-block.js';
import { Z_BUF_ERROR, Z_NEED_DICT, Z_OK, Z_STREAM_END, Z_SYNC_FLUSH } from './zlib.js';

/** Options of {@link HeaderInflater}. */
export interface HeaderInflaterOptions {
  /**
   * Largest uncompressed name/value block accepted, in bytes (counts and
   * lengths included). Default {@link DEFAULT_MAX_HEADER_LIST_SIZE}. Enforced
   * while inflating: no more than this is ever buffered.
   */
  maxHeaderListSize?: number;
}

/**
 * 64 KiB: SPDY/2's 16-bit lengths cap one value at that, it is four times what
 * Node's HTTP/1 parser accepts (16 KiB) and twice nginx's default header
 * buffers, and a session never holds more than this per direction.
 */
export const DEFAULT_MAX_HEADER_LIST_SIZE = 65536;

/** First size of the output buffer; it doubles up to `maxHeaderListSize` when a block needs it. */
const INITIAL_OUTPUT_SIZE = 4096;

/**
 * Decompresses and decodes the header blocks of one direction of one session.
 *
 * A stream error (a malformed block, or one above `maxHeaderListSize`) leaves
 * the inflater usable: the block was inflated to its end first. A session
 * error (corrupt data, wrong dictionary, a bomb) is final: every later call
 * throws it again.
 */
export class HeaderInflater {
  /** The wire version (3 for SPDY/3.1). */
  readonly version: WireVersion;
  readonly maxHeaderListSize: number;
  readonly #strm = new ZStream();
  /** Reused output buffer, grown on demand up to maxHeaderListSize. */
  #output: Uint8Array;
  /** A view of `#output` for the name/value decoder's word-at-a-time comparisons. */
  #outputWords: DataView;
  #ended = false;
  #failure: SpdyProtocolError | undefined;

  constructor(version: ProtocolVersion, options: HeaderInflaterOptions = {}) {
    this.version = checkedVersion(version);
    this.maxHeaderListSize = checkedInteger('maxHeaderListSize', options.maxHeaderListSize ?? DEFAULT_MAX_HEADER_LIST_SIZE, 1, 2 ** 30);
    this.#output = new Uint8Array(Math.min(INITIAL_OUTPUT_SIZE, this.maxHeaderListSize));
    this.#outputWords = new DataView(this.#output.buffer);
    // Window bits 0: take the window size from each peer's zlib header, so a
    // peer using 2 KiB windows (Chromium) costs 2 KiB here, not 32.
    if (inflateInit2(this.#strm, 0) !== Z_OK) throw new Error(`zlib refused to initialise: ${this.#strm.msg}`);
    // No Adler-32 of the output (zlib's inflateValidate(strm, 0)): it costs a
    // fifth of the inflate time of a typical block, and it is only ever
    // compared with the trailer of a stream that ends, which SPDY's header
    // streams never do (every block is sync-flushed). Corrupt data is still
    // caught by the decoding itself.
    this.#strm.state!.wrap &= ~4;
  }

  /**
   * Inflates one compressed header block and decodes its name/value pairs.
   *
   * @param streamId the stream the block belongs to, recorded in errors.
   * @param frameType the frame that carried it ('SYN_STREAM', ...), recorded in errors.
   * @param offset the byte offset of that frame in its input, recorded in errors.
   * @throws SpdyProtocolError, and nothing else: stream scope for a malformed
   * or oversized block (the inflater stays usable), session scope when the
   * compression state is lost. Codes in `HeaderErrorCode`.
   */
  inflate(block: Uint8Array, streamId?: number, frameType?: string, offset?: number): HeaderList {
    if (this.#failure !== undefined) throw this.#failure;
    const context: BlockContext = { streamId, frameType, offset };
    let size: number;
    try {
      size = this.#inflateBlock(block, context);
    } catch (error) {
      this.#failure =
        error instanceof SpdyProtocolError ? error : sessionError(HeaderErrorCode.ZLIB, 'zlib failed on the header block', context, error);
      throw this.#failure;
    }
    if (size > this.maxHeaderListSize) {
      throw streamError(
        HeaderErrorCode.TOO_LARGE,
        `the header block inflates to ${size} bytes, above the limit of ${this.maxHeaderListSize}`,
        context,
        RstStatus.FRAME_TOO_LARGE,
      );
    }
    return decodeBlock(this.#output, size, this.version, context, this.#outputWords);
  }

  /**
   * Inflates all of `block`, keeping at most maxHeaderListSize bytes of output;
   * returns the number of bytes it inflated to (more than kept when over the limit).
   */
  #inflateBlock(block: Uint8Array, context: BlockContext): number {
    if (this.#ended && block.length > 0) throw sessionError(HeaderErrorCode.ZLIB, 'header data after the end of the zlib stream', context);
    const limit = this.maxHeaderListSize;
    const strm = this.#strm;
    strm.input = block;
    strm.next_in = 0;
    strm.avail_in = block.length;
    let output = this.#output;
    strm.output = output;
    strm.next_out = 0;
    strm.avail_out = output.length;
    let total = 0;
    for (;;) {
      const before = strm.next_out;
      const status = inflate(strm, Z_SYNC_FLUSH);
      total += strm.next_out - before;
      if (status === Z_NEED_DICT) {
        // Once per zlib stream, right after its header (zlib never asks twice).
        this.#setDictionary(context);
        continue;
      }
      if (status === Z_STREAM_END) {
        this.#ended = true;
        if (strm.avail_in !== 0) throw sessionError(HeaderErrorCode.ZLIB, 'header data after the end of the zlib stream', context);
        return total;
      }
      if (status !== Z_OK && status !== Z_BUF_ERROR) {
        throw sessionError(HeaderErrorCode.ZLIB, `corrupt compressed header block: ${strm.msg || `zlib status ${status}`}`, context);
      }
      // Room left in the output: zlib consumed all the input it could.
      if (strm.avail_out !== 0) return total;
      if (total > limit * INFLATE_WORK_FACTOR) {
        throw sessionError(
          HeaderErrorCode.BOMB,
          `the header block inflates beyond ${limit * INFLATE_WORK_FACTOR} bytes (${INFLATE_WORK_FACTOR} times the limit); giving up`,
          context,
        );
      }
      if (output.length < limit) {
        // Grow, keeping what is there.
        const larger = new Uint8Array(Math.min(limit, output.length * 2));
        larger.set(output);
        this.#output = output = larger;
        this.#outputWords = new DataView(larger.buffer);
        strm.output = output;
        strm.avail_out = output.length - strm.next_out;
      } else {
        // At the limit: keep inflating so the zlib state follows the peer's,
        // overwriting the buffer; the block is rejected once it is consumed.
        strm.next_out = 0;
        strm.avail_out = output.length;
      }
    }
  }

  #setDictionary(context: BlockContext): void {
    const expected = dictionaryIdFor(this.version);
    // After Z_NEED_DICT, adler holds the DICTID of the zlib header.
    const announced = this.#strm.adler >>> 0;
    if (announced !== expected) {
      throw sessionError(
        HeaderErrorCode.DICTIONARY,
        `the zlib stream uses dictionary 0x${announced.toString(16).padStart(8, '0')}, SPDY/${this.version} uses 0x${expected.toString(16)}`,
        context,
      );
    }
    const status = inflateSetDictionary(this.#strm, dictionaryFor(this.version));
    if (status !== Z_OK) throw sessionError(HeaderErrorCode.DICTIONARY, `zlib rejected the SPDY/${this.version} dictionary (${status})`, context);
  }
}

/**
 * Frames with their headers decoded: the frame codec of `@spdy/frames` wired
 * to one direction's compression state, for users who want frames and
 * headers in one step (dissectors, proxies, tests).
 */

import {
  type Frame,
  FrameDecoder,
  type FrameDecoderOptions,
  type HeaderFrame,
  type HeadersFrame,
  type ProtocolVersion,
  SpdyProtocolError,
  type SynReplyFrame,
  type SynStreamFrame,
  type WireVersion,
  FRAME_HEADER_SIZE,
  MAX_FRAME_LENGTH,
  encodeFrame,
  encodedFrameLength,
  writeFrameInto,
} from '@spdy/frames';
import { HeaderDeflater, type HeaderDeflaterOptions } from './deflater.js';
import { HeaderInflater, type HeaderInflaterOptions } from './inflater.js';
import type { HeaderInput, HeaderList } from './nv-block.js';

/** A header frame whose compressed `headerBlock` is replaced by its decoded `headers`. */
export type WithHeaders<F extends HeaderFrame, H = HeaderList> = Omit<F, 'headerBlock'> & { readonly headers: H };

/** SYN_STREAM with decoded headers. */
export type DecodedSynStreamFrame = WithHeaders<SynStreamFrame>;
/** SYN_REPLY with decoded headers. */
export type DecodedSynReplyFrame = WithHeaders<SynReplyFrame>;
/** HEADERS with decoded headers. */
export type DecodedHeadersFrame = WithHeaders<HeadersFrame>;

/** Every frame, with SYN_STREAM, SYN_REPLY and HEADERS carrying decoded headers. */
export type DecodedFrame = Exclude<Frame, HeaderFrame> | DecodedSynStreamFrame | DecodedSynReplyFrame | DecodedHeadersFrame;

/** A SYN_STREAM, SYN_REPLY or HEADERS frame with headers to compress instead of a header block. */
export type HeaderFrameToEncode = WithHeaders<SynStreamFrame, HeaderInput> | WithHeaders<SynReplyFrame, HeaderInput> | WithHeaders<HeadersFrame, HeaderInput>;

/** What {@link HeaderFrameEncoder.encode} takes: like {@link DecodedFrame}, but headers in any {@link HeaderInput} form. */
export type FrameToEncode = Exclude<Frame, HeaderFrame> | HeaderFrameToEncode;

/** Options of {@link HeaderFrameDecoder}: the frame decoder's and the inflater's. */
export interface HeaderFrameDecoderOptions extends Omit<FrameDecoderOptions, 'version'>, HeaderInflaterOptions {
  /** 2, 3 or 3.1 (3.1 is 3 on the wire). */
  version: ProtocolVersion;
}

/**
 * Decodes the bytes of one direction of a session into frames with decoded
 * headers. Every header block is inflated in wire order, so the compression
 * state follows the peer's even when a block is rejected.
 *
 * Like FrameDecoder, it never throws on bad input: `next()` returns a
 * SpdyProtocolError. After a stream error decoding continues; a session error
 * is returned once, then `next()` returns `undefined` and `failed` keeps it.
 */
export class HeaderFrameDecoder {
  /** The frame decoder underneath (for its counters; feed bytes through `push`, not to it). */
  readonly frames: FrameDecoder;
  /** The direction's inflater, fed every header block in wire order. */
  readonly inflater: HeaderInflater;
  #failure: SpdyProtocolError | undefined;

  constructor(options: HeaderFrameDecoderOptions) {
    const { version, maxControlFrameSize, maxDataFrameSize, maxHeaderListSize } = options;
    this.inflater = new HeaderInflater(version, { maxHeaderListSize });
    this.frames = new FrameDecoder({ version: this.inflater.version, maxControlFrameSize, maxDataFrameSize });
  }

  /** The wire version (3 for SPDY/3.1). */
  get version(): WireVersion {
    return this.inflater.version;
  }

  /** The session error that stopped the decoder, if any. */
  get failed(): SpdyProtocolError | undefined {
    return this.#failure ?? this.frames.failed;
  }

  /** Total bytes consumed since the start of the input (see FrameDecoder.offset). */
  get offset(): number {
    return this.frames.offset;
  }

  /** Adds received bytes (kept, not copied: see FrameDecoder.push). */
  push(chunk: Uint8Array): void {
    if (this.#failure === undefined) this.frames.push(chunk);
  }

  /** The next frame or error, or `undefined` when more bytes are needed. */
  next(): DecodedFrame | SpdyProtocolError | undefined {
    if (this.#failure !== undefined) return undefined;
    const item = this.frames.next();
    if (item === undefined || item instanceof SpdyProtocolError) return item;
    switch (item.type) {
      case 'SYN_STREAM':
      case 'SYN_REPLY':
      case 'HEADERS':
        return this.#withHeaders(item);
      default:
        return item;
    }
  }

  /** Pushes `chunk` and yields every item it completes. */
  *decode(chunk: Uint8Array): IterableIterator<DecodedFrame | SpdyProtocolError> {
    this.push(chunk);
    for (let item = this.next(); item !== undefined; item = this.next()) yield item;
  }

  /** Declares the end of the input: a session error when it ends inside a frame (see FrameDecoder.finish). */
  finish(): SpdyProtocolError | undefined {
    return this.#failure === undefined ? this.frames.finish() : undefined;
  }

  #withHeaders(frame: HeaderFrame): DecodedFrame | SpdyProtocolError {
    // The decoder has just consumed the frame: it started its encoded length before `offset`.
    const start = this.frames.offset - encodedFrameLength(frame, this.version);
    let headers: HeaderList;
    try {
      headers = this.inflater.inflate(frame.headerBlock, frame.streamId, frame.type, start);
    } catch (error) {
      // inflate() throws nothing but SpdyProtocolError.
      const failure = error as SpdyProtocolError;
      if (failure.scope === 'session') this.#failure = failure;
      return failure;
    }
    // Built field by field: cheaper than a rest spread on this hot path.
    switch (frame.type) {
      case 'SYN_STREAM':
        return {
          type: frame.type,
          flags: frame.flags,
          streamId: frame.streamId,
          associatedStreamId: frame.associatedStreamId,
          priority: frame.priority,
          slot: frame.slot,
          headers,
        };
      case 'SYN_REPLY':
      case 'HEADERS':
        return { type: frame.type, flags: frame.flags, streamId: frame.streamId, headers };
    }
  }
}

/** Options of {@link HeaderFrameEncoder}: the deflater's, plus the version. */
export interface HeaderFrameEncoderOptions extends HeaderDeflaterOptions {
  /** 2, 3 or 3.1 (3.1 is 3 on the wire). */
  version: ProtocolVersion;
}

const NO_BLOCK = new Uint8Array(0);

/**
 * Encodes frames with decoded headers for one direction of a session,
 * compressing their headers with one zlib stream. The bytes of each call must
 * be sent in call order.
 */
export class HeaderFrameEncoder {
  /** The direction's deflater: use it only through `encode`, or blocks go out of order. */
  readonly deflater: HeaderDeflater;
  /** Room for the fixed fields of a header frame, to validate them before deflating. */
  readonly #probe = new Uint8Array(32);

  constructor(options: HeaderFrameEncoderOptions) {
    this.deflater = new HeaderDeflater(options.version, options);
  }

  /** The wire version (3 for SPDY/3.1). */
  get version(): WireVersion {
    return this.deflater.version;
  }

  /**
   * Encodes one frame.
   *
   * @throws TypeError or RangeError for a frame or headers that cannot be
   * sent. The frame's fields are checked before its headers are compressed,
   * so a refused frame never advances the compression state.
   */
  encode(frame: FrameToEncode): Uint8Array {
    if (frame.type !== 'SYN_STREAM' && frame.type !== 'SYN_REPLY' && frame.type !== 'HEADERS') return encodeFrame(frame, this.version);
    // The frame without its block: checked, and its header and fixed fields written.
    const probe = this.#probe;
    const fixedSize = writeFrameInto(withBlock(frame, NO_BLOCK), this.version, probe, 0);
    // The block is compressed behind room for those bytes, which are then copied in front of it.
    const out = this.deflater.deflate(frame.headers, fixedSize);
    const length = out.length - FRAME_HEADER_SIZE;
    if (length > MAX_FRAME_LENGTH) throw new RangeError(`${frame.type} payload of ${length} bytes exceeds the 24-bit length limit (${MAX_FRAME_LENGTH})`);
    for (let i = 0; i < fixedSize; i++) out[i] = probe[i]!;
    // The 24-bit length field of the control frame header (bytes 5 to 7).
    out[5] = length >>> 16;
    out[6] = length >>> 8;
    out[7] = length;
    return out;
  }
}

function withBlock(frame: HeaderFrameToEncode, headerBlock: Uint8Array): HeaderFrame {
  if (frame.type === 'SYN_STREAM') {
    const { flags, streamId, associatedStreamId, priority, slot } = frame;
    return { type: 'SYN_STREAM', flags, streamId, associatedStreamId, priority, slot, headerBlock };
  }
  return { type: frame.type, flags: frame.flags, streamId: frame.streamId, headerBlock };
}

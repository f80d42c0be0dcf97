/**
 * The incremental frame decoder: bytes in any chunking, typed frames out.
 *
 * The decoder keeps the chunks it is given in a list and never joins them
 * eagerly: a frame whose bytes sit in one chunk is decoded in place and its
 * DATA payload, header block or raw payload is a `subarray` view of that
 * chunk; only a frame split over chunks is copied into a buffer of its size.
 * Every length is checked from the 8-byte header before the decoder waits for
 * the payload, so a hostile length never makes it hold or allocate more than
 * the configured maximum.
 *
 * Each decision depends on the bytes only, never on how many have arrived, so
 * every split of the same input yields the same items (unless the caller opts
 * into `partialData`, which trades that for never copying DATA).
 *
 * Decoding never throws: a protocol violation is returned as a
 * {@link SpdyProtocolError}. A stream-scope error consumes the faulty frame
 * and decoding continues; a session-scope error stops the decoder for good.
 */

import { FRAME_HEADER_SIZE, Flag, FrameType, GoawayStatus, MAX_FRAME_LENGTH, RstStatus, frameTypeName } from './constants.js';
import type { WireVersion } from './constants.js';
import { SpdyProtocolError } from './errors.js';
import { allocateBytes } from './alloc.js';
import type { CredentialFrame, DataFrame, Frame, SettingsEntry } from './types.js';

/** The stable `code` of each error the decoder reports. */
export const FrameErrorCode = {
  /** A frame longer than the decoder's limit (DATA: stream error; control frame: session error). */
  FRAME_TOO_LARGE: 'ERR_SPDY_FRAME_TOO_LARGE',
  /** A control frame whose length does not fit its type's layout. */
  BAD_LENGTH: 'ERR_SPDY_BAD_LENGTH',
  /** A SETTINGS frame whose entry count disagrees with its length. */
  BAD_SETTINGS_COUNT: 'ERR_SPDY_BAD_SETTINGS_COUNT',
  /** Stream id 0 on a frame that must name a stream. */
  ZERO_STREAM_ID: 'ERR_SPDY_ZERO_STREAM_ID',
  /** WINDOW_UPDATE with a delta of 0. */
  ZERO_WINDOW_DELTA: 'ERR_SPDY_ZERO_WINDOW_DELTA',
  /** A CREDENTIAL frame whose inner lengths do not add up. */
  BAD_CREDENTIAL: 'ERR_SPDY_BAD_CREDENTIAL',
  /** The input ended inside a frame (reported by {@link FrameDecoder.finish}). */
  TRUNCATED: 'ERR_SPDY_TRUNCATED',
} as const;
export type FrameErrorCodeString = (typeof FrameErrorCode)[keyof typeof FrameErrorCode];

/** Default limit on a control frame's payload. */
export const DEFAULT_MAX_CONTROL_FRAME_SIZE = 65536;

/** Draft 3 §2.2.1: every implementation MUST accept control frames of at least 8192 bytes. */
export const MIN_CONTROL_FRAME_SIZE_LIMIT = 8192;

export interface FrameDecoderOptions {
  /** The wire version of the session; control frames of another version decode as `UNKNOWN`. */
  version: WireVersion;
  /**
   * Largest control frame payload accepted, in bytes. Default 65536; at least
   * 8192 (draft 3 §2.2.1); at most 2^24 - 1. A larger control frame is a session error.
   */
  maxControlFrameSize?: number;
  /**
   * Largest DATA payload accepted, in bytes. Default 2^24 - 1 (no limit beyond
   * the 24-bit length). A larger DATA frame is a stream error FRAME_TOO_LARGE;
   * its payload is skipped without being buffered.
   */
  maxDataFrameSize?: number;
  /**
   * Deliver a DATA frame that is not whole in one chunk as it arrives, in
   * pieces: each piece is a DATA frame with the same stream id whose payload
   * is a view of one chunk (never a copy), and only the last piece keeps the
   * frame's FIN flag. Saves the copy and the wait, but the pieces then depend
   * on the chunking; the bytes, streams and FIN do not. Default false: whole
   * frames, the same whatever the chunking.
   */
  partialData?: boolean;
}

/** What {@link FrameDecoder.next} yields: a frame, or an error. */
export type DecodedItem = Frame | SpdyProtocolError;

const EMPTY = new Uint8Array(0);

/**
 * Chunks up to this size that arrive while other bytes are pending are copied
 * into an owned buffer instead of being queued one by one: a peer sending a
 * byte at a time must not cost the decoder an object per byte.
 */
const SMALL_CHUNK = 256;
const GATHER_BUFFER_SIZE = 4096;

/** The frames that carry a compressed header block, with a stream id in their first 4 payload bytes. */
function isHeaderFrameType(type: number): boolean {
  return type === FrameType.SYN_STREAM || type === FrameType.SYN_REPLY || type === FrameType.HEADERS;
}

export class FrameDecoder {
  readonly version: WireVersion;
  readonly maxControlFrameSize: number;
  readonly maxDataFrameSize: number;
  readonly partialData: boolean;

  /** Chunks not fully consumed yet; `chunks[head]` is read from `pos`. */
  private chunks: Uint8Array[] = [];
  private head = 0;
  private pos = 0;
  private held = 0;
  private consumed = 0;
  /**
   * A DATA payload consumed over several calls: skipped (too large) or, with
   * `partialData`, delivered in pieces. `payloadLeft` bytes are still to come.
   */
  private payloadLeft = 0;
  private payloadSkipped = false;
  private payloadFrameStart = 0;
  private payloadStreamId = 0;
  private payloadFlags = 0;
  private failure: SpdyProtocolError | undefined;
  /** Append-only buffer gathering small chunks; bytes before `gatherEnd` may be referenced by decoded frames. */
  private gather = EMPTY;
  private gatherEnd = 0;
  /** Room to read a field that straddles chunks (a header plus 4 payload bytes at most). */
  private readonly scratch = new Uint8Array(12);

  constructor(options: FrameDecoderOptions) {
    const { version, maxControlFrameSize = DEFAULT_MAX_CONTROL_FRAME_SIZE, maxDataFrameSize = MAX_FRAME_LENGTH, partialData = false } = options;
    if (version !== 2 && version !== 3) throw new RangeError(`FrameDecoder version must be 2 or 3, got ${String(version)}`);
    checkLimit('maxControlFrameSize', maxControlFrameSize, MIN_CONTROL_FRAME_SIZE_LIMIT);
    checkLimit('maxDataFrameSize', maxDataFrameSize, 0);
    this.version = version;
    this.maxControlFrameSize = maxControlFrameSize;
    this.maxDataFrameSize = maxDataFrameSize;
    this.partialData = partialData;
  }

  /** Total bytes consumed since the start of the input (after a session error: where the faulty frame starts). */
  get offset(): number {
    return this.consumed;
  }

  /** Bytes received and not consumed yet. */
  get buffered(): number {
    return this.held;
  }

  /**
   * With `partialData`: payload bytes of the current DATA frame still to come
   * after the piece {@link next} last returned, so 0 after its last piece.
   * The first piece's length plus this value is the frame's full length.
   * Always 0 after a whole frame, and in whole-frame mode.
   */
  get dataRemaining(): number {
    return this.payloadSkipped ? 0 : this.payloadLeft;
  }

  /** The session error that stopped the decoder, if any. */
  get failed(): SpdyProtocolError | undefined {
    return this.failure;
  }

  /**
   * Adds received bytes. The chunk is kept, not copied (except a chunk of 256
   * bytes or less arriving while other bytes are pending): the caller must not
   * modify it while frames decoded from it are in use. Ignored after a
   * session error.
   */
  push(chunk: Uint8Array): void {
    if (this.failure !== undefined || chunk.length === 0) return;
    this.held += chunk.length;
    const chunks = this.chunks;
    if (chunk.length > SMALL_CHUNK || chunks.length === this.head) {
      chunks.push(chunk);
      return;
    }
    const n = chunk.length;
    if (this.gatherEnd + n > this.gather.length) {
      this.gather = new Uint8Array(GATHER_BUFFER_SIZE);
      this.gatherEnd = 0;
    }
    const at = this.gatherEnd;
    this.gather.set(chunk, at);
    this.gatherEnd += n;
    const last = chunks[chunks.length - 1];
    if (last.buffer === this.gather.buffer && last.byteOffset + last.length === at) {
      // Still the last queued chunk: grow it in place (the head chunk keeps its start, so `pos` stays valid).
      chunks[chunks.length - 1] = this.gather.subarray(last.byteOffset, at + n);
    } else {
      chunks.push(this.gather.subarray(at, at + n));
    }
  }

  /**
   * The next decoded frame or error, or `undefined` when more bytes are
   * needed. A session error is returned once; afterwards `next()` returns
   * `undefined` for ever and {@link failed} keeps the error.
   */
  next(): DecodedItem | undefined {
    if (this.failure !== undefined) return undefined;
    if (this.payloadLeft > 0) {
      if (!this.payloadSkipped) return this.piece();
      if (!this.skip()) return undefined;
    }
    if (this.held < FRAME_HEADER_SIZE) return undefined;

    let b = this.chunks[this.head];
    let p = this.pos;
    if (b.length - p < FRAME_HEADER_SIZE) {
      b = this.peek(FRAME_HEADER_SIZE);
      p = 0;
    }
    const first = b[p];
    const flags = b[p + 4];
    const length = (b[p + 5] << 16) | (b[p + 6] << 8) | b[p + 7];

    if ((first & 0x80) === 0) {
      const streamId = ((first << 24) | (b[p + 1] << 16) | (b[p + 2] << 8) | b[p + 3]) >>> 0;
      return this.data(streamId, flags, length);
    }
    const version = ((first & 0x7f) << 8) | b[p + 1];
    const type = (b[p + 2] << 8) | b[p + 3];
    return this.control(version, type, flags, length);
  }

  /** Pushes `chunk` and yields every item it completes. */
  *decode(chunk: Uint8Array): IterableIterator<DecodedItem> {
    this.push(chunk);
    for (let item = this.next(); item !== undefined; item = this.next()) yield item;
  }

  /**
   * Declares the end of the input. Returns a session error ERR_SPDY_TRUNCATED
   * (and stops the decoder) when it ends inside a frame, `undefined` when it
   * ends on a frame boundary or the decoder already failed. Call it after
   * draining {@link next}.
   */
  finish(): SpdyProtocolError | undefined {
    if (this.failure !== undefined || (this.held === 0 && this.payloadLeft === 0)) return undefined;
    if (this.payloadLeft > 0) {
      const message = `input ended ${this.payloadLeft} bytes before the end of a DATA payload`;
      return this.fail(FrameErrorCode.TRUNCATED, message, this.payloadFrameStart, 'DATA', this.payloadStreamId);
    }
    const frameType = this.held >= 4 ? this.peekTypeName() : undefined;
    return this.fail(FrameErrorCode.TRUNCATED, `input ended inside a frame, ${this.held} bytes into it`, this.consumed, frameType);
  }

  // --- DATA -----------------------------------------------------------------

  private data(streamId: number, flags: number, length: number): DecodedItem | undefined {
    const start = this.consumed;
    if (streamId === 0) {
      // Draft 3 §2.3.2 (draft 2 "Stream creation"): 0 is not a valid stream id. No stream to reset, so the session goes.
      return this.fail(FrameErrorCode.ZERO_STREAM_ID, 'DATA frame on stream 0', start, 'DATA', undefined, length);
    }
    if (length > this.maxDataFrameSize) {
      // Draft 3 §2.6.3 FRAME_TOO_LARGE: DATA carries no compression state, so
      // the stream alone is reset and the payload is skipped unbuffered. Draft 2
      // has no FRAME_TOO_LARGE status; INTERNAL_ERROR says we could not handle
      // the stream without blaming the peer.
      this.advance(FRAME_HEADER_SIZE);
      this.startPayload(start, streamId, flags, length, true);
      this.skip();
      return new SpdyProtocolError(`DATA frame of ${length} bytes exceeds the limit of ${this.maxDataFrameSize}`, {
        code: FrameErrorCode.FRAME_TOO_LARGE,
        scope: 'stream',
        status: this.version === 2 ? RstStatus.INTERNAL_ERROR : RstStatus.FRAME_TOO_LARGE,
        streamId,
        offset: start,
        frameType: 'DATA',
        payloadLength: length,
      });
    }
    const total = FRAME_HEADER_SIZE + length;
    const c = this.chunks[this.head];
    if (c.length - this.pos >= total) {
      // Hot path: the whole frame is in one chunk.
      const data = view(c, this.pos + FRAME_HEADER_SIZE, length);
      this.advance(total);
      return { type: 'DATA', streamId, flags, data };
    }
    if (this.partialData && length > 0) {
      this.advance(FRAME_HEADER_SIZE);
      this.startPayload(start, streamId, flags, length, false);
      return this.piece();
    }
    if (this.held < total) return undefined;
    this.advance(FRAME_HEADER_SIZE);
    return { type: 'DATA', streamId, flags, data: this.take(length) };
  }

  private startPayload(start: number, streamId: number, flags: number, length: number, skipped: boolean): void {
    this.payloadFrameStart = start;
    this.payloadStreamId = streamId;
    this.payloadFlags = flags;
    this.payloadLeft = length;
    this.payloadSkipped = skipped;
  }

  /**
   * With `partialData`: the buffered part of the current DATA payload that
   * sits in the head chunk, as a DATA frame; FIN only on the last piece.
   */
  private piece(): DataFrame | undefined {
    if (this.held === 0) return undefined;
    const c = this.chunks[this.head];
    const n = Math.min(c.length - this.pos, this.payloadLeft);
    const data = view(c, this.pos, n);
    this.advance(n);
    this.payloadLeft -= n;
    const flags = this.payloadLeft === 0 ? this.payloadFlags : this.payloadFlags & ~Flag.FIN;
    return { type: 'DATA', streamId: this.payloadStreamId, flags, data };
  }

  /** Discards buffered bytes of an oversized DATA payload; true once it is all gone. */
  private skip(): boolean {
    const n = Math.min(this.payloadLeft, this.held);
    if (n > 0) this.advance(n);
    this.payloadLeft -= n;
    return this.payloadLeft === 0;
  }

  // --- Control frames ---------------------------------------------------------

  private control(version: number, type: number, flags: number, length: number): DecodedItem | undefined {
    const start = this.consumed;
    const ours = version === this.version;

    if (length > this.maxControlFrameSize) {
      // Draft 3 §2.2.1 lets an implementation cap control frames. The payload
      // is not read, so a header frame's compressed block is lost and the
      // session cannot continue (§2.6.3 FRAME_TOO_LARGE, §2.4.1); the stream
      // id is still reported so the session may reset that stream first.
      let streamId: number | undefined;
      if (ours && isHeaderFrameType(type)) {
        if (this.held < FRAME_HEADER_SIZE + 4) return undefined;
        streamId = this.peekU32(FRAME_HEADER_SIZE) & 0x7fffffff;
      }
      return this.fail(
        FrameErrorCode.FRAME_TOO_LARGE,
        `control frame of ${length} bytes exceeds the limit of ${this.maxControlFrameSize}`,
        start,
        ours ? this.typeName(type) : 'UNKNOWN',
        streamId,
        length,
      );
    }

    if (ours) {
      const problem = this.checkLength(type, length);
      if (problem !== undefined) {
        const name = this.typeName(type);
        return this.fail(FrameErrorCode.BAD_LENGTH, `${name} ${problem}, got ${length}`, start, name, undefined, length);
      }
      if (type === FrameType.SETTINGS && this.held >= FRAME_HEADER_SIZE + 4) {
        // Check the count against the length as soon as it is readable, before waiting for (or allocating) entries.
        const count = this.peekU32(FRAME_HEADER_SIZE);
        if (count !== (length - 4) / 8) {
          return this.fail(
            FrameErrorCode.BAD_SETTINGS_COUNT,
            `SETTINGS announces ${count} entries in ${length - 4} bytes of entries (8 bytes each)`,
            start,
            'SETTINGS',
            undefined,
            length,
          );
        }
      }
    }

    if (this.held < FRAME_HEADER_SIZE + length) return undefined;
    this.advance(FRAME_HEADER_SIZE);
    const payload = this.take(length);
    if (!ours) {
      // Draft 2, "Protocol versioning": versions are checked lazily, only a SYN_STREAM earns a reply; the session decides.
      return { type: 'UNKNOWN', version, frameType: type, flags, payload };
    }
    return this.parseControl(type, flags, payload, start);
  }

  /** Why `length` does not fit a control frame of `type` in our version, or undefined when it fits. */
  private checkLength(type: number, length: number): string | undefined {
    const v2 = this.version === 2;
    switch (type) {
      case FrameType.SYN_STREAM:
        return length < 10 ? 'must be at least 10 bytes long' : undefined;
      case FrameType.SYN_REPLY:
      case FrameType.HEADERS: {
        const min = v2 ? 6 : 4;
        return length < min ? `must be at least ${min} bytes long` : undefined;
      }
      case FrameType.RST_STREAM:
      case FrameType.WINDOW_UPDATE:
        return length !== 8 ? 'must be 8 bytes long' : undefined;
      case FrameType.SETTINGS:
        return length < 4 || (length - 4) % 8 !== 0 ? 'must be 4 + 8n bytes long' : undefined;
      case FrameType.NOOP:
        return v2 && length !== 0 ? 'must be empty' : undefined;
      case FrameType.PING:
        return length !== 4 ? 'must be 4 bytes long' : undefined;
      case FrameType.GOAWAY:
        // Draft 2's GOAWAY is 4 bytes; the `spdy` npm package writes SPDY/2 GOAWAY with
        // draft 3's status (8 bytes), so SPDY/2 accepts both.
        if (v2) return length !== 4 && length !== 8 ? 'must be 4 bytes long (or 8 with a status)' : undefined;
        return length !== 8 ? 'must be 8 bytes long' : undefined;
      case FrameType.CREDENTIAL:
        return !v2 && length < 6 ? 'must be at least 6 bytes long' : undefined;
      default:
        return undefined;
    }
  }

  /** Decodes the payload of a control frame of our version whose length has been checked. */
  private parseControl(type: number, flags: number, b: Uint8Array, start: number): DecodedItem {
    const v2 = this.version === 2;
    switch (type) {
      case FrameType.SYN_STREAM: {
        const streamId = readU32(b, 0) & 0x7fffffff;
        if (streamId === 0) return this.zeroStreamId('SYN_STREAM', start, b.length);
        return {
          type: 'SYN_STREAM',
          flags,
          streamId,
          associatedStreamId: readU32(b, 4) & 0x7fffffff,
          // Draft 2: 2-bit priority, 14 unused bits. Draft 3: 3-bit priority, 5 unused bits, 8-bit slot.
          priority: v2 ? b[8] >>> 6 : b[8] >>> 5,
          slot: v2 ? 0 : b[9],
          headerBlock: b.subarray(10),
        };
      }
      case FrameType.SYN_REPLY:
      case FrameType.HEADERS: {
        const name = type === FrameType.SYN_REPLY ? 'SYN_REPLY' : 'HEADERS';
        const streamId = readU32(b, 0) & 0x7fffffff;
        if (streamId === 0) return this.zeroStreamId(name, start, b.length);
        return { type: name, flags, streamId, headerBlock: b.subarray(v2 ? 6 : 4) };
      }
      case FrameType.RST_STREAM: {
        const streamId = readU32(b, 0) & 0x7fffffff;
        if (streamId === 0) return this.zeroStreamId('RST_STREAM', start, b.length);
        // A status of 0 is invalid (§2.6.3) but the stream ends all the same, and §2.4.2 forbids
        // answering a RST_STREAM with one: the frame is passed on as received.
        return { type: 'RST_STREAM', flags, streamId, status: readU32(b, 4) };
      }
      case FrameType.SETTINGS:
        return { type: 'SETTINGS', flags, entries: readSettings(b, v2) };
      case FrameType.NOOP:
        if (v2) return { type: 'NOOP', flags };
        break;
      case FrameType.PING:
        return { type: 'PING', flags, id: readU32(b, 0) };
      case FrameType.GOAWAY:
        return {
          type: 'GOAWAY',
          flags,
          lastGoodStreamId: readU32(b, 0) & 0x7fffffff,
          status: b.length === 8 ? readU32(b, 4) : GoawayStatus.OK,
        };
      case FrameType.WINDOW_UPDATE: {
        // Draft 2 dropped WINDOW_UPDATE but real SPDY/2 peers (Chromium, the `spdy`
        // npm package) send it with draft 3's layout, so both versions decode it.
        const streamId = readU32(b, 0) & 0x7fffffff;
        const deltaWindowSize = readU32(b, 4) & 0x7fffffff;
        if (deltaWindowSize === 0) {
          // §2.6.8: the legal range is 1 to 2^31-1. On a stream, only that stream's window is
          // in doubt (§2.4.2); on stream 0 (3.1's session window), the session's (§2.4.1).
          const message = 'WINDOW_UPDATE with a delta of 0';
          if (streamId === 0) return this.fail(FrameErrorCode.ZERO_WINDOW_DELTA, message, start, 'WINDOW_UPDATE', 0, b.length);
          return new SpdyProtocolError(message, {
            code: FrameErrorCode.ZERO_WINDOW_DELTA,
            scope: 'stream',
            status: RstStatus.PROTOCOL_ERROR,
            streamId,
            offset: start,
            frameType: 'WINDOW_UPDATE',
            payloadLength: b.length,
          });
        }
        return { type: 'WINDOW_UPDATE', flags, streamId, deltaWindowSize };
      }
      case FrameType.CREDENTIAL:
        if (!v2) return this.credential(flags, b, start);
        break;
    }
    return { type: 'UNKNOWN', version: this.version, frameType: type, flags, payload: b };
  }

  /** Draft 3 §2.6.9: an invalid CREDENTIAL frame MUST be answered with GOAWAY. */
  private credential(flags: number, b: Uint8Array, start: number): CredentialFrame | SpdyProtocolError {
    const slot = (b[0] << 8) | b[1];
    const proofEnd = 6 + readU32(b, 2);
    if (proofEnd > b.length) {
      return this.fail(FrameErrorCode.BAD_CREDENTIAL, `CREDENTIAL proof of ${proofEnd - 6} bytes overruns the frame`, start, 'CREDENTIAL', undefined, b.length);
    }
    const certificates: Uint8Array[] = [];
    let p = proofEnd;
    while (p < b.length) {
      if (b.length - p < 4 || readU32(b, p) > b.length - p - 4) {
        return this.fail(FrameErrorCode.BAD_CREDENTIAL, `CREDENTIAL certificate at payload byte ${p} overruns the frame`, start, 'CREDENTIAL', undefined, b.length);
      }
      const end = p + 4 + readU32(b, p);
      certificates.push(b.subarray(p + 4, end));
      p = end;
    }
    return { type: 'CREDENTIAL', flags, slot, proof: b.subarray(6, proofEnd), certificates };
  }

  /** Draft 3 §2.3.2: 0 is not a valid stream id; with no stream to reset, it is a session error. */
  private zeroStreamId(frameType: string, start: number, length: number): SpdyProtocolError {
    return this.fail(FrameErrorCode.ZERO_STREAM_ID, `${frameType} on stream 0`, start, frameType, undefined, length);
  }

  /** Records a session error, drops the buffered input and returns the error. */
  private fail(code: string, message: string, offset: number, frameType: string | undefined, streamId?: number, payloadLength?: number): SpdyProtocolError {
    const error = new SpdyProtocolError(message, {
      code,
      scope: 'session',
      status: GoawayStatus.PROTOCOL_ERROR,
      streamId,
      offset,
      frameType,
      payloadLength,
    });
    this.failure = error;
    this.chunks = [];
    this.head = this.pos = this.held = this.payloadLeft = 0;
    return error;
  }

  private typeName(type: number): string {
    // NOOP exists only in SPDY/2 and CREDENTIAL only in SPDY/3: elsewhere they are unknown types.
    if ((type === FrameType.NOOP && this.version !== 2) || (type === FrameType.CREDENTIAL && this.version !== 3)) return 'UNKNOWN';
    const name = frameTypeName(type);
    return name.startsWith('UNKNOWN') ? 'UNKNOWN' : name;
  }

  private peekTypeName(): string {
    const b = this.peek(4);
    if ((b[0] & 0x80) === 0) return 'DATA';
    const version = ((b[0] & 0x7f) << 8) | b[1];
    return version === this.version ? this.typeName((b[2] << 8) | b[3]) : 'UNKNOWN';
  }

  // --- The chunk list -----------------------------------------------------------

  /** Copies the first `n` (at most 12) buffered bytes into the scratch buffer without consuming them. */
  private peek(n: number): Uint8Array {
    const out = this.scratch;
    let filled = 0;
    for (let i = this.head, p = this.pos; filled < n; i++, p = 0) {
      const c = this.chunks[i];
      const m = Math.min(c.length - p, n - filled);
      out.set(c.subarray(p, p + m), filled);
      filled += m;
    }
    return out;
  }

  /** The big-endian 32-bit value at buffered byte `at` (at + 4 <= 12), not consumed. */
  private peekU32(at: number): number {
    return readU32(this.peek(at + 4), at);
  }

  /** Consumes `n` buffered bytes: a view when they sit in one chunk, else a copy. */
  private take(n: number): Uint8Array {
    if (n === 0) return EMPTY;
    const c = this.chunks[this.head];
    if (c.length - this.pos >= n) {
      const view = c.subarray(this.pos, this.pos + n);
      this.advance(n);
      return view;
    }
    const out = allocateBytes(n);
    let filled = 0;
    while (filled < n) {
      const chunk = this.chunks[this.head];
      const m = Math.min(chunk.length - this.pos, n - filled);
      out.set(chunk.subarray(this.pos, this.pos + m), filled);
      filled += m;
      this.advance(m);
    }
    return out;
  }

  /** Consumes `n` buffered bytes, releasing chunks as they are used up. */
  private advance(n: number): void {
    this.held -= n;
    this.consumed += n;
    let pos = this.pos + n;
    const chunks = this.chunks;
    if (pos < chunks[this.head].length) {
      this.pos = pos;
      return;
    }
    if (this.held === 0) {
      // Everything consumed: the usual end of a read, cheap to reset (pop()
      // is cheaper than setting the length when one chunk is left).
      if (chunks.length === 1) chunks.pop();
      else chunks.length = 0;
      this.head = this.pos = 0;
      return;
    }
    while (pos >= chunks[this.head].length) {
      pos -= chunks[this.head].length;
      chunks[this.head] = EMPTY;
      this.head++;
    }
    this.pos = pos;
    if (this.head >= 1024) {
      // Many small chunks left behind: drop the used slots so the list does not grow without bound.
      this.chunks = chunks.slice(this.head);
      this.head = 0;
    }
  }
}

/**
 * Decodes a complete buffer. Stops at the first error of either scope (use
 * {@link FrameDecoder} to continue past stream errors). `offset` is where the
 * faulty frame starts, or the end of the last whole frame: an `offset` below
 * `bytes.length` with no `error` means the input ends inside a frame.
 */
export function decodeFrames(
  bytes: Uint8Array,
  options: FrameDecoderOptions,
): { frames: Frame[]; error?: SpdyProtocolError; offset: number } {
  const decoder = new FrameDecoder(options);
  decoder.push(bytes);
  const frames: Frame[] = [];
  for (let item = decoder.next(); item !== undefined; item = decoder.next()) {
    if (item instanceof SpdyProtocolError) return { frames, error: item, offset: item.offset ?? decoder.offset };
    frames.push(item);
  }
  return { frames, offset: decoder.offset };
}

function readU32(b: Uint8Array, p: number): number {
  // `* 2 ** 24` rather than `<< 24`: values of 2^31 and above stay positive.
  return b[p] * 2 ** 24 + ((b[p + 1] << 16) | (b[p + 2] << 8) | b[p + 3]);
}

function readSettings(b: Uint8Array, v2: boolean): SettingsEntry[] {
  const entries: SettingsEntry[] = [];
  for (let p = 4; p < b.length; p += 8) {
    // Draft 2: 24-bit little-endian id then flags; draft 3: flags then 24-bit big-endian id.
    const id = v2
      ? b[p] | (b[p + 1] << 8) | (b[p + 2] << 16)
      : (b[p + 1] << 16) | (b[p + 2] << 8) | b[p + 3];
    entries.push({ id, flags: v2 ? b[p + 3] : b[p], value: readU32(b, p + 4) });
  }
  return entries;
}

function checkLimit(name: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min || value > MAX_FRAME_LENGTH) {
    throw new RangeError(`${name} must be an integer from ${min} to ${MAX_FRAME_LENGTH}, got ${String(value)}`);
  }
}

/**
 * A plain Uint8Array view of `length` bytes of `chunk` from `start`. Cheaper than
 * `subarray` on a Node Buffer, which looks up the species constructor and builds a
 * Buffer for every DATA payload on the hot path.
 */
function view(chunk: Uint8Array, start: number, length: number): Uint8Array {
  return new Uint8Array(chunk.buffer, chunk.byteOffset + start, length);
}

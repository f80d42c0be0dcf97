/**
 * The errors of header blocks: stable codes and the two ways a block can
 * fail (§2.4 of the spec).
 *
 * - A malformed name/value block or an oversized one is a stream error: the
 *   block was inflated completely, the compression state is intact, and the
 *   session answers with RST_STREAM.
 * - Corrupt zlib data, the wrong dictionary or a decompression bomb is a
 *   session error: the compression state is lost, so every later block on
 *   that session is undecodable, and the session answers with GOAWAY.
 */

import { GoawayStatus, RstStatus, SpdyProtocolError } from '@spdy/frames';

/** Stable `code` values of the {@link SpdyProtocolError}s this package produces. */
export const HeaderErrorCode = {
  /** Stream: the block ends before the count, a length, a name or a value it announces. */
  TRUNCATED: 'ERR_SPDY_HEADER_TRUNCATED',
  /** Stream: bytes follow the last name/value pair. */
  TRAILING_BYTES: 'ERR_SPDY_HEADER_TRAILING_BYTES',
  /** Stream: a name of length zero. */
  EMPTY_NAME: 'ERR_SPDY_HEADER_EMPTY_NAME',
  /** Stream: a name with an uppercase ASCII letter (names must be lowercase). */
  UPPERCASE_NAME: 'ERR_SPDY_HEADER_UPPERCASE_NAME',
  /** Stream: a name containing a NUL byte. */
  INVALID_NAME: 'ERR_SPDY_HEADER_INVALID_NAME',
  /** Stream: the same name twice in one block (several values share one NUL-joined value). */
  DUPLICATE_NAME: 'ERR_SPDY_HEADER_DUPLICATE_NAME',
  /** Stream: an empty value (allowed in SPDY/3, not in SPDY/2). */
  EMPTY_VALUE: 'ERR_SPDY_HEADER_EMPTY_VALUE',
  /** Stream: a NUL-joined value with an empty part (leading, trailing or doubled NUL). */
  EMPTY_VALUE_PART: 'ERR_SPDY_HEADER_EMPTY_VALUE_PART',
  /** Stream (RST_STREAM FRAME_TOO_LARGE): the block inflates beyond `maxHeaderListSize`. */
  TOO_LARGE: 'ERR_SPDY_HEADER_TOO_LARGE',
  /** Session: the block inflates beyond {@link INFLATE_WORK_FACTOR} times `maxHeaderListSize`. */
  BOMB: 'ERR_SPDY_HEADER_BOMB',
  /** Session: the zlib header names a dictionary other than the version's. */
  DICTIONARY: 'ERR_SPDY_HEADER_DICTIONARY',
  /** Session: the compressed data is not valid zlib (or continues after the end of the zlib stream). */
  ZLIB: 'ERR_SPDY_HEADER_ZLIB',
} as const;
/** One of the {@link HeaderErrorCode} strings. */
export type HeaderErrorCodeValue = (typeof HeaderErrorCode)[keyof typeof HeaderErrorCode];

/**
 * How much output one block may produce, as a multiple of `maxHeaderListSize`,
 * before the inflater stops and declares a session error. Past the limit the
 * inflater keeps inflating (discarding output) so that the compression state
 * stays in sync and only the stream is reset; this factor bounds that work, so
 * a bomb (deflate reaches about 1000:1) costs at most a few milliseconds.
 */
export const INFLATE_WORK_FACTOR = 64;

/** Where a block came from, for error messages. */
export interface BlockContext {
  readonly streamId?: number | undefined;
  readonly frameType?: string | undefined;
  /** Byte offset of the frame that carried the block, in the decoder's input. */
  readonly offset?: number | undefined;
}

export function streamError(
  code: HeaderErrorCodeValue,
  message: string,
  context: BlockContext,
  status: number = RstStatus.PROTOCOL_ERROR,
): SpdyProtocolError {
  const { streamId, frameType, offset } = context;
  return new SpdyProtocolError(message, { code, scope: 'stream', status, streamId, frameType, offset });
}

export function sessionError(code: HeaderErrorCodeValue, message: string, context: BlockContext, cause?: unknown): SpdyProtocolError {
  return new SpdyProtocolError(message, {
    code,
    scope: 'session',
    status: GoawayStatus.PROTOCOL_ERROR,
    streamId: context.streamId,
    frameType: context.frameType,
    offset: context.offset,
    cause,
  });
}

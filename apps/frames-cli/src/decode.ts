/**
 * `spdy-frames decode`: the bytes of one direction of a session -> frames
 * with their header blocks decompressed, each with its position in the input.
 */

import { FRAME_HEADER_SIZE, MAX_FRAME_LENGTH, SpdyProtocolError, type WireVersion } from '@spdy/frames';
import { type DecodedFrame, HeaderFrameDecoder } from '@spdy/zlib-headers';
import type { FramePosition } from './frame-json.js';

export interface DecodeOptions {
  version: WireVersion;
  /** Largest frame payload accepted, control or DATA. Default 2^24 - 1: a capture tool shows everything the wire can carry. */
  maxFrameSize?: number;
  /** Largest decompressed header block. Default: the inflater's. */
  maxHeaderListSize?: number;
}

export type DecodeEvent =
  | { readonly kind: 'frame'; readonly frame: DecodedFrame; readonly position: FramePosition }
  /** The first fault; nothing follows it. `offset` is where the faulty frame starts, or where the input ends. */
  | { readonly kind: 'error'; readonly error: SpdyProtocolError; readonly offset: number };

/**
 * Decodes a whole capture, frame by frame, and stops at the first fault of
 * either scope: after a fault the rest of a capture is usually noise.
 */
export function* decodeCapture(bytes: Uint8Array, options: DecodeOptions): Generator<DecodeEvent> {
  const maxFrameSize = options.maxFrameSize ?? MAX_FRAME_LENGTH;
  const decoder = new HeaderFrameDecoder({
    version: options.version,
    maxControlFrameSize: maxFrameSize,
    maxDataFrameSize: maxFrameSize,
    maxHeaderListSize: options.maxHeaderListSize,
  });
  decoder.push(bytes);
  // Where the next frame starts: header block errors carry no offset of their own.
  let start = 0;
  for (let item = decoder.next(); item !== undefined; item = decoder.next()) {
    if (item instanceof SpdyProtocolError) {
      yield { kind: 'error', error: item, offset: item.offset ?? start };
      return;
    }
    const end = decoder.frames.offset;
    yield { kind: 'frame', frame: item, position: { offset: start, length: end - start - FRAME_HEADER_SIZE } };
    start = end;
  }
  const truncated = decoder.finish();
  if (truncated !== undefined) yield { kind: 'error', error: truncated, offset: truncated.offset ?? start };
}

/**
 * The wire version announced by the first control frame of a capture
 * (2 or 3), or undefined when the capture starts with DATA or an unknown version.
 */
export function sniffVersion(bytes: Uint8Array): WireVersion | undefined {
  if (bytes.length < 2 || (bytes[0]! & 0x80) === 0) return undefined;
  const version = ((bytes[0]! & 0x7f) << 8) | bytes[1]!;
  return version === 2 || version === 3 ? version : undefined;
}

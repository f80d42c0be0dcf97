/**
 * `spdy-frames encode`: JSON lines (the shape `decode` prints) -> the bytes
 * of one direction of a session, header blocks compressed through one
 * deflater in line order, as a real sender would.
 */

import type { WireVersion } from '@spdy/frames';
import { HeaderFrameEncoder } from '@spdy/zlib-headers';
import { frameFromJson } from './frame-json.js';

export interface EncodeOptions {
  version: WireVersion;
  /** zlib level of header blocks, 0-9. */
  level: number;
}

/** A line that could not be encoded, with its 1-based line number. */
export class EncodeLineError extends Error {
  constructor(
    readonly line: number,
    message: string,
  ) {
    super(`line ${line}: ${message}`);
    this.name = 'EncodeLineError';
  }
}

/**
 * Encodes every non-blank line of `text` (one JSON frame per line) and
 * returns the concatenated bytes. Throws an {@link EncodeLineError} naming
 * the first line that is not a valid frame.
 */
export function encodeLines(text: string, options: EncodeOptions): Uint8Array {
  const encoder = new HeaderFrameEncoder({ version: options.version, level: options.level });
  const parts: Uint8Array[] = [];
  let total = 0;
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return;
    let bytes: Uint8Array;
    try {
      bytes = encoder.encode(frameFromJson(JSON.parse(line)));
    } catch (error) {
      throw new EncodeLineError(index + 1, (error as Error).message);
    }
    parts.push(bytes);
    total += bytes.length;
  });
  const out = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

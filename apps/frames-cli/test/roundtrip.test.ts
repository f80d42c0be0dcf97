/**
 * decode | encode gives back the bytes it was given, for any sequence of
 * frames of either version, any zlib level of the sender, and each way of
 * printing DATA that keeps the payload.
 */

import { type Frame, type WireVersion, encodeFrame } from '@spdy/frames';
import { HeaderDeflater, type HeaderList } from '@spdy/zlib-headers';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { frameArb } from '../../../packages/frames/test/arbitraries.js';
import { run } from './io.js';

const nameArb = fc.stringMatching(/^[a-z:][a-z0-9-]{0,11}$/);
// Any Latin-1 character but NUL (the separator of multiple values); never empty (SPDY/2 forbids it).
const valueArb = fc.string({ unit: fc.integer({ min: 1, max: 255 }).map((code) => String.fromCharCode(code)), minLength: 1, maxLength: 16 });
const headersArb: fc.Arbitrary<HeaderList> = fc.uniqueArray(fc.tuple(nameArb, valueArb), { selector: ([name]) => name, maxLength: 6 });

/** A frame, and for header frames the headers its block carries. */
const stepArb = (version: WireVersion) => fc.tuple(frameArb(version), headersArb);

/** The bytes a sender at `level` writes for these frames, header blocks compressed in order. */
function wire(steps: Array<[Frame, HeaderList]>, version: WireVersion, level: number): Uint8Array {
  const deflater = new HeaderDeflater(version, { level });
  const frames = steps.map(([frame, headers]): Frame => {
    switch (frame.type) {
      case 'SYN_STREAM':
      case 'SYN_REPLY':
      case 'HEADERS':
        return { ...frame, headerBlock: deflater.deflate(headers) };
      default:
        return frame;
    }
  });
  return new Uint8Array(Buffer.concat(frames.map((frame) => encodeFrame(frame, version))));
}

describe('decode | encode', () => {
  it.each([2, 3] as const)('gives back the same bytes in SPDY/%i', async (version) => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(stepArb(version), { maxLength: 12 }),
        fc.integer({ min: 0, max: 9 }),
        fc.constantFrom('hex', 'utf8'),
        async (steps, level, data) => {
          const bytes = wire(steps, version, level);
          const decoded = await run(['decode', '--version', String(version), '--data', data, '-'], bytes);
          expect(decoded.stderr).toBe('');
          const encoded = await run(['encode', '--version', String(version), '--level', String(level), '-'], decoded.stdout);
          expect(encoded.stderr).toBe('');
          expect(Buffer.from(encoded.bytes).equals(Buffer.from(bytes))).toBe(true);
        },
      ),
      { numRuns: 150 },
    );
  });
});

/** Property tests: round trips, chunking invariance, zero-copy views, robustness against garbage. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FrameDecoder, SpdyProtocolError, decodeFrames, encodeFrame, encodedFrameLength, writeFrameInto } from '@spdy/frames';
import type { DecodedItem, WireVersion } from '@spdy/frames';
import { frameArb, split, splitsArb, versionArb } from './arbitraries.js';
import { concat } from './helpers.js';

/** Errors compared by what a program can see; frames as they are. */
function normalize(item: DecodedItem): unknown {
  if (!(item instanceof SpdyProtocolError)) return item;
  const { code, scope, status, streamId, offset, frameType, payloadLength, message } = item;
  return { code, scope, status, streamId, offset, frameType, payloadLength, message };
}

/** Feeds `chunks` one by one, draining after each, then calls finish(). */
function decodeChunks(chunks: Uint8Array[], version: WireVersion): unknown[] {
  const decoder = new FrameDecoder({ version });
  const out: unknown[] = [];
  for (const chunk of chunks) for (const item of decoder.decode(chunk)) out.push(normalize(item));
  const end = decoder.finish();
  if (end !== undefined) out.push(normalize(end));
  return out;
}

const sequenceArb = versionArb.chain((version) => fc.tuple(fc.constant(version), fc.array(frameArb(version), { maxLength: 12 })));

describe('round trip', () => {
  for (const version of [2, 3] as const) {
    it(`decode(encode(frame)) is the frame, for every frame type of SPDY/${version}`, () => {
      fc.assert(
        fc.property(frameArb(version), (frame) => {
          const bytes = encodeFrame(frame, version);
          expect(bytes.length).toBe(encodedFrameLength(frame, version));
          expect(decodeFrames(bytes, { version })).toEqual({ frames: [frame], offset: bytes.length });
        }),
        { numRuns: 2000 },
      );
    });
  }

  it('writeFrameInto packs frames back to back exactly as encodeFrame writes them', () => {
    fc.assert(
      fc.property(sequenceArb, fc.nat({ max: 7 }), ([version, frames], lead) => {
        const expected = concat(...frames.map((f) => encodeFrame(f, version)));
        // A dirty target: every byte of the frame, unused and reserved ones included, must be written.
        const target = new Uint8Array(lead + expected.length).fill(0xff);
        let at = lead;
        for (const f of frames) at += writeFrameInto(f, version, target, at);
        expect(at).toBe(target.length);
        expect(target.subarray(lead)).toEqual(expected);
      }),
    );
  });
});

describe('chunking invariance', () => {
  it('yields the same items for any split of a frame sequence', () => {
    fc.assert(
      fc.property(
        sequenceArb.chain(([version, frames]) => {
          const bytes = concat(...frames.map((f) => encodeFrame(f, version)));
          return fc.tuple(fc.constant(version), fc.constant(frames), fc.constant(bytes), splitsArb(bytes.length));
        }),
        ([version, frames, bytes, splits]) => {
          expect(decodeChunks(split(bytes, splits), version)).toEqual(frames);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('yields the same items one byte at a time as all at once', () => {
    fc.assert(
      fc.property(sequenceArb, ([version, frames]) => {
        const bytes = concat(...frames.map((f) => encodeFrame(f, version)));
        const bytewise = Array.from(bytes, (b) => Uint8Array.of(b));
        expect(decodeChunks(bytewise, version)).toEqual(decodeChunks([bytes], version));
      }),
      { numRuns: 200 },
    );
  });

  it('yields the same items and errors for any split of corrupted input', () => {
    // Valid frames with a few bytes overwritten: reaches the error paths far more often than pure noise.
    const corrupted = sequenceArb.chain(([version, frames]) => {
      const bytes = concat(...frames.map((f) => encodeFrame(f, version)), Uint8Array.of(0x80, version, 0, 1));
      return fc.tuple(
        fc.constant(version),
        fc.constant(bytes),
        fc.array(fc.tuple(fc.nat({ max: bytes.length - 1 }), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
        splitsArb(bytes.length),
      );
    });
    fc.assert(
      fc.property(corrupted, ([version, original, edits, splits]) => {
        const bytes = original.slice();
        for (const [at, value] of edits) bytes[at] = value;
        const whole = decodeChunks([bytes], version);
        expect(decodeChunks(split(bytes, splits), version)).toEqual(whole);
        expect(decodeChunks(Array.from(bytes, (b) => Uint8Array.of(b)), version)).toEqual(whole);
      }),
      { numRuns: 500 },
    );
  });
});

describe('small chunks', () => {
  it('decodes the same whatever mix of tiny and large reads carries big frames', () => {
    // Tiny reads are gathered into 4 KiB buffers of the decoder's own: frames here cross those buffers' ends.
    const bigData = fc.record({
      type: fc.constant('DATA' as const),
      streamId: fc.integer({ min: 1, max: 0x7fffffff }),
      flags: fc.integer({ min: 0, max: 255 }),
      data: fc.uint8Array({ minLength: 1, maxLength: 6000 }),
    });
    const input = versionArb.chain((version) =>
      fc.tuple(fc.constant(version), fc.array(fc.oneof(bigData, frameArb(version)), { minLength: 1, maxLength: 6 })),
    );
    const readSizes = fc.array(fc.oneof(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 200, max: 300 }), fc.integer({ min: 1000, max: 5000 })), {
      minLength: 1,
      maxLength: 40,
    });
    fc.assert(
      fc.property(input, readSizes, ([version, frames], sizes) => {
        const bytes = concat(...frames.map((f) => encodeFrame(f, version)));
        const chunks: Uint8Array[] = [];
        for (let at = 0, i = 0; at < bytes.length; i++) {
          const size = sizes[i % sizes.length]!;
          chunks.push(bytes.subarray(at, at + size));
          at += size;
        }
        expect(decodeChunks(chunks, version)).toEqual(frames);
      }),
      { numRuns: 300 },
    );
  });
});

describe('zero-copy', () => {
  it('gives DATA payloads, header blocks and unknown payloads as views of a single input chunk', () => {
    fc.assert(
      fc.property(sequenceArb, ([version, frames]) => {
        const bytes = concat(...frames.map((f) => encodeFrame(f, version)));
        const { frames: decoded } = decodeFrames(bytes, { version });
        for (const f of decoded) {
          const view =
            f.type === 'DATA' ? f.data : f.type === 'UNKNOWN' ? f.payload : 'headerBlock' in f ? f.headerBlock : undefined;
          if (view !== undefined && view.length > 0) expect(view.buffer).toBe(bytes.buffer);
        }
      }),
    );
  });

  it('copies a DATA payload split over chunks, so that it keeps neither chunk', () => {
    const data = Uint8Array.from({ length: 100 }, (_, i) => i);
    const bytes = encodeFrame({ type: 'DATA', streamId: 1, flags: 0, data }, 3);
    // Chunks with buffers of their own, as socket reads have.
    const chunks = [bytes.slice(0, 50), bytes.slice(50)];
    const decoder = new FrameDecoder({ version: 3 });
    decoder.push(chunks[0]!);
    expect(decoder.next()).toBeUndefined();
    decoder.push(chunks[1]!);
    const frame = decoder.next();
    expect(frame).toEqual({ type: 'DATA', streamId: 1, flags: 0, data });
    const copy = (frame as { data: Uint8Array }).data;
    for (const chunk of chunks) expect(copy.buffer).not.toBe(chunk.buffer);
  });
});

describe('garbage', () => {
  for (const version of [2, 3] as const) {
    it(`never throws on random bytes in random chunks (SPDY/${version})`, () => {
      fc.assert(
        fc.property(
          fc.uint8Array({ maxLength: 512 }).chain((bytes) => fc.tuple(fc.constant(bytes), splitsArb(bytes.length))),
          ([bytes, splits]) => {
            const items = decodeChunks(split(bytes, splits), version);
            // At most one session error, and it is the last item.
            const sessionErrors = items.filter((i) => (i as { scope?: string }).scope === 'session');
            expect(sessionErrors.length).toBeLessThanOrEqual(1);
            if (sessionErrors.length === 1) expect(items[items.length - 1]).toBe(sessionErrors[0]);
          },
        ),
        { numRuns: 1000 },
      );
    });
  }

  it('never throws on random control frame headers followed by random payloads', () => {
    const controlish = fc
      .tuple(versionArb, fc.integer({ min: 0, max: 12 }), fc.integer({ min: 0, max: 255 }), fc.uint8Array({ maxLength: 64 }), fc.boolean())
      .map(([version, type, f, payload, lie]) => {
        // Either the true length or a random one.
        const length = lie ? (payload[0] ?? 0) * 0x10000 + payload.length : payload.length;
        const header = Uint8Array.of(0x80, version, 0, type, f, length >>> 16, length >>> 8, length & 0xff);
        return [version, concat(header, payload)] as const;
      });
    fc.assert(
      fc.property(controlish, ([version, bytes]) => {
        const items = decodeChunks([bytes], version);
        expect(decodeChunks(Array.from(bytes, (b) => Uint8Array.of(b)), version)).toEqual(items);
      }),
      { numRuns: 2000 },
    );
  });
});

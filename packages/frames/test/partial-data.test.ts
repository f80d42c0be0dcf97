/** The `partialData` option: DATA delivered in pieces as it arrives, never copied. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Flag, FrameDecoder, FrameErrorCode, SpdyProtocolError, encodeFrame } from '@spdy/frames';
import type { DataFrame, DecodedItem, Frame } from '@spdy/frames';
import { frameArb, split, splitsArb, versionArb } from './arbitraries.js';
import { concat, fromHex } from './helpers.js';

function drain(decoder: FrameDecoder, chunks: Uint8Array[]): DecodedItem[] {
  const out: DecodedItem[] = [];
  for (const chunk of chunks) out.push(...decoder.decode(chunk));
  return out;
}

/** Joins the pieces of each expected DATA frame back into one frame; other items pass through. */
function reassemble(items: DecodedItem[], expected: Frame[]): unknown[] {
  const out: unknown[] = [];
  let i = 0;
  for (const frame of expected) {
    if (frame.type !== 'DATA') {
      out.push(items[i++]);
      continue;
    }
    const pieces: DataFrame[] = [];
    let got = 0;
    do {
      const piece = items[i++] as DataFrame;
      pieces.push(piece);
      got += piece.data.length;
    } while (got < frame.data.length && i < items.length);
    const last = pieces[pieces.length - 1]!;
    // Every piece but the last drops FIN; all keep the stream id and the other flags.
    for (const p of pieces.slice(0, -1)) expect(p).toMatchObject({ type: 'DATA', streamId: last.streamId, flags: last.flags & ~Flag.FIN });
    out.push({ type: 'DATA', streamId: last.streamId, flags: last.flags, data: concat(...pieces.map((p) => p.data)) });
  }
  expect(i).toBe(items.length);
  return out;
}

describe('partialData', () => {
  it('gives the same frames, once the pieces of each DATA frame are joined, for any split', () => {
    const input = versionArb.chain((version) =>
      fc.tuple(
        fc.constant(version),
        fc.array(
          fc.oneof(
            frameArb(version),
            fc.record({
              type: fc.constant('DATA' as const),
              streamId: fc.integer({ min: 1, max: 0x7fffffff }),
              flags: fc.integer({ min: 0, max: 255 }),
              data: fc.uint8Array({ maxLength: 3000 }),
            }),
          ),
          { maxLength: 8 },
        ),
      ),
    );
    fc.assert(
      fc.property(
        input.chain(([version, frames]) => {
          const bytes = concat(...frames.map((f) => encodeFrame(f, version)));
          return fc.tuple(fc.constant(version), fc.constant(frames), fc.constant(bytes), splitsArb(bytes.length));
        }),
        ([version, frames, bytes, splits]) => {
          const decoder = new FrameDecoder({ version, partialData: true });
          const items = drain(decoder, split(bytes, splits));
          expect(items.some((item) => item instanceof SpdyProtocolError)).toBe(false);
          expect(reassemble(items, frames)).toEqual(frames);
          expect(decoder.finish()).toBeUndefined();
        },
      ),
      { numRuns: 300 },
    );
  });

  it('never copies a payload: each piece is a view of the input', () => {
    const data = Uint8Array.from({ length: 5000 }, (_, i) => i);
    const bytes = concat(encodeFrame({ type: 'DATA', streamId: 7, flags: Flag.FIN, data }, 3), encodeFrame({ type: 'PING', flags: 0, id: 1 }, 3));
    const decoder = new FrameDecoder({ version: 3, partialData: true });
    const items = drain(decoder, [bytes.subarray(0, 1000), bytes.subarray(1000, 3000), bytes.subarray(3000)]);
    expect(items.map((i) => (i as Frame).type)).toEqual(['DATA', 'DATA', 'DATA', 'PING']);
    const pieces = items.slice(0, 3) as DataFrame[];
    expect(pieces.map((p) => [p.streamId, p.flags, p.data.length])).toEqual([
      [7, 0, 992],
      [7, 0, 2000],
      [7, Flag.FIN, 2008],
    ]);
    for (const p of pieces) expect(p.data.buffer).toBe(bytes.buffer);
    expect(concat(...pieces.map((p) => p.data))).toEqual(data);
  });

  it('says through dataRemaining how much of the current DATA frame is still to come', () => {
    const data = new Uint8Array(5000);
    const bytes = concat(encodeFrame({ type: 'DATA', streamId: 7, flags: 0, data }, 3), encodeFrame({ type: 'DATA', streamId: 9, flags: 0, data: data.subarray(0, 10) }, 3));
    const decoder = new FrameDecoder({ version: 3, partialData: true });
    const seen: [number, number][] = [];
    for (const chunk of [bytes.subarray(0, 1000), bytes.subarray(1000, 3000), bytes.subarray(3000)]) {
      for (const item of decoder.decode(chunk)) seen.push([(item as DataFrame).data.length, decoder.dataRemaining]);
    }
    // First piece + remaining = 5000; 0 after the last piece and after the whole 10-byte frame.
    expect(seen).toEqual([
      [992, 4008],
      [2000, 2008],
      [2008, 0],
      [10, 0],
    ]);
  });

  it('keeps dataRemaining at 0 in whole-frame mode and while skipping an oversized frame', () => {
    const bytes = encodeFrame({ type: 'DATA', streamId: 3, flags: 0, data: new Uint8Array(300) }, 3);
    const whole = new FrameDecoder({ version: 3 });
    whole.push(bytes.subarray(0, 100));
    expect(whole.next()).toBeUndefined();
    expect(whole.dataRemaining).toBe(0);
    const limited = new FrameDecoder({ version: 3, partialData: true, maxDataFrameSize: 200 });
    expect(limited.next()).toBeUndefined();
    limited.push(bytes.subarray(0, 100));
    expect(limited.next()).toMatchObject({ code: FrameErrorCode.FRAME_TOO_LARGE });
    expect(limited.dataRemaining).toBe(0);
  });

  it('still gives a frame whole when it sits in one chunk', () => {
    const frame = { type: 'DATA' as const, streamId: 1, flags: 0, data: new Uint8Array(100) };
    const decoder = new FrameDecoder({ version: 3, partialData: true });
    expect(drain(decoder, [encodeFrame(frame, 3)])).toEqual([frame]);
  });

  it('waits for payload bytes after a header, and reports truncation inside a payload', () => {
    const decoder = new FrameDecoder({ version: 2, partialData: true });
    decoder.push(fromHex('00000005 01 000004'));
    expect(decoder.next()).toBeUndefined();
    decoder.push(fromHex('aabb'));
    expect(decoder.next()).toEqual({ type: 'DATA', streamId: 5, flags: 0, data: fromHex('aabb') });
    expect(decoder.next()).toBeUndefined();
    expect(decoder.finish()).toMatchObject({ code: FrameErrorCode.TRUNCATED, scope: 'session', offset: 0, streamId: 5, frameType: 'DATA' });
  });
});

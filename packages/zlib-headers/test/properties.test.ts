import * as fc from 'fast-check';
import { type Frame, SpdyProtocolError } from '@spdy/frames';
import { describe, expect, it } from 'vitest';
import {
  type DecodedFrame,
  HeaderDeflater,
  HeaderFrameDecoder,
  HeaderFrameEncoder,
  HeaderInflater,
  type HeaderList,
  decodeNameValueBlock,
  encodeNameValueBlock,
} from '../src/index.js';

// --- Arbitraries --------------------------------------------------------------

const nameChar = fc.integer({ min: 1, max: 255 }).filter((c) => c < 0x41 || c > 0x5a).map((c) => String.fromCharCode(c));
const valueChar = fc.integer({ min: 1, max: 255 }).map((c) => String.fromCharCode(c));
const commonNames = [':method', ':path', ':host', 'accept', 'set-cookie', 'user-agent', 'x-\u00e9'];
const name = fc.oneof(fc.constantFrom(...commonNames), fc.string({ unit: nameChar, minLength: 1, maxLength: 12 }));
const value = fc.oneof(fc.constantFrom('GET', '/', 'text/html', 'a=1'), fc.string({ unit: valueChar, minLength: 1, maxLength: 40 }));

/** Header lists valid in both versions: names may repeat (their values get joined), values are non-empty. */
const headerList: fc.Arbitrary<HeaderList> = fc.array(fc.tuple(name, value), { maxLength: 20 });

/** SPDY/3 also allows a name with a single empty value. */
const headerList3: fc.Arbitrary<HeaderList> = fc
  .tuple(headerList, fc.option(fc.string({ unit: nameChar, minLength: 1, maxLength: 8 }).map((n) => `empty-${n}`)))
  .map(([list, empty]) => (empty === null ? list : [...list, [empty, ''] as [string, string]]));

const listFor = (version: 2 | 3) => (version === 2 ? headerList : headerList3);

/** The model: values of a name are gathered at its first occurrence, in order. */
function grouped(list: HeaderList): HeaderList {
  const byName = new Map<string, string[]>();
  for (const [n, v] of list) {
    const values = byName.get(n);
    if (values === undefined) byName.set(n, [v]);
    else values.push(v);
  }
  return [...byName].flatMap(([n, values]) => values.map((v): [string, string] => [n, v]));
}

// --- Properties ---------------------------------------------------------------

describe('properties', () => {
  for (const version of [2, 3] as const) {
    it(`SPDY/${version}: a name/value block round-trips to the grouped list`, () => {
      fc.assert(
        fc.property(listFor(version), (list) => {
          expect(decodeNameValueBlock(encodeNameValueBlock(list, version), version)).toEqual(grouped(list));
        }),
        { numRuns: 300 },
      );
    });

    it(`SPDY/${version}: hundreds of blocks through one deflater/inflater pair, at any level, window and memLevel`, () => {
      fc.assert(
        fc.property(
          fc.array(listFor(version), { minLength: 100, maxLength: 300 }),
          fc.integer({ min: 0, max: 9 }),
          fc.integer({ min: 9, max: 15 }),
          fc.integer({ min: 1, max: 9 }),
          (lists, level, windowBits, memLevel) => {
            const deflater = new HeaderDeflater(version, { level, windowBits, memLevel });
            const inflater = new HeaderInflater(version);
            for (const list of lists) expect(inflater.inflate(deflater.deflate(list))).toEqual(grouped(list));
          },
        ),
        { numRuns: 15 },
      );
    });

    it(`SPDY/${version}: frames through HeaderFrameEncoder and HeaderFrameDecoder, in any chunking`, () => {
      fc.assert(
        fc.property(
          fc.array(frameArbitrary(version), { minLength: 1, maxLength: 40 }),
          fc.array(fc.integer({ min: 1, max: 64 }), { minLength: 1, maxLength: 20 }),
          fc.integer({ min: 0, max: 9 }),
          (frames, cuts, level) => {
            const encoder = new HeaderFrameEncoder({ version, level });
            const parts = frames.map((frame) => encoder.encode(frame));
            const bytes = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
            let at = 0;
            for (const p of parts) {
              bytes.set(p, at);
              at += p.length;
            }
            const decoder = new HeaderFrameDecoder({ version });
            const out: DecodedFrame[] = [];
            let pos = 0;
            for (let i = 0; pos < bytes.length; i++) {
              const end = Math.min(bytes.length, pos + cuts[i % cuts.length]!);
              decoder.push(bytes.slice(pos, end));
              pos = end;
              for (let item = decoder.next(); item !== undefined; item = decoder.next()) {
                if (item instanceof Error) throw item;
                out.push(item);
              }
            }
            expect(decoder.finish()).toBeUndefined();
            expect(out).toEqual(frames.map(normalized));
          },
        ),
        { numRuns: 100 },
      );
    });
  }
});

function normalized(frame: DecodedFrame): DecodedFrame {
  return 'headers' in frame ? { ...frame, headers: grouped(frame.headers) } : frame;
}

function frameArbitrary(version: 2 | 3): fc.Arbitrary<DecodedFrame> {
  const streamId = fc.integer({ min: 1, max: 0x7fffffff });
  const flags = fc.integer({ min: 0, max: 1 });
  const headers = listFor(version);
  const others: fc.Arbitrary<Exclude<Frame, { headerBlock: Uint8Array }>>[] = [
    fc.record({ type: fc.constant('DATA' as const), streamId, flags, data: fc.uint8Array({ maxLength: 100 }) }),
    fc.record({ type: fc.constant('PING' as const), flags: fc.constant(0), id: fc.integer({ min: 0, max: 0xffffffff }) }),
    fc.record({ type: fc.constant('RST_STREAM' as const), flags: fc.constant(0), streamId, status: fc.integer({ min: 1, max: 11 }) }),
    fc.record({
      type: fc.constant('GOAWAY' as const),
      flags: fc.constant(0),
      lastGoodStreamId: fc.integer({ min: 0, max: 0x7fffffff }),
      status: version === 2 ? fc.constant(0) : fc.integer({ min: 0, max: 2 }),
    }),
  ];
  return fc.oneof(
    fc.record({
      type: fc.constant('SYN_STREAM' as const),
      flags: fc.integer({ min: 0, max: 3 }),
      streamId,
      associatedStreamId: fc.integer({ min: 0, max: 0x7fffffff }),
      priority: fc.integer({ min: 0, max: version === 2 ? 3 : 7 }),
      slot: version === 2 ? fc.constant(0) : fc.integer({ min: 0, max: 255 }),
      headers,
    }),
    fc.record({ type: fc.constant('SYN_REPLY' as const), flags, streamId, headers }),
    fc.record({ type: fc.constant('HEADERS' as const), flags, streamId, headers }),
    ...others,
  );
}

describe('hostile input', () => {
  it('random bytes as a name/value block decode or fail as a stream error, nothing else', () => {
    fc.assert(
      fc.property(fc.constantFrom(2 as const, 3 as const), fc.uint8Array({ maxLength: 64 }), (version, bytes) => {
        try {
          decodeNameValueBlock(bytes, version);
        } catch (error) {
          expect(error).toBeInstanceOf(SpdyProtocolError);
          expect((error as SpdyProtocolError).scope).toBe('stream');
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('corrupted compressed streams throw nothing but SpdyProtocolError', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(2 as const, 3 as const),
        fc.integer({ min: 0, max: 9 }),
        fc.array(headerList, { minLength: 1, maxLength: 8 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 4 }),
        (version, level, lists, flips) => {
          const deflater = new HeaderDeflater(version, { level });
          const blocks = lists.map((list) => deflater.deflate(list));
          for (const [at, mask] of flips) {
            const block = blocks[at % blocks.length]!;
            if (block.length > 0) block[at % block.length] ^= mask;
          }
          const inflater = new HeaderInflater(version, { maxHeaderListSize: 4096 });
          for (const block of blocks) {
            try {
              inflater.inflate(block);
            } catch (error) {
              expect(error).toBeInstanceOf(SpdyProtocolError);
            }
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

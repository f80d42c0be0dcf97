/**
 * The altered copy of pako's inflate (src/vendor/pako) against pako's own:
 * the same input in the same pieces, with the same output room, must give
 * the same status, cursors, output and message at every call, for valid
 * streams of every shape and for corrupt ones.
 */
import { deflateSync } from 'node:zlib';
import * as fc from 'fast-check';
import { Deflate, constants } from 'pako';
import ZStream from 'pako/lib/zlib/zstream.js';
import * as upstream from 'pako/lib/zlib/inflate.js';
import { describe, expect, it } from 'vitest';
import * as vendored from '../src/vendor/pako/inflate.cjs';
import { HeaderDeflater, dictionaryFor } from '../src/index.js';

type Inflate = typeof upstream;

interface Plan {
  /** The stream. */
  input: Uint8Array;
  /** Sizes of the pieces it is fed in (cycled). */
  pieces: number[];
  /** Sizes of the output room given to each call (cycled). */
  rooms: number[];
  windowBits: number;
  dictionary: Uint8Array | undefined;
}

/** Runs `plan` through one implementation; returns what every call did. */
function trace(impl: Inflate, plan: Plan): string[] {
  const strm = new ZStream();
  const log: string[] = [`init ${impl.inflateInit2(strm, plan.windowBits)}`];
  let fed = 0;
  for (let call = 0; call < 5000; call++) {
    const piece = plan.pieces[call % plan.pieces.length]!;
    const room = plan.rooms[call % plan.rooms.length]!;
    strm.input = plan.input;
    strm.next_in = fed;
    strm.avail_in = Math.min(piece, plan.input.length - fed);
    const output = new Uint8Array(room);
    strm.output = output;
    strm.next_out = 0;
    strm.avail_out = room;
    let status = impl.inflate(strm, 2 /* Z_SYNC_FLUSH */);
    if (status === 2 /* Z_NEED_DICT */ && plan.dictionary !== undefined) {
      log.push(`dict ${impl.inflateSetDictionary(strm, plan.dictionary)}`);
      status = impl.inflate(strm, 2);
    }
    log.push(`${status} in=${strm.next_in} out=${Buffer.from(output.subarray(0, strm.next_out)).toString('hex')} ${strm.msg}`);
    if (status < 0 || status === 1 /* Z_STREAM_END */ || (status === 2 && plan.dictionary === undefined)) break;
    // No input taken and no output made: nothing is left to do.
    if (strm.next_in === fed && strm.next_out === 0) break;
    fed = strm.next_in;
  }
  return log;
}

function expectSame(plan: Plan): void {
  expect(trace(vendored, plan)).toEqual(trace(upstream, plan));
}

/** Bytes with long repeats near and far, as in header blocks and in the worst cases for the bulk copies. */
const repetitive = fc
  .array(
    fc.oneof(
      fc.uint8Array({ minLength: 1, maxLength: 40 }),
      fc.record({ back: fc.nat(), length: fc.integer({ min: 3, max: 600 }) }),
      fc.record({ byte: fc.integer({ min: 0, max: 255 }), length: fc.integer({ min: 1, max: 400 }) }),
    ),
    { minLength: 1, maxLength: 40 },
  )
  .map((parts) => {
    const out: number[] = [];
    for (const part of parts) {
      if (part instanceof Uint8Array) out.push(...part);
      else if ('back' in part) {
        // A copy of earlier bytes, overlapping itself when it starts close.
        if (out.length === 0) continue;
        const from = out.length - 1 - (part.back % out.length);
        for (let i = 0; i < part.length; i++) out.push(out[from + i]!);
      } else for (let i = 0; i < part.length; i++) out.push(part.byte);
    }
    return new Uint8Array(out);
  });

const pieces = fc.array(fc.integer({ min: 1, max: 5000 }), { minLength: 1, maxLength: 4 });
const rooms = fc.array(fc.integer({ min: 1, max: 5000 }), { minLength: 1, maxLength: 4 });
/** Window sizes from 512 bytes (matches reach far into the window) to 32 KiB. */
const windowBits = fc.integer({ min: 9, max: 15 });

describe("the vendored inflate gives exactly pako's results", () => {
  it('on zlib streams at every level, window and strategy, sync-flushed block by block', () => {
    fc.assert(
      fc.property(
        fc.array(repetitive, { minLength: 1, maxLength: 6 }),
        fc.constantFrom(0, 1, 2, 3, 4, 5, 6, 7, 8, 9 as const),
        windowBits,
        fc.constantFrom(0, 1, 2, 3, 4),
        fc.boolean(),
        pieces,
        rooms,
        (blocks, level, bits, strategy, withDictionary, feed, room) => {
          const dictionary = withDictionary ? dictionaryFor(3) : undefined;
          // One stream of several sync-flushed blocks, as a SPDY direction sends them: each block
          // compressed with the history of those before (pako's deflate, as a peer's zlib would).
          const deflate = new Deflate({ level, windowBits: bits, strategy, ...(dictionary ? { dictionary } : {}) });
          const chunks: Uint8Array[] = [];
          deflate.onData = (chunk) => chunks.push(chunk as Uint8Array);
          for (const block of blocks) deflate.push(block, constants.Z_SYNC_FLUSH);
          expectSame({ input: new Uint8Array(Buffer.concat(chunks)), pieces: feed, rooms: room, windowBits: 0, dictionary });
        },
      ),
      { numRuns: 300 },
    );
  });

  it('on the header streams of our level-1 compressor, block by block', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.tuple(fc.constantFrom('a', 'b', 'user-agent', ':path'), fc.string({ minLength: 1, maxLength: 300 })), { maxLength: 6 }), {
          minLength: 1,
          maxLength: 30,
        }),
        windowBits,
        rooms,
        (lists, bits, room) => {
          const deflater = new HeaderDeflater(3, { level: 1, windowBits: bits });
          const blocks = lists.map((list) => deflater.deflate(list.map(([n, v]): [string, string] => [n, v.replace(/[^\x01-\xff]/g, 'x')])));
          const input = new Uint8Array(Buffer.concat(blocks));
          // Fed one block per call, as the session does.
          expectSame({ input, pieces: blocks.map((b) => b.length), rooms: room, windowBits: 0, dictionary: dictionaryFor(3) });
        },
      ),
      { numRuns: 200 },
    );
  });

  it('on corrupt streams: the same errors, at the same byte', () => {
    fc.assert(
      fc.property(
        repetitive,
        windowBits,
        fc.array(fc.record({ at: fc.nat(), xor: fc.integer({ min: 1, max: 255 }) }), { minLength: 1, maxLength: 4 }),
        pieces,
        rooms,
        (data, bits, flips, feed, room) => {
          const input = new Uint8Array(deflateSync(data, { level: 6, windowBits: bits }));
          for (const flip of flips) input[flip.at % input.length]! ^= flip.xor;
          expectSame({ input, pieces: feed, rooms: room, windowBits: bits, dictionary: undefined });
        },
      ),
      { numRuns: 300 },
    );
  });

  it('on random bytes after a valid zlib header', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 3000 }), rooms, (body, room) => {
        expectSame({ input: new Uint8Array([0x78, 0x9c, ...body]), pieces: [body.length + 2], rooms: room, windowBits: 15, dictionary: undefined });
      }),
      { numRuns: 300 },
    );
  });
});

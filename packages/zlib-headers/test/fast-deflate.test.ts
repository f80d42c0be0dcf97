import { constants as zc, inflateSync } from 'node:zlib';
import * as fc from 'fast-check';
import ZStream from 'pako/lib/zlib/zstream.js';
import { deflate, deflateInit2, deflateSetDictionary } from 'pako/lib/zlib/deflate.js';
import { describe, expect, it } from 'vitest';
import { HeaderDeflater, HeaderInflater, type HeaderList, dictionaryFor, encodeNameValueBlock } from '../src/index.js';
import { hex } from './helpers.js';

/** Inflates a whole sequence of blocks with C zlib (Node's zlib), as one stream. */
function cZlibInflate(version: 2 | 3, blocks: Uint8Array[]): Uint8Array {
  return new Uint8Array(inflateSync(Buffer.concat(blocks), { dictionary: dictionaryFor(version), finishFlush: zc.Z_SYNC_FLUSH }));
}

const concat = (parts: Uint8Array[]) => new Uint8Array(Buffer.concat(parts));

const latin1Value = fc.string({ unit: fc.integer({ min: 1, max: 255 }).map((c) => String.fromCharCode(c)), minLength: 1, maxLength: 300 });
const lists = fc.array(
  fc.array(fc.tuple(fc.constantFrom(':path', 'cookie', 'accept', 'x-a', 'x-b', 'user-agent'), fc.oneof(latin1Value, fc.constantFrom('GET', 'text/html', '/'))), {
    maxLength: 12,
  }),
  { minLength: 1, maxLength: 120 },
);

describe('level 1: the single-pass compressor', () => {
  it('writes a zlib header with the dictionary id, fixed-code blocks and a sync marker', () => {
    const deflater = new HeaderDeflater(3, { level: 1 });
    const first = deflater.deflate([['a', 'b']]);
    expect(hex(first.subarray(0, 6))).toBe('3830' + 'e3c6a7c2');
    // Every block ends with the empty stored block of a SYNC_FLUSH.
    expect(hex(first.subarray(-4))).toBe('0000ffff');
    const second = deflater.deflate([['a', 'b']]);
    expect(hex(second.subarray(-4))).toBe('0000ffff');
    // The second block is one match against the first: much shorter.
    expect(second.length).toBeLessThan(10);
    // BFINAL 0, BTYPE 01: the first three bits of a block are 0, 1, 0.
    expect(second[0]! & 0b111).toBe(0b010);
  });

  for (const version of [2, 3] as const) {
    it(`SPDY/${version}: C zlib and our inflater read its blocks at every window size`, () => {
      fc.assert(
        fc.property(lists, fc.integer({ min: 9, max: 15 }), (headerLists, windowBits) => {
          const deflater = new HeaderDeflater(version, { level: 1, windowBits });
          const inflater = new HeaderInflater(version, { maxHeaderListSize: 1 << 20 });
          const blocks = headerLists.map((list) => deflater.deflate(list));
          const raw = headerLists.map((list) => encodeNameValueBlock(list, version));
          expect(hex(cZlibInflate(version, blocks))).toBe(hex(concat(raw)));
          for (let i = 0; i < blocks.length; i++) expect(hex(encodeNameValueBlock(inflater.inflate(blocks[i]!), version))).toBe(hex(raw[i]!));
        }),
        { numRuns: 40 },
      );
    });
  }

  it('handles blocks larger than its window and buffer, and long matches at every length', () => {
    const deflater = new HeaderDeflater(3, { level: 1, windowBits: 9 });
    const blocks: Uint8Array[] = [];
    const raw: Uint8Array[] = [];
    const lists: HeaderList[] = [];
    for (let i = 0; i < 300; i++) lists.push([['x', 'ab'.repeat(i + 1) + String(i)]]);
    // A block larger than the buffer (it grows), then smaller ones (it shrinks back), all matching across the change.
    lists.push([['big', 'q'.repeat(100_000)]], [['big', 'r'.repeat(5000) + 'q'.repeat(3000)]], [['x', 'ab'.repeat(50)]], [['x', 'ab'.repeat(50)]]);
    for (const list of lists) {
      blocks.push(deflater.deflate(list));
      raw.push(encodeNameValueBlock(list, 3));
    }
    expect(hex(cZlibInflate(3, blocks))).toBe(hex(concat(raw)));
    // Runs compress: 100 KB of one letter takes a few hundred bytes.
    expect(blocks[300]!.length).toBeLessThan(1000);
  });

  it('compresses repeated request headers to a few bytes', () => {
    const deflater = new HeaderDeflater(3, { level: 1 });
    const request: HeaderList = [
      [':method', 'GET'],
      [':path', '/'],
      [':version', 'HTTP/1.1'],
      [':host', 'example.com'],
      [':scheme', 'https'],
      ['user-agent', 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36'],
    ];
    const first = deflater.deflate(request);
    const again = deflater.deflate(request);
    expect(first.length).toBeLessThan(encodeNameValueBlock(request, 3).length);
    expect(again.length).toBeLessThan(16);
  });
});

describe('level 1: pairs repeated from the block before', () => {
  // A small pool, so that most pairs of a block repeat the block before (the
  // copy-and-match path) while others change, move, or exceed the window.
  const names = [':path', ':method', 'cookie', 'user-agent', 'x-a'];
  const values = ['GET', '/', 'a'.repeat(40), 'Mozilla/5.0 (X11)', 'b'.repeat(700), 'c'.repeat(3000)];
  const pair = fc.tuple(fc.constantFrom(...names), fc.constantFrom(...values));
  /** A block: the last one with some pairs replaced, dropped or added, or a new one. */
  const step = fc.record({ fresh: fc.boolean(), at: fc.nat(), replace: fc.option(pair), add: fc.option(pair), drop: fc.boolean(), refused: fc.boolean() });

  for (const version of [2, 3] as const) {
    it(`SPDY/${version}: C zlib reads every block, with blocks refused in between`, () => {
      fc.assert(
        fc.property(fc.array(pair, { minLength: 1, maxLength: 8 }), fc.array(step, { minLength: 1, maxLength: 60 }), fc.integer({ min: 9, max: 15 }), (first, steps, windowBits) => {
          const deflater = new HeaderDeflater(version, { level: 1, windowBits });
          const blocks: Uint8Array[] = [];
          const raw: Uint8Array[] = [];
          let list: HeaderList = first.map(([n, v]) => [n, v]);
          for (const s of steps) {
            if (s.refused) {
              // Starts like the last block, then fails its checks: nothing of it may be remembered.
              expect(() => deflater.deflate([...list, ['Bad-Name', 'x']])).toThrow(TypeError);
            }
            if (s.fresh) list = list.map(([n, v]) => [n, v + '!']);
            // Equal strings that are not the same string objects.
            else list = list.map(([n, v]) => [n, `${v}`]);
            const at = list.length === 0 ? 0 : s.at % list.length;
            if (s.replace !== null && list.length > 0) list[at] = [...s.replace];
            if (s.drop && list.length > 1) list.splice(at, 1);
            if (s.add !== null) list.splice(at, 0, [...s.add]);
            blocks.push(deflater.deflate(list));
            raw.push(encodeNameValueBlock(list, version));
          }
          expect(hex(cZlibInflate(version, blocks))).toBe(hex(concat(raw)));
        }),
        { numRuns: 60 },
      );
    });
  }

  it('codes an unchanged block in a few bytes, and still does after a refused block', () => {
    const deflater = new HeaderDeflater(3, { level: 1 });
    const request: HeaderList = [
      [':method', 'GET'],
      [':path', '/index.html'],
      ['user-agent', 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36'],
      ['accept', 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8'],
    ];
    const blocks = [deflater.deflate(request), deflater.deflate(request)];
    // One match for the whole block, the block codes and the sync marker.
    expect(blocks[1]!.length).toBeLessThanOrEqual(9);
    expect(() => deflater.deflate([...request, ['x', '\u0100']])).toThrow(TypeError);
    blocks.push(deflater.deflate(request), deflater.deflate([...request.slice(0, 3), ['accept', '*/*']]), deflater.deflate(request));
    expect(blocks[2]!.length).toBeLessThanOrEqual(9);
    expect(hex(cZlibInflate(3, blocks))).toBe(hex(concat([0, 1, 2, 3, 4].map((i) => encodeNameValueBlock(i === 3 ? [...request.slice(0, 3), ['accept', '*/*']] : request, 3)))));
  });

  it('keeps finding repeats across history slides and the wrap of its 32-bit stream positions', () => {
    // Over 4 MiB through one stream: the history slides hundreds of times, and
    // stream positions, which start just below 2^31, pass it in the first 64 KiB.
    const deflater = new HeaderDeflater(3, { level: 1, windowBits: 9 });
    const inflater = new HeaderInflater(3, { maxHeaderListSize: 1 << 20 });
    let total = 0;
    for (let i = 0; total < 4 << 20; i++) {
      const list: HeaderList = [
        ['x-n', String(i)],
        ['x-same', 's'.repeat(100)],
        ['x-big', i % 50 === 0 ? 'q'.repeat(5000 + i) : 'r'],
      ];
      const block = deflater.deflate(list);
      total += encodeNameValueBlock(list, 3).length;
      expect(inflater.inflate(block)).toEqual(list);
      if (i > 0 && i % 50 !== 0 && i % 50 !== 1) expect(block.length).toBeLessThan(20);
    }
  });
});

describe('level 0: stored blocks', () => {
  /** pako's level 0, the reference the stored-block writer must match. */
  function pakoStored(version: 2 | 3, windowBits: number, blocks: Uint8Array[]): Uint8Array[] {
    const strm = new ZStream();
    deflateInit2(strm, 0, 8, windowBits, 1, 0);
    deflateSetDictionary(strm, dictionaryFor(version));
    return blocks.map((block) => {
      const output = new Uint8Array(block.length + 64);
      Object.assign(strm, { input: block, next_in: 0, avail_in: block.length, output, next_out: 0, avail_out: output.length });
      deflate(strm, 2 /* Z_SYNC_FLUSH */);
      return output.slice(0, strm.next_out);
    });
  }

  for (const version of [2, 3] as const) {
    it(`SPDY/${version}: byte for byte what zlib writes at level 0, readable by C zlib`, () => {
      fc.assert(
        fc.property(lists, fc.integer({ min: 9, max: 15 }), (headerLists, windowBits) => {
          const deflater = new HeaderDeflater(version, { level: 0, windowBits });
          const blocks = headerLists.map((list) => deflater.deflate(list));
          const raw = headerLists.map((list) => encodeNameValueBlock(list, version));
          expect(blocks.map(hex)).toEqual(pakoStored(version, windowBits, raw).map(hex));
          expect(hex(cZlibInflate(version, blocks))).toBe(hex(concat(raw)));
        }),
        { numRuns: 40 },
      );
    });
  }

  it('splits a block above 64 KiB into several stored blocks', () => {
    const deflater = new HeaderDeflater(3, { level: 0 });
    const inflater = new HeaderInflater(3, { maxHeaderListSize: 1 << 20 });
    const lists: HeaderList[] = [[['big', 'q'.repeat(200_000)]], [['x', 'y']]];
    const blocks = lists.map((list) => deflater.deflate(list));
    // Four stored blocks (three full ones) of 5-byte headers, plus the zlib header and the sync marker.
    const raw = encodeNameValueBlock(lists[0]!, 3);
    expect(blocks[0]!.length).toBe(6 + raw.length + 4 * 5 + 5);
    expect(hex(cZlibInflate(3, blocks))).toBe(hex(concat(lists.map((list) => encodeNameValueBlock(list, 3)))));
    expect(inflater.inflate(blocks[0]!)).toEqual(lists[0]);
    expect(inflater.inflate(blocks[1]!)).toEqual(lists[1]);
  });
});

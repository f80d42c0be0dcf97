import * as fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeNameValueBlock, encodeNameValueBlock } from '../src/index.js';

// writeBlock keeps the bytes of names and values it has validated (see
// nv-block.ts): a string seen before must encode to the same bytes, and a
// string that is valid in one role must still be checked in the other.
describe('encoding strings seen before', () => {
  it('a value already written is still checked as a name, and vice versa', () => {
    expect(encodeNameValueBlock([['x-a', 'Upper']], 3).length).toBeGreaterThan(0);
    expect(() => encodeNameValueBlock([['Upper', 'v']], 3)).toThrow(TypeError);
    expect(() => encodeNameValueBlock([['Upper', 'v']], 3)).toThrow(TypeError);
    expect(encodeNameValueBlock([['x-b', 'a\0b']], 3).length).toBeGreaterThan(0);
    expect(() => encodeNameValueBlock([['a\0b', 'v']], 3)).toThrow(TypeError);
    expect(encodeNameValueBlock([['lower', 'v']], 3).length).toBeGreaterThan(0);
    expect(decodeNameValueBlock(encodeNameValueBlock([['x-c', 'lower']], 3), 3)).toEqual([['x-c', 'lower']]);
  });

  it('a rejected string is rejected again', () => {
    for (let i = 0; i < 3; i++) {
      expect(() => encodeNameValueBlock([['x-a', 'a\0\0b']], 3)).toThrow(TypeError);
      expect(() => encodeNameValueBlock([['x-a', 'caf\u20ac']], 3)).toThrow(TypeError);
      expect(() => encodeNameValueBlock([['x-\u0100', 'v']], 3)).toThrow(TypeError);
    }
  });

  it('an empty value seen in SPDY/3 is still refused in SPDY/2', () => {
    expect(decodeNameValueBlock(encodeNameValueBlock([['x-e', '']], 3), 3)).toEqual([['x-e', '']]);
    expect(() => encodeNameValueBlock([['x-e', '']], 2)).toThrow(TypeError);
  });

  it('encodes the same bytes the first time and every time after, past the cache bounds', () => {
    const name = fc.constantFrom('x-a', 'accept', ':path', 'user-agent');
    const value = fc.string({ unit: fc.integer({ min: 1, max: 255 }).map((c) => String.fromCharCode(c)), minLength: 1, maxLength: 400 });
    fc.assert(
      fc.property(fc.array(fc.tuple(name, value), { minLength: 1, maxLength: 8 }), fc.constantFrom(2 as const, 3 as const), (list, version) => {
        const first = encodeNameValueBlock(list, version);
        expect(encodeNameValueBlock(list, version)).toEqual(first);
        const joined = new Map<string, string>();
        for (const [n, v] of list) joined.set(n, joined.has(n) ? `${joined.get(n)}\0${v}` : v);
        expect(decodeNameValueBlock(first, version)).toEqual(
          [...joined].flatMap(([n, v]) => v.split('\0').map((part): [string, string] => [n, part])),
        );
      }),
      { numRuns: 3000 },
    );
  });
});

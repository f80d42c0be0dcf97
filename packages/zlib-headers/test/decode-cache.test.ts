import * as fc from 'fast-check';
import { SpdyProtocolError } from '@spdy/frames';
import { describe, expect, it } from 'vitest';
import { HeaderErrorCode, type HeaderList, decodeNameValueBlock } from '../src/index.js';

// decodeBlock keeps recent names and values in tables looked up by a hash of
// a few sampled bytes, each hit verified (see nv-block.ts). These tests mix
// strings that share a slot, and compare every result with a plain decoder.

/** A SPDY/3 block from raw names and values (no checks: bytes as given). */
function block(pairs: Array<[string, string]>): Uint8Array {
  const bytes: number[] = [];
  const u32 = (n: number) => bytes.push(n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
  u32(pairs.length);
  for (const [name, value] of pairs) {
    u32(name.length);
    for (const c of name) bytes.push(c.charCodeAt(0));
    u32(value.length);
    for (const c of value) bytes.push(c.charCodeAt(0));
  }
  return new Uint8Array(bytes);
}

/** The spec's rules, written plainly: the headers, or the error code. */
function reference(pairs: Array<[string, string]>): HeaderList | string {
  const out: HeaderList = [];
  const seen = new Set<string>();
  for (const [name, value] of pairs) {
    if (name === '') return HeaderErrorCode.EMPTY_NAME;
    if (name.includes('\0')) return HeaderErrorCode.INVALID_NAME;
    if (/[A-Z]/.test(name)) return HeaderErrorCode.UPPERCASE_NAME;
    if (seen.has(name)) return HeaderErrorCode.DUPLICATE_NAME;
    seen.add(name);
    if (value === '') {
      out.push([name, '']);
      continue;
    }
    const parts = value.split('\0');
    if (parts.includes('')) return HeaderErrorCode.EMPTY_VALUE_PART;
    for (const part of parts) out.push([name, part]);
  }
  return out;
}

function decoded(bytes: Uint8Array): HeaderList | string {
  try {
    return decodeNameValueBlock(bytes, 3);
  } catch (error) {
    if (error instanceof SpdyProtocolError) return error.code;
    throw error;
  }
}

describe('decoding strings seen before', () => {
  it('a cached value does not make the same bytes a valid name', () => {
    expect(decoded(block([['x', 'Upper']]))).toEqual([['x', 'Upper']]);
    expect(decoded(block([['Upper', 'x']]))).toBe(HeaderErrorCode.UPPERCASE_NAME);
  });

  it('strings sharing a slot (same length and sampled bytes) decode as themselves', () => {
    // Bytes 0, 4, 5 and 7 of an 8-byte string are sampled: these differ elsewhere.
    for (let round = 0; round < 3; round++) {
      expect(decoded(block([['abcdefgh', 'abcdefgh']]))).toEqual([['abcdefgh', 'abcdefgh']]);
      expect(decoded(block([['axcdefgh', 'axcdefgh']]))).toEqual([['axcdefgh', 'axcdefgh']]);
      expect(decoded(block([['aBcdefgh', 'v']]))).toBe(HeaderErrorCode.UPPERCASE_NAME);
      expect(decoded(block([['a\0cdefgh', 'v']]))).toBe(HeaderErrorCode.INVALID_NAME);
      expect(decoded(block([['x', 'a\0cdefgh']]))).toEqual([['x', 'a'], ['x', 'cdefgh']]);
      expect(decoded(block([['x', 'a\0\0defgh']]))).toBe(HeaderErrorCode.EMPTY_VALUE_PART);
    }
  });

  it('agrees with a plain decoder on blocks of colliding and repeated strings', () => {
    // A tiny alphabet and short strings: many repeats, many shared slots.
    const text = fc.string({ unit: fc.constantFrom('a', 'b', 'A', '\0', 'z'), minLength: 0, maxLength: 9 });
    fc.assert(
      fc.property(fc.array(fc.tuple(text, text), { minLength: 0, maxLength: 6 }), (pairs) => {
        expect(decoded(block(pairs))).toEqual(reference(pairs));
      }),
      { numRuns: 5000 },
    );
  });

  it('agrees with a plain decoder on names too long for the tables', () => {
    // Names of 127 to 131 chars straddle the tables' limit (128); equal ones must still be duplicates.
    const long = fc.tuple(fc.constantFrom('a', 'b'), fc.integer({ min: 127, max: 131 })).map(([c, n]) => c.repeat(n));
    const name = fc.oneof(long, fc.constantFrom('a', 'b', 'aB'));
    fc.assert(
      fc.property(fc.array(fc.tuple(name, fc.constantFrom('v', 'w')), { minLength: 0, maxLength: 6 }), (pairs) => {
        expect(decoded(block(pairs))).toEqual(reference(pairs));
      }),
      { numRuns: 2000 },
    );
  });
});

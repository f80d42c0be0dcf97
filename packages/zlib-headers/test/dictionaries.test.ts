import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SPDY2_DICTIONARY, SPDY2_DICTIONARY_ID, SPDY3_DICTIONARY, SPDY3_DICTIONARY_ID, dictionaryFor, dictionaryIdFor } from '../src/index.js';

/** Adler-32 (RFC 1950 §8), written out here so the test does not trust the code under test. */
function adler32(bytes: Uint8Array): number {
  let a = 1;
  let b = 0;
  for (const byte of bytes) {
    a = (a + byte) % 65521;
    b = (b + a) % 65521;
  }
  return (b * 65536 + a) >>> 0;
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('SPDY header dictionaries', () => {
  it('v2 is the 907 bytes of the draft, trailing NUL included', () => {
    expect(SPDY2_DICTIONARY.length).toBe(907);
    expect(SPDY2_DICTIONARY[906]).toBe(0);
    expect(sha256(SPDY2_DICTIONARY)).toBe('0088d05d3b07b510aae796d67857c83308247ae79078d5743f412e483c23fbc6');
    expect(new TextDecoder().decode(SPDY2_DICTIONARY.subarray(0, 21))).toBe('optionsgetheadpostput');
  });

  it('v3 is the 1423 bytes of §2.6.10.1', () => {
    expect(SPDY3_DICTIONARY.length).toBe(1423);
    expect(sha256(SPDY3_DICTIONARY)).toBe('51d27341373f923f3cd88e1eb7162aeaa3723d7585ff2399201dc06498407f02');
    expect([...SPDY3_DICTIONARY.subarray(0, 8)]).toEqual([0, 0, 0, 7, 0x6f, 0x70, 0x74, 0x69]);
    expect(SPDY3_DICTIONARY[1422]).toBe(0x2e);
  });

  it('their Adler-32 checksums are the DICTIDs peers expect', () => {
    expect(adler32(SPDY2_DICTIONARY)).toBe(0xdfa251b2);
    expect(adler32(SPDY3_DICTIONARY)).toBe(0xe3c6a7c2);
    expect(SPDY2_DICTIONARY_ID).toBe(0xdfa251b2);
    expect(SPDY3_DICTIONARY_ID).toBe(0xe3c6a7c2);
    // The common mistake: the v2 text without its NUL has another id.
    expect(adler32(SPDY2_DICTIONARY.subarray(0, 906))).toBe(0x8df051b2);
  });

  it('dictionaryFor and dictionaryIdFor pick by wire version', () => {
    expect(dictionaryFor(2)).toBe(SPDY2_DICTIONARY);
    expect(dictionaryFor(3)).toBe(SPDY3_DICTIONARY);
    expect(dictionaryIdFor(2)).toBe(SPDY2_DICTIONARY_ID);
    expect(dictionaryIdFor(3)).toBe(SPDY3_DICTIONARY_ID);
  });
});

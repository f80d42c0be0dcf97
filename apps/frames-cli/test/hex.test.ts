import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseHex, toHex, toHexLines } from '../src/hex.js';

const bytes = (...values: number[]) => new Uint8Array(values);

describe('parseHex', () => {
  it('reads digits in either case with any whitespace between them', () => {
    expect(parseHex('80 03\n00 01\r\n\tAb cD')).toEqual(bytes(0x80, 0x03, 0x00, 0x01, 0xab, 0xcd));
    expect(parseHex('8003 0001')).toEqual(bytes(0x80, 0x03, 0x00, 0x01));
  });

  it('accepts 0x prefixes and commas, as in a C array', () => {
    expect(parseHex('0x80, 0x03,0X00,')).toEqual(bytes(0x80, 0x03, 0x00));
  });

  it('skips # comments to the end of the line', () => {
    expect(parseHex('# SETTINGS\n80 02 # version 2\n00 04\n')).toEqual(bytes(0x80, 0x02, 0x00, 0x04));
  });

  it('reads the output of xxd, dropping offsets and the text column', () => {
    const xxd = [
      '00000000: 8003 0004 0000 000c 0000 0001 0100 0007  ................',
      '00000010: 0010 0000 8003 0009 0000 0008 0000 0000  ................',
      '00000020: 000f 0000 61                             ....a',
    ].join('\n');
    expect(toHex(parseHex(xxd))).toBe('800300040000000c00000001010000070010000080030009000000080000000000' + '0f000061');
  });

  it('keeps hex-looking text in the xxd text column out of the bytes', () => {
    expect(parseHex('00000000: 6162 6364                                abcd')).toEqual(bytes(0x61, 0x62, 0x63, 0x64));
  });

  it('names the line of a character that is not hex', () => {
    expect(() => parseHex('80 03\n00 0g')).toThrow(/line 2: unexpected "g"/);
  });

  it('refuses a byte cut in half', () => {
    expect(() => parseHex('80 0')).toThrow(/odd number of hex digits \(3\)/);
  });

  it('gives nothing for empty or comment-only text', () => {
    expect(parseHex('')).toEqual(bytes());
    expect(parseHex('# nothing here\n\n')).toEqual(bytes());
  });
});

describe('toHex and toHexLines', () => {
  it('write lowercase hex, 16 bytes a line', () => {
    expect(toHex(bytes(0, 0x0f, 0xff))).toBe('000fff');
    expect(toHexLines(new Uint8Array(17).fill(0xab))).toBe(`${'ab '.repeat(15)}ab\nab\n`);
    expect(toHexLines(bytes())).toBe('');
  });

  it('read back by parseHex to the same bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), fc.integer({ min: 1, max: 40 }), (data, perLine) => {
        expect(parseHex(toHexLines(data, perLine))).toEqual(data);
        expect(parseHex(toHex(data))).toEqual(data);
      }),
    );
  });
});

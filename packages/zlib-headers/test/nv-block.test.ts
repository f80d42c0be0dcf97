import { RstStatus, SpdyProtocolError } from '@spdy/frames';
import { describe, expect, it } from 'vitest';
import { HeaderErrorCode, type HeaderList, decodeNameValueBlock, encodeNameValueBlock } from '../src/index.js';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const bytes = (h: string) => new Uint8Array(Buffer.from(h.replace(/\s+/g, ''), 'hex'));

/** Runs `fn`, expects a stream-scope SpdyProtocolError with `code`, returns it. */
function expectStreamError(fn: () => unknown, code: string): SpdyProtocolError {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(SpdyProtocolError);
  const error = caught as SpdyProtocolError;
  expect(error.code).toBe(code);
  expect(error.scope).toBe('stream');
  expect(error.status).toBe(RstStatus.PROTOCOL_ERROR);
  return error;
}

describe('name/value block vectors', () => {
  it('SPDY/2: 16-bit count and lengths', () => {
    const block = encodeNameValueBlock(
      [
        ['method', 'GET'],
        ['url', '/'],
      ],
      2,
    );
    expect(hex(block)).toBe(
      '0002' + '0006' + '6d6574686f64' + '0003' + '474554' + '0003' + '75726c' + '0001' + '2f',
    );
    expect(decodeNameValueBlock(block, 2)).toEqual([
      ['method', 'GET'],
      ['url', '/'],
    ]);
  });

  it('SPDY/3: 32-bit count and lengths, repeated names joined by NUL', () => {
    const block = encodeNameValueBlock(
      [
        [':method', 'GET'],
        ['accept', 'a'],
        ['accept', 'b'],
      ],
      3,
    );
    expect(hex(block)).toBe(
      '00000002' + '00000007' + '3a6d6574686f64' + '00000003' + '474554' + '00000006' + '616363657074' + '00000003' + '610062',
    );
    expect(decodeNameValueBlock(block, 3)).toEqual([
      [':method', 'GET'],
      ['accept', 'a'],
      ['accept', 'b'],
    ]);
  });

  it('SPDY/3 allows an empty value', () => {
    const block = encodeNameValueBlock([['x', '']], 3);
    expect(hex(block)).toBe('00000001' + '00000001' + '78' + '00000000');
    expect(decodeNameValueBlock(block, 3)).toEqual([['x', '']]);
  });

  it('an empty header list is a count of zero', () => {
    expect(hex(encodeNameValueBlock([], 2))).toBe('0000');
    expect(hex(encodeNameValueBlock({}, 3))).toBe('00000000');
    expect(decodeNameValueBlock(bytes('0000'), 2)).toEqual([]);
  });

  it('strings are latin1 byte for byte', () => {
    const block = encodeNameValueBlock([['x-\u00e9', 'caf\u00e9\u00ff\u0080']], 2);
    expect(hex(block)).toBe('0001' + '0003' + '782de9' + '0006' + '636166e9ff80');
    expect(decodeNameValueBlock(block, 2)).toEqual([['x-\u00e9', 'caf\u00e9\u00ff\u0080']]);
  });

  it('values of a repeated name are joined in first-occurrence order, and split back adjacent', () => {
    const input: HeaderList = [
      ['set-cookie', 'a=1'],
      ['host', 'h'],
      ['set-cookie', 'b=2'],
    ];
    const block = encodeNameValueBlock(input, 3);
    expect(hex(block)).toContain(hex(new TextEncoder().encode('a=1\0b=2')));
    expect(decodeNameValueBlock(block, 3)).toEqual([
      ['set-cookie', 'a=1'],
      ['set-cookie', 'b=2'],
      ['host', 'h'],
    ]);
  });

  it('accepts an object with string or array values', () => {
    const block = encodeNameValueBlock({ host: 'h', 'set-cookie': ['a=1', 'b=2'] }, 2);
    expect(hex(block)).toBe(encodeNameValueBlockHex([['host', 'h'], ['set-cookie', 'a=1\0b=2']], 2));
    expect(decodeNameValueBlock(block, 2)).toEqual([
      ['host', 'h'],
      ['set-cookie', 'a=1'],
      ['set-cookie', 'b=2'],
    ]);
  });

  it('decodes a long value (above the latin1 cache and chunk sizes)', () => {
    const value = 'v'.repeat(20000);
    expect(decodeNameValueBlock(encodeNameValueBlock([['big', value]], 3), 3)).toEqual([['big', value]]);
  });
});

function encodeNameValueBlockHex(headers: HeaderList, version: 2 | 3): string {
  return hex(encodeNameValueBlock(headers, version));
}

describe('decoding enforces the spec', () => {
  it('rejects an empty name', () => {
    expectStreamError(() => decodeNameValueBlock(bytes('0001 0000 0001 61'), 2), HeaderErrorCode.EMPTY_NAME);
  });

  it('rejects uppercase ASCII letters in a name', () => {
    expectStreamError(() => decodeNameValueBlock(bytes('0001 0004 486f7374 0001 61'), 2), HeaderErrorCode.UPPERCASE_NAME);
  });

  it('rejects a NUL in a name', () => {
    expectStreamError(() => decodeNameValueBlock(bytes('0001 0003 610062 0001 61'), 2), HeaderErrorCode.INVALID_NAME);
  });

  it('rejects a duplicate name', () => {
    expectStreamError(() => decodeNameValueBlock(bytes('0002 0001 61 0001 31 0001 61 0001 32'), 2), HeaderErrorCode.DUPLICATE_NAME);
  });

  it('rejects a duplicate name among many (the Set path)', () => {
    const pairs: HeaderList = Array.from({ length: 40 }, (_, i) => [`h${i}`, 'v']);
    const block = encodeNameValueBlock(pairs, 3);
    // Rename the last name (h39) to h38 in place.
    block[block.length - 6] = '8'.charCodeAt(0);
    expectStreamError(() => decodeNameValueBlock(block, 3), HeaderErrorCode.DUPLICATE_NAME);
  });

  it('rejects an empty value in SPDY/2 but not in SPDY/3', () => {
    expectStreamError(() => decodeNameValueBlock(bytes('0001 0001 61 0000'), 2), HeaderErrorCode.EMPTY_VALUE);
    expect(decodeNameValueBlock(bytes('00000001 00000001 61 00000000'), 3)).toEqual([['a', '']]);
  });

  it('rejects empty parts in a NUL-joined value: leading, trailing, doubled, alone', () => {
    for (const value of ['0061', '6100', '61000062', '00']) {
      const length = (value.length / 2).toString(16).padStart(4, '0');
      expectStreamError(() => decodeNameValueBlock(bytes(`0001 0001 61 ${length} ${value}`), 2), HeaderErrorCode.EMPTY_VALUE_PART);
      const length32 = (value.length / 2).toString(16).padStart(8, '0');
      expectStreamError(() => decodeNameValueBlock(bytes(`00000001 00000001 61 ${length32} ${value}`), 3), HeaderErrorCode.EMPTY_VALUE_PART);
    }
  });

  it('rejects an absurd count before allocating anything', () => {
    const error = expectStreamError(() => decodeNameValueBlock(bytes('ffffffff 00000001 61 00000001'), 3), HeaderErrorCode.TRUNCATED);
    expect(error.message).toContain('4294967295');
    expectStreamError(() => decodeNameValueBlock(bytes('ffff 0001 61 0001 62'), 2), HeaderErrorCode.TRUNCATED);
  });

  it('rejects absurd name and value lengths', () => {
    expectStreamError(() => decodeNameValueBlock(bytes('00000001 ffffffff 61 00000001 62'), 3), HeaderErrorCode.TRUNCATED);
    expectStreamError(() => decodeNameValueBlock(bytes('00000001 00000001 61 fffffffe 62'), 3), HeaderErrorCode.TRUNCATED);
    expectStreamError(() => decodeNameValueBlock(bytes('0001 0001 61 ffff 62'), 2), HeaderErrorCode.TRUNCATED);
  });

  it('rejects a block cut anywhere', () => {
    const block = encodeNameValueBlock([['ab', 'cd']], 3);
    for (let end = 0; end < block.length; end++) {
      expectStreamError(() => decodeNameValueBlock(block.subarray(0, end), 3), HeaderErrorCode.TRUNCATED);
    }
  });

  it('rejects bytes after the last pair', () => {
    expectStreamError(() => decodeNameValueBlock(bytes('0001 0001 61 0001 62 00'), 2), HeaderErrorCode.TRAILING_BYTES);
  });

  it('records the stream and frame in the error', () => {
    const error = expectStreamError(
      () => decodeNameValueBlock(bytes('0001 0000 0001 61'), 2, { streamId: 5, frameType: 'SYN_STREAM' }),
      HeaderErrorCode.EMPTY_NAME,
    );
    expect(error.streamId).toBe(5);
    expect(error.frameType).toBe('SYN_STREAM');
  });
});

describe('encoding validates the caller', () => {
  const cases: Array<[string, () => unknown]> = [
    ['empty name', () => encodeNameValueBlock([['', 'v']], 3)],
    ['uppercase name', () => encodeNameValueBlock([['Host', 'v']], 3)],
    ['NUL in a name', () => encodeNameValueBlock([['a\0b', 'v']], 3)],
    ['char above 0xff in a name', () => encodeNameValueBlock([['\u0100', 'v']], 3)],
    ['char above 0xff in a value', () => encodeNameValueBlock([['a', '\u20ac']], 3)],
    ['empty value in SPDY/2', () => encodeNameValueBlock([['a', '']], 2)],
    ['an empty value among several', () => encodeNameValueBlock([['a', ''], ['a', 'x']], 3)],
    ['an empty value among several (object)', () => encodeNameValueBlock({ a: ['x', ''] }, 3)],
    ['a stray NUL', () => encodeNameValueBlock([['a', 'x\0']], 3)],
    ['no value at all', () => encodeNameValueBlock({ a: [] }, 3)],
    ['a non-string value', () => encodeNameValueBlock([['a', 1 as unknown as string]], 3)],
  ];
  for (const [what, fn] of cases) {
    it(`throws a TypeError for ${what}`, () => {
      expect(fn).toThrow(TypeError);
    });
  }

  it('throws a RangeError when a SPDY/2 length does not fit 16 bits', () => {
    expect(() => encodeNameValueBlock([['a', 'x'.repeat(65536)]], 2)).toThrow(RangeError);
    expect(encodeNameValueBlock([['a', 'x'.repeat(65536)]], 3).length).toBe(4 + 4 + 1 + 4 + 65536);
  });

  it('accepts a pre-joined value with non-empty parts', () => {
    expect(decodeNameValueBlock(encodeNameValueBlock([['a', 'x\0y']], 2), 2)).toEqual([
      ['a', 'x'],
      ['a', 'y'],
    ]);
  });
});

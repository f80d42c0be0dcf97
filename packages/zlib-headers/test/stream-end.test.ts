import { deflateSync } from 'node:zlib';
import { SpdyProtocolError } from '@spdy/frames';
import { describe, expect, it } from 'vitest';
import { HeaderErrorCode, HeaderInflater, type HeaderList, SPDY3_DICTIONARY, encodeNameValueBlock } from '../src/index.js';

const request: HeaderList = [
  [':method', 'GET'],
  [':path', '/'],
  ['user-agent', 'test/1.0'],
];

function caught(fn: () => unknown): SpdyProtocolError {
  try {
    fn();
  } catch (error) {
    if (error instanceof SpdyProtocolError) return error;
    throw error;
  }
  throw new Error('expected a SpdyProtocolError');
}

// The inflater skips the Adler-32 of its output (see inflater.ts): a stream
// that ends, trailer included, must still decode and close the direction.
describe('a zlib stream that ends', () => {
  it('decodes its last block, then refuses more header data as a session error', () => {
    const finished = deflateSync(encodeNameValueBlock(request, 3), { dictionary: SPDY3_DICTIONARY });
    const inflater = new HeaderInflater(3);
    expect(inflater.inflate(finished)).toEqual(request);
    const error = caught(() => inflater.inflate(new Uint8Array([0x02, 0x00])));
    expect(error.code).toBe(HeaderErrorCode.ZLIB);
    expect(error.scope).toBe('session');
  });

  it('a block that runs past the trailer is a session error', () => {
    const finished = deflateSync(encodeNameValueBlock(request, 3), { dictionary: SPDY3_DICTIONARY });
    const withExtra = new Uint8Array([...finished, 0x00]);
    expect(caught(() => new HeaderInflater(3).inflate(withExtra)).code).toBe(HeaderErrorCode.ZLIB);
  });
});

import { FrameErrorCode, GoawayStatus, RstStatus, SpdyProtocolError, encodeFrame } from '@spdy/frames';
import { describe, expect, it } from 'vitest';
import {
  type DecodedFrame,
  HeaderDeflater,
  HeaderErrorCode,
  HeaderFrameDecoder,
  HeaderFrameEncoder,
  HeaderInflater,
  type HeaderList,
  encodeNameValueBlock,
} from '../src/index.js';
import { rawCompressor } from './helpers.js';

const request: HeaderList = [
  [':method', 'GET'],
  [':path', '/'],
  [':version', 'HTTP/1.1'],
  [':host', 'example.com'],
  [':scheme', 'https'],
];

function drain(decoder: HeaderFrameDecoder): Array<DecodedFrame | SpdyProtocolError> {
  const out: Array<DecodedFrame | SpdyProtocolError> = [];
  for (let item = decoder.next(); item !== undefined; item = decoder.next()) out.push(item);
  return out;
}

const concat = (parts: Uint8Array[]) => new Uint8Array(Buffer.concat(parts));

describe('HeaderFrameEncoder', () => {
  it('writes the frame codec format with a compressed block', () => {
    const bytes = new HeaderFrameEncoder({ version: 3, level: 0 }).encode({ type: 'SYN_REPLY', flags: 1, streamId: 3, headers: [[':status', '200']] });
    const block = new HeaderDeflater(3, { level: 0 }).deflate([[':status', '200']]);
    expect(bytes).toEqual(encodeFrame({ type: 'SYN_REPLY', flags: 1, streamId: 3, headerBlock: block }, 3));
    expect(new HeaderInflater(3).inflate(bytes.subarray(12))).toEqual([[':status', '200']]);
  });

  it('encodes frames without headers unchanged', () => {
    const ping = { type: 'PING', flags: 0, id: 7 } as const;
    expect(new HeaderFrameEncoder({ version: 2 }).encode(ping)).toEqual(encodeFrame(ping, 2));
  });

  it('refuses a bad frame before compressing its headers, so the stream stays in sync', () => {
    const encoder = new HeaderFrameEncoder({ version: 3 });
    const decoder = new HeaderFrameDecoder({ version: 3 });
    decoder.push(encoder.encode({ type: 'HEADERS', flags: 0, streamId: 1, headers: request }));
    expect(() => encoder.encode({ type: 'SYN_STREAM', flags: 0, streamId: 0, associatedStreamId: 0, priority: 0, slot: 0, headers: request })).toThrow(
      RangeError,
    );
    expect(() => encoder.encode({ type: 'SYN_STREAM', flags: 0, streamId: 3, associatedStreamId: 0, priority: 9, slot: 0, headers: request })).toThrow(
      RangeError,
    );
    expect(() => encoder.encode({ type: 'SYN_REPLY', flags: 0, streamId: 3, headers: [['Bad', 'x']] })).toThrow(TypeError);
    decoder.push(encoder.encode({ type: 'SYN_REPLY', flags: 0, streamId: 3, headers: request }));
    expect(drain(decoder)).toEqual([
      { type: 'HEADERS', flags: 0, streamId: 1, headers: request },
      { type: 'SYN_REPLY', flags: 0, streamId: 3, headers: request },
    ]);
  });
});

describe('HeaderFrameDecoder', () => {
  it('reports a malformed block as a stream error and decodes the frames after it', () => {
    for (const version of [2, 3] as const) {
      const peer = rawCompressor(version);
      const duplicate = encodeNameValueBlock([['a', '1'], ['b', '2']], version);
      duplicate[version === 2 ? 10 : 18] = 'a'.charCodeAt(0); // rename b to a
      const decoder = new HeaderFrameDecoder({ version });
      const firstBlock = peer(encodeNameValueBlock(request, version));
      const peerFirstLength = firstBlock.length;
      decoder.push(
        concat([
          encodeFrame({ type: 'SYN_STREAM', flags: 0, streamId: 1, associatedStreamId: 0, priority: 0, slot: 0, headerBlock: firstBlock }, version),
          encodeFrame({ type: 'SYN_STREAM', flags: 0, streamId: 3, associatedStreamId: 0, priority: 0, slot: 0, headerBlock: peer(duplicate) }, version),
          encodeFrame({ type: 'PING', flags: 0, id: 1 }, version),
          encodeFrame({ type: 'HEADERS', flags: 1, streamId: 1, headerBlock: peer(encodeNameValueBlock(request, version)) }, version),
        ]),
      );
      const items = drain(decoder);
      expect(items).toHaveLength(4);
      const error = items[1] as SpdyProtocolError;
      expect(error).toBeInstanceOf(SpdyProtocolError);
      expect(error.code).toBe(HeaderErrorCode.DUPLICATE_NAME);
      expect(error.scope).toBe('stream');
      expect(error.status).toBe(RstStatus.PROTOCOL_ERROR);
      expect(error.streamId).toBe(3);
      expect(error.frameType).toBe('SYN_STREAM');
      // The faulty frame starts right after the first one.
      expect(error.offset).toBe(8 + 10 + peerFirstLength);
      expect(items[2]).toEqual({ type: 'PING', flags: 0, id: 1 });
      expect(items[3]).toEqual({ type: 'HEADERS', flags: 1, streamId: 1, headers: request });
      expect(decoder.failed).toBeUndefined();
    }
  });

  it('reports corrupt compressed data once as a session error, then stops', () => {
    const good = new HeaderDeflater(3).deflate(request);
    const bad = good.slice();
    bad[6] = 0b110; // reserved block type

    const decoder = new HeaderFrameDecoder({ version: 3 });
    decoder.push(
      concat([
        encodeFrame({ type: 'SYN_REPLY', flags: 0, streamId: 1, headerBlock: bad }, 3),
        encodeFrame({ type: 'PING', flags: 0, id: 2 }, 3),
      ]),
    );
    const items = drain(decoder);
    expect(items).toHaveLength(1);
    const error = items[0] as SpdyProtocolError;
    expect(error.code).toBe(HeaderErrorCode.ZLIB);
    expect(error.scope).toBe('session');
    expect(error.status).toBe(GoawayStatus.PROTOCOL_ERROR);
    expect(error.offset).toBe(0);
    expect(error.frameType).toBe('SYN_REPLY');
    expect(decoder.failed).toBe(error);
    decoder.push(encodeFrame({ type: 'PING', flags: 0, id: 3 }, 3));
    expect(decoder.next()).toBeUndefined();
    expect(decoder.finish()).toBeUndefined();
  });

  it("passes the frame decoder's errors and limits through", () => {
    const decoder = new HeaderFrameDecoder({ version: 3, maxControlFrameSize: 8192 });
    decoder.push(encodeFrame({ type: 'SYN_REPLY', flags: 0, streamId: 1, headerBlock: new Uint8Array(9000) }, 3));
    const error = decoder.next() as SpdyProtocolError;
    expect(error.code).toBe(FrameErrorCode.FRAME_TOO_LARGE);
    expect(decoder.failed).toBe(error);
    expect(decoder.next()).toBeUndefined();
  });

  it('applies maxHeaderListSize to the blocks it inflates', () => {
    const encoder = new HeaderFrameEncoder({ version: 3 });
    const decoder = new HeaderFrameDecoder({ version: 3.1, maxHeaderListSize: 100 });
    expect(decoder.version).toBe(3);
    decoder.push(encoder.encode({ type: 'HEADERS', flags: 0, streamId: 1, headers: [['x', 'y'.repeat(200)]] }));
    decoder.push(encoder.encode({ type: 'HEADERS', flags: 0, streamId: 1, headers: [['x', 'y']] }));
    const [tooLarge, next] = drain(decoder);
    expect((tooLarge as SpdyProtocolError).code).toBe(HeaderErrorCode.TOO_LARGE);
    expect((tooLarge as SpdyProtocolError).status).toBe(RstStatus.FRAME_TOO_LARGE);
    expect(next).toEqual({ type: 'HEADERS', flags: 0, streamId: 1, headers: [['x', 'y']] });
  });

  it('decode() yields what one chunk completes; finish() reports a truncated frame', () => {
    const encoder = new HeaderFrameEncoder({ version: 2 });
    const bytes = encoder.encode({ type: 'SYN_REPLY', flags: 0, streamId: 1, headers: request });
    const decoder = new HeaderFrameDecoder({ version: 2 });
    expect([...decoder.decode(bytes.subarray(0, 10))]).toEqual([]);
    expect([...decoder.decode(bytes.subarray(10))]).toEqual([{ type: 'SYN_REPLY', flags: 0, streamId: 1, headers: request }]);
    decoder.push(bytes.subarray(0, 5));
    expect(decoder.finish()?.code).toBe(FrameErrorCode.TRUNCATED);
  });
});

/** Bad input: each fault gives the right error, at the right offset, without crash or allocation of the claimed size. */
import { describe, expect, it } from 'vitest';
import { FrameDecoder, FrameErrorCode, GoawayStatus, RstStatus, SpdyProtocolError, decodeFrames, encodeFrame } from '@spdy/frames';
import type { DecodedItem, WireVersion } from '@spdy/frames';
import { concat, fromHex } from './helpers.js';

/** A valid 12-byte PING put before faulty frames so offsets are not trivially 0. */
const ping = (version: WireVersion) => encodeFrame({ type: 'PING', flags: 0, id: 1 }, version);

function asError(item: DecodedItem | undefined): SpdyProtocolError {
  expect(item).toBeInstanceOf(SpdyProtocolError);
  return item as SpdyProtocolError;
}

/** Decodes `hex` after a PING and returns the single error, checking what precedes it. */
function errorAfterPing(hex: string, version: WireVersion): SpdyProtocolError {
  const result = decodeFrames(concat(ping(version), fromHex(hex)), { version });
  expect(result.frames).toEqual([{ type: 'PING', flags: 0, id: 1 }]);
  expect(result.offset).toBe(12);
  return asError(result.error);
}

describe('truncated input', () => {
  const frames = [
    encodeFrame({ type: 'SYN_STREAM', flags: 0, streamId: 1, associatedStreamId: 0, priority: 0, slot: 0, headerBlock: new Uint8Array(5) }, 3),
    encodeFrame({ type: 'DATA', streamId: 1, flags: 0, data: new Uint8Array(20) }, 3),
    encodeFrame({ type: 'SETTINGS', flags: 0, entries: [{ id: 7, flags: 0, value: 1 }] }, 3),
  ];
  const bytes = concat(...frames);

  it('waits: every proper prefix gives the whole frames before the cut and no error', () => {
    let boundary = 0;
    const boundaries = frames.map((f) => (boundary += f.length));
    for (let cut = 0; cut < bytes.length; cut++) {
      const result = decodeFrames(bytes.subarray(0, cut), { version: 3 });
      const whole = boundaries.filter((b) => b <= cut).length;
      expect(result.error).toBeUndefined();
      expect(result.frames).toHaveLength(whole);
      expect(result.offset).toBe(whole === 0 ? 0 : boundaries[whole - 1]);
    }
  });

  it('finish() reports ERR_SPDY_TRUNCATED at the start of the incomplete frame', () => {
    const decoder = new FrameDecoder({ version: 3 });
    decoder.push(bytes.subarray(0, frames[0]!.length + 10));
    expect(decoder.next()).toMatchObject({ type: 'SYN_STREAM' });
    expect(decoder.next()).toBeUndefined();
    const error = asError(decoder.finish());
    expect(error).toMatchObject({ code: FrameErrorCode.TRUNCATED, scope: 'session', status: GoawayStatus.PROTOCOL_ERROR, offset: frames[0]!.length, frameType: 'DATA' });
    expect(decoder.failed).toBe(error);
  });

  it('finish() is quiet on a frame boundary', () => {
    const decoder = new FrameDecoder({ version: 3 });
    expect([...decoder.decode(bytes)]).toHaveLength(3);
    expect(decoder.finish()).toBeUndefined();
    expect(decoder.failed).toBeUndefined();
  });
});

describe('wrong fixed lengths are session errors PROTOCOL_ERROR, found from the header alone', () => {
  const cases: Array<[string, WireVersion, number, number[]]> = [
    ['SYN_STREAM', 3, 1, [0, 9]],
    ['SYN_STREAM', 2, 1, [9]],
    ['SYN_REPLY', 3, 2, [0, 3]],
    ['SYN_REPLY', 2, 2, [4, 5]],
    ['RST_STREAM', 3, 3, [0, 4, 7, 9, 16]],
    ['RST_STREAM', 2, 3, [7]],
    ['SETTINGS', 3, 4, [0, 3, 5, 11, 13]],
    ['SETTINGS', 2, 4, [3, 21]],
    ['NOOP', 2, 5, [1, 4]],
    ['PING', 3, 6, [0, 3, 5, 8]],
    ['PING', 2, 6, [8]],
    ['GOAWAY', 3, 7, [0, 4, 12]],
    ['GOAWAY', 2, 7, [0, 5, 12]],
    ['HEADERS', 3, 8, [3]],
    ['HEADERS', 2, 8, [4, 5]],
    ['WINDOW_UPDATE', 3, 9, [0, 4, 12]],
    ['WINDOW_UPDATE', 2, 9, [4]],
    ['CREDENTIAL', 3, 10, [0, 5]],
  ];
  for (const [name, version, type, lengths] of cases) {
    for (const length of lengths) {
      it(`${name} of ${length} bytes in SPDY/${version}`, () => {
        // Only the 8-byte header is given: the length is judged before any payload arrives.
        const header = `80 0${version} 00${type.toString(16).padStart(2, '0')} 00 0000${length.toString(16).padStart(2, '0')}`;
        const error = errorAfterPing(header, version);
        expect(error).toMatchObject({
          code: FrameErrorCode.BAD_LENGTH,
          scope: 'session',
          status: GoawayStatus.PROTOCOL_ERROR,
          offset: 12,
          frameType: name,
          payloadLength: length,
        });
        expect(error.message).toContain(name);
      });
    }
  }
});

describe('stream id 0 where a stream is required is a session error PROTOCOL_ERROR', () => {
  const cases: Array<[string, WireVersion, string]> = [
    ['SYN_STREAM', 3, '8003 0001 00 00000a 00000000 00000000 0000'],
    ['SYN_STREAM', 2, '8002 0001 00 00000a 80000000 00000000 0000'],
    ['SYN_REPLY', 3, '8003 0002 00 000004 00000000'],
    ['SYN_REPLY', 2, '8002 0002 00 000006 00000000 0000'],
    ['RST_STREAM', 3, '8003 0003 00 000008 00000000 00000001'],
    ['HEADERS', 3, '8003 0008 00 000004 00000000'],
    ['HEADERS', 2, '8002 0008 00 000006 00000000 0000'],
    ['DATA', 3, '00000000 00 000002 abcd'],
    ['DATA', 2, '00000000 01 000000'],
  ];
  for (const [name, version, hex] of cases) {
    it(`${name} in SPDY/${version}`, () => {
      expect(errorAfterPing(hex, version)).toMatchObject({
        code: FrameErrorCode.ZERO_STREAM_ID,
        scope: 'session',
        status: GoawayStatus.PROTOCOL_ERROR,
        offset: 12,
        frameType: name,
      });
    });
  }
});

describe('WINDOW_UPDATE with a delta of 0', () => {
  it('is a stream error PROTOCOL_ERROR on a stream, and decoding goes on', () => {
    const bytes = concat(fromHex('8003 0009 00 000008 00000005 80000000'), ping(3));
    const decoder = new FrameDecoder({ version: 3 });
    const items = [...decoder.decode(bytes)];
    expect(items).toHaveLength(2);
    expect(asError(items[0])).toMatchObject({
      code: FrameErrorCode.ZERO_WINDOW_DELTA,
      scope: 'stream',
      status: RstStatus.PROTOCOL_ERROR,
      streamId: 5,
      offset: 0,
      frameType: 'WINDOW_UPDATE',
    });
    expect(items[1]).toEqual({ type: 'PING', flags: 0, id: 1 });
    expect(decoder.failed).toBeUndefined();
  });

  it('is a session error PROTOCOL_ERROR on the session window (stream 0)', () => {
    expect(errorAfterPing('8003 0009 00 000008 00000000 00000000', 3)).toMatchObject({
      code: FrameErrorCode.ZERO_WINDOW_DELTA,
      scope: 'session',
      status: GoawayStatus.PROTOCOL_ERROR,
      streamId: 0,
      offset: 12,
    });
  });
});

describe('RST_STREAM with the invalid status 0', () => {
  it('is passed on as received: the stream ends anyway and a RST_STREAM must not answer a RST_STREAM', () => {
    expect(decodeFrames(fromHex('8003 0003 00 000008 00000001 00000000'), { version: 3 }).frames).toEqual([
      { type: 'RST_STREAM', flags: 0, streamId: 1, status: 0 },
    ]);
  });
});

describe('SETTINGS count against length', () => {
  it('rejects an absurd count (0xFFFFFFFF) from the first 4 payload bytes, allocating nothing', () => {
    // The length claims 1000 entries; only the count has arrived.
    const length = 4 + 8 * 1000;
    const decoder = new FrameDecoder({ version: 3 });
    decoder.push(fromHex(`8003 0004 00 00${length.toString(16).padStart(4, '0')}`));
    expect(decoder.next()).toBeUndefined();
    decoder.push(fromHex('ffff'));
    expect(decoder.next()).toBeUndefined();
    decoder.push(fromHex('ffff'));
    const error = asError(decoder.next());
    expect(error).toMatchObject({ code: FrameErrorCode.BAD_SETTINGS_COUNT, scope: 'session', status: GoawayStatus.PROTOCOL_ERROR, offset: 0 });
    expect(decoder.buffered).toBe(0);
  });

  it('rejects a count smaller than the entries present', () => {
    expect(errorAfterPing('8002 0004 00 000014 00000001 01000000 00000001 02000000 00000002', 2)).toMatchObject({
      code: FrameErrorCode.BAD_SETTINGS_COUNT,
      offset: 12,
      frameType: 'SETTINGS',
    });
  });
});

describe('frame size limits', () => {
  it('refuses a control frame over the limit from its header, holding no more than a few bytes', () => {
    const decoder = new FrameDecoder({ version: 3 });
    decoder.push(fromHex('8003 0004 00 ffffff'));
    const error = asError(decoder.next());
    expect(error).toMatchObject({
      code: FrameErrorCode.FRAME_TOO_LARGE,
      scope: 'session',
      status: GoawayStatus.PROTOCOL_ERROR,
      offset: 0,
      frameType: 'SETTINGS',
      payloadLength: 0xffffff,
      streamId: undefined,
    });
    // Whatever follows is dropped, not held.
    for (let i = 0; i < 1000; i++) decoder.push(new Uint8Array(1024));
    expect(decoder.buffered).toBe(0);
    expect(decoder.next()).toBeUndefined();
  });

  it('reports the stream of an oversized header frame once its stream id is readable', () => {
    const decoder = new FrameDecoder({ version: 2, maxControlFrameSize: 8192 });
    decoder.push(fromHex('8002 0001 00 002001 0000'));
    expect(decoder.next()).toBeUndefined();
    expect(decoder.buffered).toBe(10);
    decoder.push(fromHex('0007'));
    expect(asError(decoder.next())).toMatchObject({ code: FrameErrorCode.FRAME_TOO_LARGE, scope: 'session', streamId: 7, frameType: 'SYN_STREAM' });
  });

  it('applies the limit to control frames of another version too, naming them UNKNOWN', () => {
    // A SPDY/2 SYN_STREAM reaching a SPDY/3 decoder is not parsed, so no stream id is read.
    expect(errorAfterPing('8002 0001 00 010001', 3)).toMatchObject({
      code: FrameErrorCode.FRAME_TOO_LARGE,
      scope: 'session',
      frameType: 'UNKNOWN',
      streamId: undefined,
      payloadLength: 0x10001,
    });
  });

  it('accepts a control frame of exactly the limit', () => {
    const frame = { type: 'HEADERS' as const, flags: 0, streamId: 1, headerBlock: new Uint8Array(8192 - 4) };
    expect(decodeFrames(encodeFrame(frame, 3), { version: 3, maxControlFrameSize: 8192 }).frames).toEqual([frame]);
  });

  it('skips an oversized DATA frame without buffering it, then decodes the next frame', () => {
    const decoder = new FrameDecoder({ version: 3, maxDataFrameSize: 16 });
    const items: DecodedItem[] = [];
    decoder.push(concat(ping(3), fromHex('00000009 01 0f4240')));
    items.push(...drain(decoder));
    // One million claimed payload bytes arrive in 1000-byte chunks; none is kept.
    for (let i = 0; i < 1000; i++) {
      decoder.push(new Uint8Array(1000));
      items.push(...drain(decoder));
      expect(decoder.buffered).toBe(0);
    }
    decoder.push(ping(3));
    items.push(...drain(decoder));
    expect(items).toHaveLength(3);
    expect(items[0]).toEqual({ type: 'PING', flags: 0, id: 1 });
    expect(asError(items[1])).toMatchObject({
      code: FrameErrorCode.FRAME_TOO_LARGE,
      scope: 'stream',
      status: RstStatus.FRAME_TOO_LARGE,
      streamId: 9,
      offset: 12,
      frameType: 'DATA',
      payloadLength: 1_000_000,
    });
    expect(items[2]).toEqual({ type: 'PING', flags: 0, id: 1 });
    expect(decoder.offset).toBe(12 + 8 + 1_000_000 + 12);
  });

  it('resets an oversized SPDY/2 DATA stream with INTERNAL_ERROR, as draft 2 has no FRAME_TOO_LARGE', () => {
    const decoder = new FrameDecoder({ version: 2, maxDataFrameSize: 1 });
    const items = [...decoder.decode(concat(fromHex('00000003 00 000002 abcd'), ping(2)))];
    expect(asError(items[0])).toMatchObject({ code: FrameErrorCode.FRAME_TOO_LARGE, scope: 'stream', status: RstStatus.INTERNAL_ERROR, streamId: 3 });
    expect(items[1]).toEqual({ type: 'PING', flags: 0, id: 1 });
  });

  it('reports truncation inside a skipped DATA payload', () => {
    const decoder = new FrameDecoder({ version: 3, maxDataFrameSize: 0 });
    expect(asError([...decoder.decode(fromHex('00000001 00 000004 ab'))][0]).scope).toBe('stream');
    expect(asError(decoder.finish())).toMatchObject({ code: FrameErrorCode.TRUNCATED, frameType: 'DATA', offset: 0 });
  });

  it('checks the limits given to the constructor', () => {
    expect(() => new FrameDecoder({ version: 3, maxControlFrameSize: 8191 })).toThrow(RangeError);
    expect(() => new FrameDecoder({ version: 3, maxControlFrameSize: 0x1000000 })).toThrow(RangeError);
    expect(() => new FrameDecoder({ version: 3, maxDataFrameSize: -1 })).toThrow(RangeError);
    expect(() => new FrameDecoder({ version: 4 as WireVersion })).toThrow(RangeError);
  });
});

describe('invalid CREDENTIAL frames are session errors (draft 3 §2.6.9)', () => {
  const cases: Array<[string, string]> = [
    ['a proof longer than the frame', '8003 000a 00 000008 0001 00000003 aabb'],
    ['a certificate longer than the frame', '8003 000a 00 00000c 0001 00000000 00000003 aabb'],
    ['a certificate length cut short', '8003 000a 00 000009 0001 00000000 000000'],
  ];
  for (const [name, hex] of cases) {
    it(name, () => {
      expect(errorAfterPing(hex, 3)).toMatchObject({ code: FrameErrorCode.BAD_CREDENTIAL, scope: 'session', offset: 12, frameType: 'CREDENTIAL' });
    });
  }
});

describe('after a session error', () => {
  it('returns the error once, then undefined, keeps it in `failed`, and ignores further input', () => {
    const decoder = new FrameDecoder({ version: 3 });
    decoder.push(concat(fromHex('8003 0006 00 000005 0000000000'), ping(3)));
    const error = asError(decoder.next());
    expect(decoder.next()).toBeUndefined();
    expect(decoder.failed).toBe(error);
    expect(decoder.offset).toBe(0);
    expect(decoder.buffered).toBe(0);
    decoder.push(ping(3));
    expect(decoder.buffered).toBe(0);
    expect([...decoder.decode(ping(3))]).toEqual([]);
    expect(decoder.finish()).toBeUndefined();
  });
});

function drain(decoder: FrameDecoder): DecodedItem[] {
  const out: DecodedItem[] = [];
  for (let item = decoder.next(); item !== undefined; item = decoder.next()) out.push(item);
  return out;
}

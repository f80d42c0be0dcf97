/** The encoder's checks of what the caller gives, and its buffer helpers. */
import { describe, expect, it } from 'vitest';
import { MAX_FRAME_LENGTH, allocateBytes, dataFrameHeader, encodeDataFrame, encodeFrame, encodedFrameLength, writeFrameInto } from '@spdy/frames';
import type { Frame, WireVersion } from '@spdy/frames';
import { toHex } from './helpers.js';

const block = new Uint8Array([1, 2]);
const syn = (fields: Partial<Extract<Frame, { type: 'SYN_STREAM' }>>): Frame => ({
  type: 'SYN_STREAM',
  flags: 0,
  streamId: 1,
  associatedStreamId: 0,
  priority: 0,
  slot: 0,
  headerBlock: block,
  ...fields,
});

describe('encoder validation (programmer errors throw)', () => {
  const rangeErrors: Array<[string, Frame, WireVersion]> = [
    ['stream id 0 on SYN_STREAM', syn({ streamId: 0 }), 3],
    ['stream id 2^31', syn({ streamId: 0x80000000 }), 3],
    ['negative stream id', syn({ streamId: -1 }), 3],
    ['fractional stream id', syn({ streamId: 1.5 }), 3],
    ['associated stream id 2^31', syn({ associatedStreamId: 0x80000000 }), 3],
    ['priority 4 in SPDY/2', syn({ priority: 4 }), 2],
    ['priority 8 in SPDY/3', syn({ priority: 8 }), 3],
    ['a slot in SPDY/2', syn({ slot: 1 }), 2],
    ['slot 256', syn({ slot: 256 }), 3],
    ['flags 256', syn({ flags: 256 }), 3],
    ['stream id 0 on SYN_REPLY', { type: 'SYN_REPLY', flags: 0, streamId: 0, headerBlock: block }, 2],
    ['stream id 0 on HEADERS', { type: 'HEADERS', flags: 0, streamId: 0, headerBlock: block }, 3],
    ['stream id 0 on RST_STREAM', { type: 'RST_STREAM', flags: 0, streamId: 0, status: 1 }, 3],
    ['RST_STREAM status 0', { type: 'RST_STREAM', flags: 0, streamId: 1, status: 0 }, 3],
    ['RST_STREAM status 2^32', { type: 'RST_STREAM', flags: 0, streamId: 1, status: 2 ** 32 }, 3],
    ['stream id 0 on DATA', { type: 'DATA', flags: 0, streamId: 0, data: block }, 3],
    ['WINDOW_UPDATE delta 0', { type: 'WINDOW_UPDATE', flags: 0, streamId: 1, deltaWindowSize: 0 }, 3],
    ['WINDOW_UPDATE delta 2^31', { type: 'WINDOW_UPDATE', flags: 0, streamId: 1, deltaWindowSize: 2 ** 31 }, 3],
    ['PING id 2^32', { type: 'PING', flags: 0, id: 2 ** 32 }, 3],
    ['GOAWAY status 2^32', { type: 'GOAWAY', flags: 0, lastGoodStreamId: 0, status: 2 ** 32 }, 3],
    ['GOAWAY last stream 2^31', { type: 'GOAWAY', flags: 0, lastGoodStreamId: 2 ** 31, status: 0 }, 2],
    ['SETTINGS id 2^24', { type: 'SETTINGS', flags: 0, entries: [{ id: 2 ** 24, flags: 0, value: 0 }] }, 3],
    ['SETTINGS entry flags 256', { type: 'SETTINGS', flags: 0, entries: [{ id: 1, flags: 256, value: 0 }] }, 2],
    ['SETTINGS value 2^32', { type: 'SETTINGS', flags: 0, entries: [{ id: 1, flags: 0, value: 2 ** 32 }] }, 3],
    ['CREDENTIAL slot 2^16', { type: 'CREDENTIAL', flags: 0, slot: 0x10000, proof: block, certificates: [] }, 3],
    ['UNKNOWN version 2^15', { type: 'UNKNOWN', version: 0x8000, frameType: 1, flags: 0, payload: block }, 3],
    ['UNKNOWN type 2^16', { type: 'UNKNOWN', version: 3, frameType: 0x10000, flags: 0, payload: block }, 3],
    ['a payload over 2^24 - 1 bytes', { type: 'HEADERS', flags: 0, streamId: 1, headerBlock: new Uint8Array(MAX_FRAME_LENGTH - 3) }, 3],
    ['a wire version of 4', { type: 'PING', flags: 0, id: 1 }, 4 as WireVersion],
  ];
  for (const [name, frame, version] of rangeErrors) {
    it(`RangeError: ${name}`, () => {
      expect(() => encodeFrame(frame, version)).toThrow(RangeError);
    });
  }

  const typeErrors: Array<[string, Frame, WireVersion]> = [
    ['NOOP in SPDY/3', { type: 'NOOP', flags: 0 }, 3],
    ['CREDENTIAL in SPDY/2', { type: 'CREDENTIAL', flags: 0, slot: 1, proof: block, certificates: [] }, 2],
    ['a header block that is not a Uint8Array', syn({ headerBlock: [1, 2] as unknown as Uint8Array }), 3],
    ['a string stream id', syn({ streamId: '1' as unknown as number }), 3],
    ['an unknown frame type', { type: 'PRIORITY' } as unknown as Frame, 3],
  ];
  for (const [name, frame, version] of typeErrors) {
    it(`TypeError: ${name}`, () => {
      expect(() => encodeFrame(frame, version)).toThrow(TypeError);
    });
  }

  it('says what is wrong', () => {
    expect(() => encodeFrame(syn({ priority: 4 }), 2)).toThrow('SYN_STREAM priority must be an integer from 0 to 3, got 4');
  });

  it('accepts a payload of exactly 2^24 - 1 bytes', () => {
    const frame: Frame = { type: 'HEADERS', flags: 0, streamId: 1, headerBlock: new Uint8Array(MAX_FRAME_LENGTH - 4) };
    expect(encodedFrameLength(frame, 3)).toBe(8 + MAX_FRAME_LENGTH);
    expect(toHex(encodeFrame(frame, 3).subarray(0, 8))).toBe('80030008' + '00ffffff');
  });
});

describe('values of 2^31 and above stay unsigned', () => {
  it('PING id 0x80000000 and SETTINGS value 0xFFFFFFFF', () => {
    expect(toHex(encodeFrame({ type: 'PING', flags: 0, id: 0x80000000 }, 3))).toBe('800300060000000480000000');
    expect(toHex(encodeFrame({ type: 'SETTINGS', flags: 0, entries: [{ id: 1, flags: 0, value: 0xffffffff }] }, 3))).toBe(
      '80030004' + '0000000c' + '00000001' + '00000001' + 'ffffffff',
    );
  });
});

describe('DATA helpers', () => {
  it('dataFrameHeader writes the 8-byte DATA header', () => {
    expect(toHex(dataFrameHeader(0x7fffffff, 1, 0xffffff))).toBe('7fffffff01ffffff');
  });

  it('dataFrameHeader checks its arguments', () => {
    expect(() => dataFrameHeader(0, 0, 1)).toThrow(RangeError);
    expect(() => dataFrameHeader(1, 0, 0x1000000)).toThrow(RangeError);
    expect(() => dataFrameHeader(1, 0x100, 1)).toThrow(RangeError);
  });

  it('encodeDataFrame writes header and payload into one buffer', () => {
    const out = encodeDataFrame(3, 1, new Uint8Array([0xaa, 0xbb]));
    expect(toHex(out)).toBe('00000003' + '01000002' + 'aabb');
    expect(out.length).toBe(10);
  });
});

describe('allocateBytes', () => {
  it('gives zero-filled views outside the JS heap that never overlap', () => {
    // V8 keeps typed arrays of up to 64 bytes made by `new Uint8Array(n)` on its heap; those from allocateBytes are views of a shared ArrayBuffer.
    const views = Array.from({ length: 600 }, (_, i) => allocateBytes(1 + (i % 256)));
    for (const [i, view] of views.entries()) {
      expect(view.length).toBe(1 + (i % 256));
      expect(view.every((b) => b === 0)).toBe(true);
      expect(view.buffer.byteLength).toBeGreaterThan(view.length);
      view.fill(i % 251);
    }
    // Writing each view left every other one intact.
    for (const [i, view] of views.entries()) expect(view.every((b) => b === i % 251)).toBe(true);
  });

  it('gives large sizes a buffer of their own', () => {
    const big = allocateBytes(4096);
    expect(big.byteOffset).toBe(0);
    expect(big.buffer.byteLength).toBe(4096);
  });

  it('is what small encoded frames are made of', () => {
    const frame = encodeFrame({ type: 'WINDOW_UPDATE', flags: 0, streamId: 1, deltaWindowSize: 1 }, 3);
    expect(frame.length).toBe(16);
    expect(frame.buffer.byteLength).toBeGreaterThan(16);
  });
});

describe('writeFrameInto', () => {
  it('writes at an offset and returns the bytes written', () => {
    const target = new Uint8Array(16).fill(0xee);
    expect(writeFrameInto({ type: 'PING', flags: 0, id: 2 }, 2, target, 3)).toBe(12);
    expect(toHex(target)).toBe('eeeeee' + '800200060000000400000002' + 'ee');
  });

  it('refuses a target without room, writing nothing', () => {
    const target = new Uint8Array(11);
    expect(() => writeFrameInto({ type: 'PING', flags: 0, id: 2 }, 3, target, 0)).toThrow(RangeError);
    expect(() => writeFrameInto({ type: 'PING', flags: 0, id: 2 }, 3, new Uint8Array(20), 9)).toThrow(RangeError);
    expect(target.every((b) => b === 0)).toBe(true);
  });
});

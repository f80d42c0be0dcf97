/**
 * Byte-exact vectors for every frame type of both wire versions. The hex is
 * written by hand from the layouts of draft 2 and draft 3, field by field (one
 * group per field), never produced by our encoder.
 */
import { describe, expect, it } from 'vitest';
import { decodeFrames, encodeFrame } from '@spdy/frames';
import type { Frame, WireVersion } from '@spdy/frames';
import { fromHex, toHex } from './helpers.js';

const u8 = (...bytes: number[]) => new Uint8Array(bytes);

interface Vector {
  name: string;
  version: WireVersion;
  hex: string;
  frame: Frame;
}

const vectors: Vector[] = [
  // DATA: C=0 + 31-bit stream id | flags | 24-bit length | payload
  { name: 'DATA with FIN', version: 3, hex: '00000001 01 000003 616263', frame: { type: 'DATA', streamId: 1, flags: 1, data: u8(0x61, 0x62, 0x63) } },
  { name: 'empty DATA on stream 2^31-1', version: 2, hex: '7fffffff 00 000000', frame: { type: 'DATA', streamId: 0x7fffffff, flags: 0, data: u8() } },
  { name: 'DATA with the v2 COMPRESS flag', version: 2, hex: '00000003 02 000001 ff', frame: { type: 'DATA', streamId: 3, flags: 2, data: u8(0xff) } },

  // SYN_STREAM v3: 1|version|type | flags | length | X|stream | X|assoc | pri(3) unused(5) | slot | block
  {
    name: 'SYN_STREAM v3',
    version: 3,
    hex: '8003 0001 03 00000d 00000001 00000000 60 05 aabbcc',
    frame: { type: 'SYN_STREAM', flags: 3, streamId: 1, associatedStreamId: 0, priority: 3, slot: 5, headerBlock: u8(0xaa, 0xbb, 0xcc) },
  },
  {
    name: 'SYN_STREAM v3 lowest priority, largest ids',
    version: 3,
    hex: '8003 0001 00 00000a 7fffffff 7fffffff e0 ff',
    frame: { type: 'SYN_STREAM', flags: 0, streamId: 0x7fffffff, associatedStreamId: 0x7fffffff, priority: 7, slot: 255, headerBlock: u8() },
  },
  // SYN_STREAM v2: pri(2) unused(14), no slot
  {
    name: 'SYN_STREAM v2',
    version: 2,
    hex: '8002 0001 01 00000d 00000003 7fffffff 80 00 aabbcc',
    frame: { type: 'SYN_STREAM', flags: 1, streamId: 3, associatedStreamId: 0x7fffffff, priority: 2, slot: 0, headerBlock: u8(0xaa, 0xbb, 0xcc) },
  },
  {
    name: 'SYN_STREAM v2 lowest priority',
    version: 2,
    hex: '8002 0001 02 00000a 00000002 00000001 c0 00',
    frame: { type: 'SYN_STREAM', flags: 2, streamId: 2, associatedStreamId: 1, priority: 3, slot: 0, headerBlock: u8() },
  },

  // SYN_REPLY v3: X|stream | block; v2 adds 16 unused bits after the stream id
  { name: 'SYN_REPLY v3', version: 3, hex: '8003 0002 01 000006 00000002 0102', frame: { type: 'SYN_REPLY', flags: 1, streamId: 2, headerBlock: u8(1, 2) } },
  { name: 'SYN_REPLY v2', version: 2, hex: '8002 0002 01 000008 00000002 0000 0102', frame: { type: 'SYN_REPLY', flags: 1, streamId: 2, headerBlock: u8(1, 2) } },

  // RST_STREAM: X|stream | status
  { name: 'RST_STREAM v3 CANCEL', version: 3, hex: '8003 0003 00 000008 00000005 00000005', frame: { type: 'RST_STREAM', flags: 0, streamId: 5, status: 5 } },
  { name: 'RST_STREAM v3 FRAME_TOO_LARGE', version: 3, hex: '8003 0003 00 000008 7fffffff 0000000b', frame: { type: 'RST_STREAM', flags: 0, streamId: 0x7fffffff, status: 11 } },
  { name: 'RST_STREAM v2 PROTOCOL_ERROR', version: 2, hex: '8002 0003 00 000008 00000001 00000001', frame: { type: 'RST_STREAM', flags: 0, streamId: 1, status: 1 } },

  // SETTINGS v3: count | (flags(8) id(24, big-endian) | value) ...
  {
    name: 'SETTINGS v3',
    version: 3,
    hex: '8003 0004 01 00001c 00000003 01000004 00000064 00000007 00010000 02123456 ffffffff',
    frame: {
      type: 'SETTINGS',
      flags: 1,
      entries: [
        { id: 4, flags: 1, value: 100 },
        { id: 7, flags: 0, value: 65536 },
        { id: 0x123456, flags: 2, value: 0xffffffff },
      ],
    },
  },
  // SETTINGS v2: count | (id(24, LITTLE-endian) flags(8) | value) ...
  {
    name: 'SETTINGS v2 with little-endian ids',
    version: 2,
    hex: '8002 0004 01 00001c 00000003 04000001 00000064 07000000 00010000 56341202 ffffffff',
    frame: {
      type: 'SETTINGS',
      flags: 1,
      entries: [
        { id: 4, flags: 1, value: 100 },
        { id: 7, flags: 0, value: 65536 },
        { id: 0x123456, flags: 2, value: 0xffffffff },
      ],
    },
  },
  { name: 'empty SETTINGS', version: 3, hex: '8003 0004 00 000004 00000000', frame: { type: 'SETTINGS', flags: 0, entries: [] } },

  // NOOP (v2 only): header only
  { name: 'NOOP v2', version: 2, hex: '8002 0005 00 000000', frame: { type: 'NOOP', flags: 0 } },

  // PING: 32-bit id
  { name: 'PING v3 id 2^32-1', version: 3, hex: '8003 0006 00 000004 ffffffff', frame: { type: 'PING', flags: 0, id: 0xffffffff } },
  { name: 'PING v2', version: 2, hex: '8002 0006 00 000004 00000001', frame: { type: 'PING', flags: 0, id: 1 } },

  // GOAWAY v3: X|last-good | status; v2: X|last-good only (4 bytes)
  { name: 'GOAWAY v3', version: 3, hex: '8003 0007 00 000008 7fffffff 00000001', frame: { type: 'GOAWAY', flags: 0, lastGoodStreamId: 0x7fffffff, status: 1 } },
  { name: 'GOAWAY v2 (4 bytes)', version: 2, hex: '8002 0007 00 000004 00000007', frame: { type: 'GOAWAY', flags: 0, lastGoodStreamId: 7, status: 0 } },

  // HEADERS: like SYN_REPLY
  { name: 'HEADERS v3', version: 3, hex: '8003 0008 00 000005 00000003 ff', frame: { type: 'HEADERS', flags: 0, streamId: 3, headerBlock: u8(0xff) } },
  { name: 'HEADERS v2', version: 2, hex: '8002 0008 01 000007 00000003 0000 ff', frame: { type: 'HEADERS', flags: 1, streamId: 3, headerBlock: u8(0xff) } },

  // WINDOW_UPDATE: X|stream | X|delta
  {
    name: 'WINDOW_UPDATE v3 largest delta',
    version: 3,
    hex: '8003 0009 00 000008 00000001 7fffffff',
    frame: { type: 'WINDOW_UPDATE', flags: 0, streamId: 1, deltaWindowSize: 0x7fffffff },
  },
  {
    name: 'WINDOW_UPDATE v3 session window (3.1)',
    version: 3,
    hex: '8003 0009 00 000008 00000000 00010000',
    frame: { type: 'WINDOW_UPDATE', flags: 0, streamId: 0, deltaWindowSize: 65536 },
  },
  {
    name: 'WINDOW_UPDATE v2 as real peers send it',
    version: 2,
    hex: '8002 0009 00 000008 00000003 00000001',
    frame: { type: 'WINDOW_UPDATE', flags: 0, streamId: 3, deltaWindowSize: 1 },
  },

  // CREDENTIAL (v3 only): slot(16) | proof length(32) | proof | (cert length(32) | cert) ...
  {
    name: 'CREDENTIAL',
    version: 3,
    hex: '8003 000a 00 000013 0001 00000002 aabb 00000001 cc 00000002 ddee',
    frame: { type: 'CREDENTIAL', flags: 0, slot: 1, proof: u8(0xaa, 0xbb), certificates: [u8(0xcc), u8(0xdd, 0xee)] },
  },
  {
    name: 'CREDENTIAL with no proof and no certificate',
    version: 3,
    hex: '8003 000a 00 000006 ffff 00000000',
    frame: { type: 'CREDENTIAL', flags: 0, slot: 0xffff, proof: u8(), certificates: [] },
  },

  // UNKNOWN: an unmodelled type keeps its version, type, flags and payload
  {
    name: 'UNKNOWN type 0xf000',
    version: 3,
    hex: '8003 f000 55 000004 01020304',
    frame: { type: 'UNKNOWN', version: 3, frameType: 0xf000, flags: 0x55, payload: u8(1, 2, 3, 4) },
  },
];

describe('byte-exact vectors from the spec layouts', () => {
  for (const v of vectors) {
    it(`encodes ${v.name}`, () => {
      expect(toHex(encodeFrame(v.frame, v.version))).toBe(v.hex.replace(/\s+/g, ''));
    });
    it(`decodes ${v.name}`, () => {
      const bytes = fromHex(v.hex);
      expect(decodeFrames(bytes, { version: v.version })).toEqual({ frames: [v.frame], offset: bytes.length });
    });
  }
});

describe('version-specific frame types', () => {
  it('decodes a NOOP in SPDY/3 as an unknown type 5', () => {
    expect(decodeFrames(fromHex('8003 0005 00 000000'), { version: 3 }).frames).toEqual([
      { type: 'UNKNOWN', version: 3, frameType: 5, flags: 0, payload: u8() },
    ]);
  });

  it('decodes a CREDENTIAL in SPDY/2 as an unknown type 10', () => {
    expect(decodeFrames(fromHex('8002 000a 00 000002 0001'), { version: 2 }).frames).toEqual([
      { type: 'UNKNOWN', version: 2, frameType: 10, flags: 0, payload: u8(0, 1) },
    ]);
  });

  it('surfaces a control frame of another version as UNKNOWN, unparsed', () => {
    // A SPDY/2 SYN_STREAM reaching a SPDY/3 decoder (draft 2 §Protocol versioning: the session answers UNSUPPORTED_VERSION).
    const hex = '8002 0001 01 00000a 00000001 00000000 00 00';
    expect(decodeFrames(fromHex(hex), { version: 3 }).frames).toEqual([
      { type: 'UNKNOWN', version: 2, frameType: 1, flags: 1, payload: fromHex('00000001 00000000 0000') },
    ]);
  });

  it('writes an UNKNOWN frame with its own version whatever the encoder version', () => {
    const frame: Frame = { type: 'UNKNOWN', version: 4, frameType: 1, flags: 0, payload: u8(9) };
    expect(toHex(encodeFrame(frame, 2))).toBe('8004000100000001' + '09');
  });

  it('accepts the 8-byte SPDY/2 GOAWAY the `spdy` npm package writes, with its status', () => {
    expect(decodeFrames(fromHex('8002 0007 00 000008 00000003 00000002'), { version: 2 }).frames).toEqual([
      { type: 'GOAWAY', flags: 0, lastGoodStreamId: 3, status: 2 },
    ]);
  });

  it('does not write the status of a SPDY/2 GOAWAY', () => {
    expect(toHex(encodeFrame({ type: 'GOAWAY', flags: 0, lastGoodStreamId: 1, status: 1 }, 2))).toBe('80020007000000040000' + '0001');
  });
});

describe('reserved bits in the input are ignored', () => {
  const cases: Array<{ name: string; version: WireVersion; hex: string; frame: Frame }> = [
    {
      name: 'SYN_STREAM v3 X bits and unused priority bits',
      version: 3,
      hex: '8003 0001 00 00000a 80000001 80000000 7f 00',
      frame: { type: 'SYN_STREAM', flags: 0, streamId: 1, associatedStreamId: 0, priority: 3, slot: 0, headerBlock: u8() },
    },
    {
      name: 'SYN_STREAM v2 unused 14 bits',
      version: 2,
      hex: '8002 0001 00 00000a 80000001 80000002 bf ff',
      frame: { type: 'SYN_STREAM', flags: 0, streamId: 1, associatedStreamId: 2, priority: 2, slot: 0, headerBlock: u8() },
    },
    {
      name: 'SYN_REPLY v2 unused 16 bits',
      version: 2,
      hex: '8002 0002 00 000006 80000001 ffff',
      frame: { type: 'SYN_REPLY', flags: 0, streamId: 1, headerBlock: u8() },
    },
    {
      name: 'HEADERS v2 unused 16 bits',
      version: 2,
      hex: '8002 0008 00 000007 80000009 abcd 01',
      frame: { type: 'HEADERS', flags: 0, streamId: 9, headerBlock: u8(1) },
    },
    {
      name: 'RST_STREAM X bit',
      version: 3,
      hex: '8003 0003 00 000008 80000005 00000001',
      frame: { type: 'RST_STREAM', flags: 0, streamId: 5, status: 1 },
    },
    {
      name: 'GOAWAY X bit',
      version: 3,
      hex: '8003 0007 00 000008 ffffffff 00000000',
      frame: { type: 'GOAWAY', flags: 0, lastGoodStreamId: 0x7fffffff, status: 0 },
    },
    {
      name: 'WINDOW_UPDATE X bits',
      version: 3,
      hex: '8003 0009 00 000008 80000001 80000010',
      frame: { type: 'WINDOW_UPDATE', flags: 0, streamId: 1, deltaWindowSize: 16 },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const bytes = fromHex(c.hex);
      expect(decodeFrames(bytes, { version: c.version })).toEqual({ frames: [c.frame], offset: bytes.length });
    });
  }
});

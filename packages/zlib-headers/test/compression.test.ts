import { createDeflate, constants as zc, deflateSync, inflateSync } from 'node:zlib';
import { GoawayStatus, RstStatus, SpdyProtocolError } from '@spdy/frames';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_MAX_HEADER_LIST_SIZE,
  HeaderDeflater,
  HeaderErrorCode,
  HeaderInflater,
  type HeaderList,
  INFLATE_WORK_FACTOR,
  SPDY2_DICTIONARY,
  SPDY3_DICTIONARY,
  defaultCompressionLevel,
  dictionaryFor,
  encodeNameValueBlock,
} from '../src/index.js';
import { hex, rawCompressor } from './helpers.js';

const request: HeaderList = [
  [':method', 'GET'],
  [':path', '/index.html'],
  [':version', 'HTTP/1.1'],
  [':host', 'example.com'],
  [':scheme', 'https'],
  ['accept', 'text/html'],
  ['accept-encoding', 'gzip, deflate'],
  ['user-agent', 'test/1.0'],
];

function caught(fn: () => unknown): SpdyProtocolError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(SpdyProtocolError);
    return error as SpdyProtocolError;
  }
  throw new Error('expected a SpdyProtocolError');
}

/** A zlib stream made by Node's zlib (C zlib): one SYNC_FLUSHed block per header list. */
async function nodeZlibBlocks(version: 2 | 3, lists: HeaderList[], options: { level: number; windowBits: number; memLevel: number }): Promise<Uint8Array[]> {
  const deflate = createDeflate({ ...options, dictionary: dictionaryFor(version) });
  const blocks: Uint8Array[] = [];
  for (const list of lists) {
    const parts: Buffer[] = [];
    const onData = (chunk: Buffer) => parts.push(chunk);
    deflate.on('data', onData);
    deflate.write(encodeNameValueBlock(list, version));
    await new Promise<void>((resolve) => deflate.flush(zc.Z_SYNC_FLUSH, () => resolve()));
    deflate.off('data', onData);
    blocks.push(new Uint8Array(Buffer.concat(parts)));
  }
  deflate.close();
  return blocks;
}

describe('compressed header blocks', () => {
  it('level 0 writes stored blocks behind a zlib header with the dictionary id (SPDY/3)', () => {
    const deflater = new HeaderDeflater(3, { level: 0 });
    const first = deflater.deflate([['a', 'b']]);
    // CMF 0x38: deflate, 2 KiB window; FLG 0x30: FDICT, level 0, check bits; DICTID.
    expect(hex(first.subarray(0, 6))).toBe('3830' + 'e3c6a7c2');
    expect((0x38 * 256 + 0x30) % 31).toBe(0);
    // A stored block (BFINAL 0, BTYPE 00), LEN 14, NLEN, the raw block, then the sync marker.
    expect(hex(first.subarray(6))).toBe('00' + '0e00' + 'f1ff' + hex(encodeNameValueBlock([['a', 'b']], 3)) + '000000ffff');
    // Later blocks carry no zlib header.
    expect(hex(deflater.deflate([['c', 'd']]))).toBe('00' + '0e00' + 'f1ff' + hex(encodeNameValueBlock([['c', 'd']], 3)) + '000000ffff');
  });

  it('level 0 with a 32 KiB window (SPDY/2 dictionary id)', () => {
    const block = new HeaderDeflater(2, { level: 0, windowBits: 15 }).deflate([['a', 'b']]);
    expect(hex(block.subarray(0, 6))).toBe('783f' + 'dfa251b2');
  });

  it('the default levels: clients stored (CRIME), servers the single-pass compressor', () => {
    expect(defaultCompressionLevel('client')).toBe(0);
    expect(defaultCompressionLevel('server')).toBe(1);
    expect(new HeaderDeflater(3).level).toBe(1);
  });

  for (const [version, level] of [[2, 1], [3, 1], [2, 9], [3, 9]] as const) {
    it(`SPDY/${version}, level ${level}: a sequence of blocks shares one zlib stream per direction`, () => {
      const deflater = new HeaderDeflater(version, { level });
      const inflater = new HeaderInflater(version);
      const sizes: number[] = [];
      for (let i = 0; i < 50; i++) {
        const headers: HeaderList = [...request, ['x-request', String(i)]];
        const block = deflater.deflate(headers);
        sizes.push(block.length);
        expect(inflater.inflate(block, 2 * i + 1)).toEqual(headers);
      }
      // Later blocks reuse the history of earlier ones.
      expect(sizes[49]).toBeLessThan(sizes[0]! / 4);
    });
  }

  it('level 0 and 9: a block larger than the reused buffers, then small ones again', () => {
    for (const level of [0, 9]) {
      const deflater = new HeaderDeflater(3, { level });
      const inflater = new HeaderInflater(3, { maxHeaderListSize: 1 << 20 });
      const big: HeaderList = [['big', 'x'.repeat(200_000)]];
      for (const headers of [request, big, request, big, big, request]) expect(inflater.inflate(deflater.deflate(headers))).toEqual(headers);
    }
  });

  it('inflates what C zlib writes at every window size and level (Chromium: level 9, 11 bits, memLevel 1)', async () => {
    for (const windowBits of [9, 11, 15]) {
      for (const level of [0, 1, 9]) {
        const lists = Array.from({ length: 5 }, (_, i): HeaderList => [...request, ['x-i', String(i)]]);
        const blocks = await nodeZlibBlocks(3, lists, { level, windowBits, memLevel: 1 });
        const inflater = new HeaderInflater(3);
        expect(blocks.map((block) => inflater.inflate(block))).toEqual(lists);
      }
    }
  });

  it('leaves the headroom asked for in front of the block, at every level', () => {
    for (const level of [0, 1, 9]) {
      const plain = new HeaderDeflater(3, { level });
      const roomy = new HeaderDeflater(3, { level });
      for (const headroom of [0, 18, 3, 100]) {
        const block = plain.deflate(request);
        const withRoom = roomy.deflate(request, headroom);
        expect(withRoom.length).toBe(headroom + block.length);
        expect(hex(withRoom.subarray(0, headroom))).toBe('00'.repeat(headroom));
        expect(hex(withRoom.subarray(headroom))).toBe(hex(block));
      }
    }
  });

  it('what it writes inflates with C zlib', () => {
    const deflater = new HeaderDeflater(3, { level: 9 });
    const block = deflater.deflate(request);
    // One sync-flushed block: inflate without waiting for the end of the stream.
    const raw = inflateSync(block, { dictionary: SPDY3_DICTIONARY, finishFlush: zc.Z_SYNC_FLUSH });
    expect(hex(raw)).toBe(hex(encodeNameValueBlock(request, 3)));
  });
});

describe('bad compressed input', () => {
  it('corrupt zlib data is a session error, and the inflater stays failed', () => {
    const inflater = new HeaderInflater(3);
    const block = new HeaderDeflater(3).deflate(request);
    const corrupt = block.slice();
    // The first block header after the zlib header: BTYPE 11 is reserved, an error.
    corrupt[6] = 0b110;
    const error = caught(() => inflater.inflate(corrupt, 1));
    expect(error.code).toBe(HeaderErrorCode.ZLIB);
    expect(error.scope).toBe('session');
    expect(error.status).toBe(GoawayStatus.PROTOCOL_ERROR);
    expect(caught(() => inflater.inflate(block, 3))).toBe(error);
  });

  it('a bad zlib header is a session error', () => {
    const error = caught(() => new HeaderInflater(2).inflate(new Uint8Array([0x78, 0x00, 1, 2, 3])));
    expect(error.code).toBe(HeaderErrorCode.ZLIB);
    expect(error.scope).toBe('session');
  });

  it('a SPDY/2 block into a SPDY/3 inflater is the wrong dictionary', () => {
    const error = caught(() => new HeaderInflater(3).inflate(new HeaderDeflater(2).deflate(request)));
    expect(error.code).toBe(HeaderErrorCode.DICTIONARY);
    expect(error.scope).toBe('session');
    expect(error.status).toBe(GoawayStatus.PROTOCOL_ERROR);
    expect(error.message).toContain('dfa251b2');
  });

  it('the 906-byte SPDY/2 dictionary (without its NUL) is the wrong dictionary', () => {
    const block = deflateSync(encodeNameValueBlock(request, 2), {
      dictionary: SPDY2_DICTIONARY.subarray(0, 906),
      finishFlush: zc.Z_SYNC_FLUSH,
    });
    expect(hex(block.subarray(2, 6))).toBe('8df051b2');
    expect(caught(() => new HeaderInflater(2).inflate(block)).code).toBe(HeaderErrorCode.DICTIONARY);
  });

  it('a zlib stream without a preset dictionary decodes (it references nothing)', () => {
    const block = deflateSync(encodeNameValueBlock(request, 3), { finishFlush: zc.Z_SYNC_FLUSH });
    expect(new HeaderInflater(3).inflate(block)).toEqual(request);
  });

  it('an empty block is a stream error (no count), and the next block still inflates', () => {
    const deflater = new HeaderDeflater(3);
    const inflater = new HeaderInflater(3);
    inflater.inflate(deflater.deflate(request));
    const error = caught(() => inflater.inflate(new Uint8Array(0), 3));
    expect(error.code).toBe(HeaderErrorCode.TRUNCATED);
    expect(error.scope).toBe('stream');
    expect(inflater.inflate(deflater.deflate(request))).toEqual(request);
  });

  it('after a block that breaks the name/value rules, the next block still inflates', () => {
    for (const version of [2, 3] as const) {
      const peer = rawCompressor(version);
      const inflater = new HeaderInflater(version);
      expect(inflater.inflate(peer(encodeNameValueBlock(request, version)))).toEqual(request);
      const upper = encodeNameValueBlock([['host', 'x']], version);
      upper[version === 2 ? 4 : 8] = 'H'.charCodeAt(0);
      const error = caught(() => inflater.inflate(peer(upper), 3, 'SYN_STREAM'));
      expect(error.code).toBe(HeaderErrorCode.UPPERCASE_NAME);
      expect(error.scope).toBe('stream');
      expect(error.status).toBe(RstStatus.PROTOCOL_ERROR);
      expect(error.streamId).toBe(3);
      expect(error.frameType).toBe('SYN_STREAM');
      // The rejected block went through the zlib stream: the next one, which
      // refers back to it, still inflates.
      expect(inflater.inflate(peer(encodeNameValueBlock(request, version)), 5)).toEqual(request);
      expect(inflater.inflate(peer(encodeNameValueBlock([['host', 'x']], version)), 7)).toEqual([['host', 'x']]);
    }
  });
});

describe('the size limit', () => {
  it('defaults to 64 KiB', () => {
    expect(new HeaderInflater(3).maxHeaderListSize).toBe(DEFAULT_MAX_HEADER_LIST_SIZE);
    expect(DEFAULT_MAX_HEADER_LIST_SIZE).toBe(65536);
  });

  it('a block at the limit inflates; one byte more is a stream error FRAME_TOO_LARGE; the next block still inflates', () => {
    const deflater = new HeaderDeflater(3);
    const headers = (valueLength: number): HeaderList => [['x', 'v'.repeat(valueLength)]];
    // 4 + 4 + 1 + 4 = 13 bytes of framing around the value.
    const limit = 1000;
    const inflater = new HeaderInflater(3, { maxHeaderListSize: limit });
    expect(inflater.inflate(deflater.deflate(headers(limit - 13)))).toEqual(headers(limit - 13));
    const error = caught(() => inflater.inflate(deflater.deflate(headers(limit - 12)), 9));
    expect(error.code).toBe(HeaderErrorCode.TOO_LARGE);
    expect(error.scope).toBe('stream');
    expect(error.status).toBe(RstStatus.FRAME_TOO_LARGE);
    expect(error.streamId).toBe(9);
    expect(inflater.inflate(deflater.deflate(request))).toEqual(request);
    expect(inflater.inflate(deflater.deflate(headers(limit - 13)))).toEqual(headers(limit - 13));
  });

  it('a block far beyond the limit but within the work bound is a stream error, and the stream stays in sync', () => {
    const peer = rawCompressor(3);
    const inflater = new HeaderInflater(3, { maxHeaderListSize: 4096 });
    const big = encodeNameValueBlock([['x', 'y'.repeat(4096 * 10)]], 3);
    expect(caught(() => inflater.inflate(peer(big))).code).toBe(HeaderErrorCode.TOO_LARGE);
    expect(inflater.inflate(peer(encodeNameValueBlock(request, 3)))).toEqual(request);
  });

  it('a decompression bomb fails fast as a session error, with bounded memory', () => {
    // A 128 MiB value compresses to about 130 KiB (C zlib, level 9).
    const valueLength = 128 * 1024 * 1024;
    const raw = Buffer.alloc(13 + valueLength, 'a');
    raw.set(encodeNameValueBlock([['x', 'a']], 3).subarray(0, 9));
    raw.writeUInt32BE(valueLength, 9);
    const bomb = deflateSync(raw, { level: 9, dictionary: SPDY3_DICTIONARY, finishFlush: zc.Z_SYNC_FLUSH });
    expect(bomb.length).toBeLessThan(200 * 1024);

    const inflater = new HeaderInflater(3);
    const before = process.memoryUsage().arrayBuffers;
    const error = caught(() => inflater.inflate(bomb, 1));
    expect(error.code).toBe(HeaderErrorCode.BOMB);
    expect(error.scope).toBe('session');
    expect(error.status).toBe(GoawayStatus.PROTOCOL_ERROR);
    // It stopped at the work bound (64 x 64 KiB = 4 MiB of output), not at 128 MiB...
    expect(error.message).toContain(`beyond ${DEFAULT_MAX_HEADER_LIST_SIZE * INFLATE_WORK_FACTOR} bytes`);
    // ...and buffered no more than the limit while doing so.
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(4 * 1024 * 1024);
  });

  it('rejects a limit that is not a positive integer', () => {
    expect(() => new HeaderInflater(3, { maxHeaderListSize: 0 })).toThrow(RangeError);
    expect(() => new HeaderInflater(3, { maxHeaderListSize: 1.5 })).toThrow(RangeError);
  });
});

describe('options', () => {
  it('rejects levels, window sizes and memory levels zlib does not have', () => {
    expect(() => new HeaderDeflater(3, { level: 10 })).toThrow(RangeError);
    expect(() => new HeaderDeflater(3, { level: -1 })).toThrow(RangeError);
    expect(() => new HeaderDeflater(3, { windowBits: 8 })).toThrow(RangeError);
    expect(() => new HeaderDeflater(3, { windowBits: 16 })).toThrow(RangeError);
    expect(() => new HeaderDeflater(3, { memLevel: 0 })).toThrow(RangeError);
    expect(() => new HeaderDeflater(4 as 3)).toThrow(RangeError);
    expect(() => new HeaderInflater(1 as 2)).toThrow(RangeError);
  });

  it('3.1 is version 3 on the wire', () => {
    expect(new HeaderDeflater(3.1).version).toBe(3);
    expect(new HeaderInflater(3.1).inflate(new HeaderDeflater(3).deflate(request))).toEqual(request);
  });

  it('an invalid header list leaves the deflater usable', () => {
    const deflater = new HeaderDeflater(2);
    const inflater = new HeaderInflater(2);
    expect(() => deflater.deflate([['Host', 'x']])).toThrow(TypeError);
    expect(inflater.inflate(deflater.deflate(request))).toEqual(request);
  });
});

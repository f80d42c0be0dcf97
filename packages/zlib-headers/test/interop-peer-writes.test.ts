/**
 * Interop with the `spdy` npm package's codec (spdy-transport 3.0.0): what it
 * writes decodes here to the same frames and headers, over sequences of
 * frames sharing one compression context, in each version it speaks.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Flag, SettingsFlag } from '@spdy/frames';
import type { ProtocolVersion } from '@spdy/frames';
import type { DecodedFrame, HeaderList } from '../src/index.js';
import { largeHeadersFrame, peerWritableFrame } from './support/interop-arbitraries.js';
import { OurDecoder } from './support/our-codec.js';
import { peerEncode } from './support/spdy-transport.js';

const versions: ProtocolVersion[] = [2, 3, 3.1];

/** Mostly one byte, every 50th a 20 KiB payload: bigger than a 16 KiB read. */
const payload = (i: number) => new Uint8Array(i % 50 === 0 ? 20_000 : 1).fill(i & 0xff);

function request(version: ProtocolVersion, path: string): HeaderList {
  return version === 2
    ? [
        ['method', 'GET'],
        ['url', path],
        ['version', 'HTTP/1.1'],
        ['host', 'www.example.com'],
        ['scheme', 'https'],
        ['accept', '*/*'],
      ]
    : [
        [':method', 'GET'],
        [':path', path],
        [':version', 'HTTP/1.1'],
        [':host', 'www.example.com'],
        [':scheme', 'https'],
        ['accept', '*/*'],
      ];
}

describe.each(versions)('SPDY/%s: frames written by spdy-transport decode here', (version) => {
  it.each([
    ['stored blocks (its default)', false],
    ['compressed blocks', true],
  ])('random sequences through one compression context, %s', async (_name, compression) => {
    await fc.assert(
      fc.asyncProperty(fc.array(peerWritableFrame(version), { minLength: 1, maxLength: 24 }), async (frames) => {
        const bytes = await peerEncode(frames, version, { compression });
        expect(new OurDecoder(version).decodeAll(bytes)).toEqual(frames);
      }),
      { numRuns: 40 },
    );
  });

  it('whatever the chunking of its output', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(peerWritableFrame(version), { minLength: 1, maxLength: 12 }), fc.integer({ min: 1, max: 64 }), async (frames, size) => {
        const bytes = await peerEncode(frames, version, { compression: true });
        const decoder = new OurDecoder(version);
        const decoded: DecodedFrame[] = [];
        for (let at = 0; at < bytes.length; at += size) decoded.push(...decoder.decode(bytes.subarray(at, at + size)));
        expect(decoded).toEqual(frames);
      }),
      { numRuns: 30 },
    );
  });

  it('a long session: 500 requests and replies through one context each way', async () => {
    const n = version === 2 ? { status: 'status', version: 'version' } : { status: ':status', version: ':version' };
    const requests: DecodedFrame[] = [];
    const replies: DecodedFrame[] = [];
    for (let i = 0; i < 500; i++) {
      const streamId = 2 * i + 1;
      requests.push({ type: 'SYN_STREAM', flags: Flag.FIN, streamId, associatedStreamId: 0, priority: i % 4, slot: 0, headers: request(version, `/item/${i % 37}`) });
      replies.push(
        { type: 'SYN_REPLY', flags: 0, streamId, headers: [[n.status, '200 OK'], [n.version, 'HTTP/1.1'], ['content-type', 'text/html'], ['x-request', String(i)]] },
        { type: 'DATA', flags: Flag.FIN, streamId, data: payload(i) },
      );
    }
    for (const frames of [requests, replies]) {
      expect(new OurDecoder(version).decodeAll(await peerEncode(frames, version, { compression: true }))).toEqual(frames);
    }
  });

  it('known peer fault: it pushes without FLAG_UNIDIRECTIONAL (draft 3 §3.3.1, draft 2 §3.3.1 require it)', async () => {
    const n = version === 2 ? ['method', 'url', 'version', 'host', 'scheme', 'status'] : [':method', ':path', ':version', ':host', ':scheme', ':status'];
    const push: DecodedFrame = {
      type: 'SYN_STREAM',
      flags: 0,
      streamId: 2,
      associatedStreamId: 1,
      priority: 0,
      slot: 0,
      headers: [[n[0]!, 'GET'], [n[1]!, '/style.css'], [n[2]!, 'HTTP/1.1'], [n[3]!, 'a.example'], [n[4]!, 'https'], [n[5]!, '200']],
    };
    // Its push API has no way to set the flag: the frame comes out exactly as asked, flags 0.
    const [decoded] = new OurDecoder(version).decodeAll(await peerEncode([push], version));
    expect(decoded).toEqual(push);
  });

  it('known peer fault: it sets PERSIST_VALUE on every SETTINGS entry', async () => {
    const bytes = await peerEncode([{ type: 'SETTINGS', flags: 0, entries: [{ id: 4, flags: SettingsFlag.PERSIST_VALUE, value: 100 }] }], version);
    const [settings] = new OurDecoder(version).decodeAll(bytes);
    expect(settings).toEqual({ type: 'SETTINGS', flags: 0, entries: [{ id: 4, flags: SettingsFlag.PERSIST_VALUE, value: 100 }] });
  });
});

it('known peer fault: its SPDY/2 GOAWAY carries draft 3 status field (8 bytes, draft 2 says 4); we accept it', async () => {
  const bytes = await peerEncode([{ type: 'GOAWAY', flags: 0, lastGoodStreamId: 7, status: 2 }], 2);
  expect(bytes.length).toBe(16);
  expect(new OurDecoder(2).decodeAll(bytes)).toEqual([{ type: 'GOAWAY', flags: 0, lastGoodStreamId: 7, status: 2 }]);
});

describe.each(versions)('SPDY/%s: large, repetitive header values from spdy-transport', (version) => {
  const frame = largeHeadersFrame();

  it('through one compressed context', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(frame, { minLength: 1, maxLength: 8 }), async (frames) => {
        expect(new OurDecoder(version).decodeAll(await peerEncode(frames, version, { compression: true }))).toEqual(frames);
      }),
      { numRuns: 15 },
    );
  });
});

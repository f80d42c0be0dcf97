/**
 * fast-check arbitraries for frames and header lists, sampled with a seed so a
 * mutation replays. Values lean towards the interesting: small stream ids that
 * hit real streams, limits of each field, names the spec forbids.
 */
import fc from 'fast-check';
import type { HeaderList, FrameToEncode } from '@spdy/zlib-headers';

const streamId = fc.oneof(fc.integer({ min: 1, max: 9 }), fc.constantFrom(0x7fffffff, 0x7ffffffe, 2, 4, 101));
const u31 = fc.oneof(fc.integer({ min: 0, max: 70_000 }), fc.constantFrom(0x7fffffff, 0x7ffffffe, 1, 0));
const flags = fc.oneof(fc.constantFrom(0, 1, 2, 3), fc.integer({ min: 0, max: 255 }));
const bytes = (max: number) => fc.uint8Array({ maxLength: max });

const headerName = fc.oneof(
  fc.constantFrom(':method', ':path', ':version', ':scheme', ':host', ':status', 'method', 'url', 'version', 'status', 'host', 'scheme', 'content-length', 'connection', 'transfer-encoding'),
  fc.stringMatching(/^[a-z0-9-]{1,12}$/),
  fc.constantFrom('', 'Upper', 'a\u0000b', 'x'.repeat(300)),
);
const headerValue = fc.oneof(
  fc.constantFrom('GET', 'POST', '/', 'HTTP/1.1', 'https', 'example.com', '200', '200 OK', '0', '5', '11', 'a\u0000b', '', '\u0000', 'a\u0000\u0000b'),
  fc.string({ maxLength: 20 }).map((s) => s.replace(/[^\u0000-\u00ff]/g, 'x')),
  fc.constant('v'.repeat(2000)),
);

export const headerListArb: fc.Arbitrary<HeaderList> = fc.array(fc.tuple(headerName, headerValue), { maxLength: 10 });

export function frameArb(version: 2 | 3): fc.Arbitrary<FrameToEncode> {
  const priority = fc.integer({ min: 0, max: version === 2 ? 3 : 7 });
  const frames: fc.Arbitrary<FrameToEncode>[] = [
    fc.record({ type: fc.constant('DATA' as const), streamId, flags: fc.constantFrom(0, 1), data: bytes(40) }),
    fc.record({
      type: fc.constant('SYN_STREAM' as const),
      flags: fc.constantFrom(0, 1, 2, 3),
      streamId,
      associatedStreamId: fc.oneof(fc.constant(0), streamId),
      priority,
      slot: fc.constant(0),
      headers: headerListArb,
    }),
    fc.record({ type: fc.constant('SYN_REPLY' as const), flags: fc.constantFrom(0, 1), streamId, headers: headerListArb }),
    fc.record({ type: fc.constant('HEADERS' as const), flags: fc.constantFrom(0, 1), streamId, headers: headerListArb }),
    fc.record({ type: fc.constant('RST_STREAM' as const), flags: fc.constant(0), streamId, status: fc.integer({ min: 1, max: 12 }) }),
    fc.record({
      type: fc.constant('SETTINGS' as const),
      flags: fc.constantFrom(0, 1),
      entries: fc.array(fc.record({ id: fc.integer({ min: 1, max: 9 }), flags: fc.constantFrom(0, 1, 2), value: u31 }), { maxLength: 5 }),
    }),
    fc.record({ type: fc.constant('PING' as const), flags: fc.constant(0), id: fc.oneof(fc.integer({ min: 1, max: 8 }), fc.constant(0xffffffff)) }),
    fc.record({ type: fc.constant('GOAWAY' as const), flags: fc.constant(0), lastGoodStreamId: u31.map((n) => n & 0x7fffffff), status: fc.integer({ min: 0, max: 2 }) }),
    fc.record({
      type: fc.constant('WINDOW_UPDATE' as const),
      flags: fc.constant(0),
      streamId: fc.oneof(fc.constant(0), streamId),
      deltaWindowSize: fc.oneof(fc.integer({ min: 1, max: 70_000 }), fc.constant(0x7fffffff)),
    }),
    fc.record({ type: fc.constant('UNKNOWN' as const), version: fc.constantFrom(1, 2, 3, 4), frameType: fc.integer({ min: 1, max: 20 }), flags, payload: bytes(16) }),
  ];
  if (version === 2) frames.push(fc.record({ type: fc.constant('NOOP' as const), flags: fc.constant(0) }));
  else
    frames.push(
      fc.record({ type: fc.constant('CREDENTIAL' as const), flags: fc.constant(0), slot: fc.integer({ min: 0, max: 8 }), proof: bytes(8), certificates: fc.array(bytes(8), { maxLength: 2 }) }),
    );
  return fc.oneof(...frames);
}

const arbs = { 2: frameArb(2), 3: frameArb(3) };

export function sampleFrame(version: 2 | 3, seed: number): FrameToEncode {
  return fc.sample(arbs[version], { seed, numRuns: 1 })[0]!;
}

export function sampleHeaders(seed: number): HeaderList {
  return fc.sample(headerListArb, { seed, numRuns: 1 })[0]!;
}

/** fast-check arbitraries for every frame of each wire version. */
import fc from 'fast-check';
import { FrameType, MAX_STREAM_ID, MAX_WINDOW_SIZE, lowestPriority } from '@spdy/frames';
import type { Frame, WireVersion } from '@spdy/frames';

const streamId = fc.integer({ min: 1, max: MAX_STREAM_ID });
const streamIdOrZero = fc.integer({ min: 0, max: MAX_STREAM_ID });
const flags = fc.integer({ min: 0, max: 0xff });
const uint32 = fc.integer({ min: 0, max: 0xffffffff });
const bytes = fc.uint8Array({ maxLength: 48 });

/** Type numbers that the decoder of `version` does not model. */
function unknownType(version: WireVersion): fc.Arbitrary<number> {
  const versionSpecific = version === 2 ? FrameType.CREDENTIAL : FrameType.NOOP;
  return fc.oneof(fc.constant(0), fc.constant(versionSpecific), fc.integer({ min: 11, max: 0xffff }));
}

/** Every frame that `version` can encode and decode back to the same object. */
export function frameArb(version: WireVersion): fc.Arbitrary<Frame> {
  const v2 = version === 2;
  const arbs: Array<fc.Arbitrary<Frame>> = [
    fc.record({ type: fc.constant('DATA' as const), streamId, flags, data: bytes }),
    fc.record({
      type: fc.constant('SYN_STREAM' as const),
      flags,
      streamId,
      associatedStreamId: streamIdOrZero,
      priority: fc.integer({ min: 0, max: lowestPriority(version) }),
      slot: v2 ? fc.constant(0) : fc.integer({ min: 0, max: 0xff }),
      headerBlock: bytes,
    }),
    fc.record({ type: fc.constant('SYN_REPLY' as const), flags, streamId, headerBlock: bytes }),
    fc.record({ type: fc.constant('RST_STREAM' as const), flags, streamId, status: fc.integer({ min: 1, max: 0xffffffff }) }),
    fc.record({
      type: fc.constant('SETTINGS' as const),
      flags,
      entries: fc.array(fc.record({ id: fc.integer({ min: 0, max: 0xffffff }), flags, value: uint32 }), { maxLength: 8 }),
    }),
    fc.record({ type: fc.constant('PING' as const), flags, id: uint32 }),
    fc.record({ type: fc.constant('GOAWAY' as const), flags, lastGoodStreamId: streamIdOrZero, status: v2 ? fc.constant(0) : uint32 }),
    fc.record({ type: fc.constant('HEADERS' as const), flags, streamId, headerBlock: bytes }),
    fc.record({
      type: fc.constant('WINDOW_UPDATE' as const),
      flags,
      streamId: streamIdOrZero,
      deltaWindowSize: fc.integer({ min: 1, max: MAX_WINDOW_SIZE }),
    }),
    fc.record({
      type: fc.constant('UNKNOWN' as const),
      version: fc.oneof(fc.constant(version), fc.integer({ min: 0, max: 0x7fff }).filter((n) => n !== version)),
      frameType: fc.integer({ min: 0, max: 0xffff }),
      flags,
      payload: bytes,
    })
      // A frame of our own version is only UNKNOWN when its type is one we do not model.
      .chain((f) => (f.version === version ? unknownType(version).map((frameType) => ({ ...f, frameType })) : fc.constant(f))),
  ];
  if (v2) arbs.push(fc.record({ type: fc.constant('NOOP' as const), flags }));
  else {
    arbs.push(
      fc.record({
        type: fc.constant('CREDENTIAL' as const),
        flags,
        slot: fc.integer({ min: 0, max: 0xffff }),
        proof: bytes,
        certificates: fc.array(bytes, { maxLength: 4 }),
      }),
    );
  }
  return fc.oneof(...arbs);
}

export const versionArb: fc.Arbitrary<WireVersion> = fc.constantFrom<WireVersion>(2, 3);

/** Split points for a buffer of `length` bytes: sorted, distinct, inside (0, length). */
export function splitsArb(length: number): fc.Arbitrary<number[]> {
  if (length < 2) return fc.constant([]);
  return fc.uniqueArray(fc.integer({ min: 1, max: length - 1 }), { maxLength: 12 }).map((a) => a.sort((x, y) => x - y));
}

/** Cuts `bytes` at `splits` (views, like a socket's chunks). */
export function split(bytes: Uint8Array, splits: number[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  let at = 0;
  for (const s of splits) {
    out.push(bytes.subarray(at, s));
    at = s;
  }
  out.push(bytes.subarray(at));
  return out;
}

/**
 * Property tests (fast-check, bounded runs):
 * - random interleavings and chunkings of valid exchanges deliver
 *   byte-identical bodies;
 * - random frame sequences (valid frames with random fields, and random
 *   bytes) never make receive() throw and always leave the session
 *   consistent: healthy, or closed with a GOAWAY sent (or received); its
 *   output always decodes; its stream table stays bounded.
 */

import { type Frame, MAX_STREAM_ID, MAX_WINDOW_SIZE, type ProtocolVersion } from '@spdy/frames';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Pair, StreamLog, pseudoRandomBytes, seededRandom, sha256 } from './support/pair.js';
import { Peer } from './support/peer.js';

const OK = { ':status': '200', ':version': 'HTTP/1.1' };
const versionArb = fc.constantFrom<ProtocolVersion>(2, 3, 3.1);
/** PROPERTY_RUNS=5000 for a deeper search than the default bounded runs. */
const RUNS = Number(process.env['PROPERTY_RUNS'] ?? 600);

describe('valid exchanges under random interleaving and chunking', () => {
  it('deliver byte-identical bodies both ways', () => {
    fc.assert(
      fc.property(
        versionArb,
        fc.array(fc.record({ up: fc.nat(6000), down: fc.nat(9000), priority: fc.nat(3), push: fc.boolean() }), { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 1, max: 2 ** 30 }),
        fc.integer({ min: 1, max: 5000 }),
        fc.integer({ min: 200, max: 70_000 }),
        fc.constantFrom(100, 4096, 65_536),
        (version, streams, seed, maxChunk, maxPull, window) => {
          const random = seededRandom(seed);
          const flow = version === 2 ? {} : { initialWindowSize: window };
          const pair = new Pair({
            version,
            client: flow,
            server: { ...flow, maxOutboundDataFrameSize: 1 + Math.floor(random() * 16_384) },
            chunk: (available) => 1 + Math.floor(random() * Math.min(available, maxChunk)),
            maxPull,
          });
          const spec = new Map<number, { up: number; down: number; push: boolean }>();
          const serverLog = new StreamLog();
          pair.server.on('dataChunkReceived', (e) => serverLog.add(e));
          pair.server.on('requestReceived', (e) =>
            pair.defer(() => {
              const s = spec.get(e.streamId)!;
              if (s.push) {
                pair.server.submitPush(e.streamId, {
                  requestHeaders: { ':scheme': 'https', ':host': 'h', ':path': `/p${e.streamId}` },
                  responseHeaders: OK,
                  body: pseudoRandomBytes(s.down, e.streamId + 1),
                });
              }
              pair.server.submitResponse(e.streamId, OK, pseudoRandomBytes(s.down, e.streamId));
            }),
          );
          const client = new StreamLog();
          const pushes = new Map<number, number>();
          pair.client.on('pushReceived', (e) => pushes.set(e.streamId, e.associatedStreamId));
          for (const type of ['dataChunkReceived', 'streamClosed'] as const) pair.client.on(type, (e) => client.add(e));
          for (const s of streams) {
            const id = pair.client.submitRequest({
              headers: { ':method': 'POST', ':path': '/', ':version': 'HTTP/1.1', ':scheme': 'https', ':host': 'h' },
              priority: s.priority,
              body: pseudoRandomBytes(s.up, s.up + 7),
            });
            spec.set(id, s);
          }
          const expectedClosed = streams.length + streams.filter((s) => s.push).length;
          pair.pumpUntil(() => client.closed.size === expectedClosed, 1_000_000);
          for (const [id, s] of spec) {
            expect(client.closed.get(id)).toBe(0);
            expect(serverLog.hash(id)).toBe(sha256(pseudoRandomBytes(s.up, s.up + 7)));
            expect(client.hash(id)).toBe(sha256(pseudoRandomBytes(s.down, id)));
          }
          for (const [pushId, assoc] of pushes) expect(client.hash(pushId)).toBe(sha256(pseudoRandomBytes(spec.get(assoc)!.down, assoc + 1)));
        },
      ),
      { numRuns: Math.ceil(RUNS / 6) },
    );
  });
});

// ---------------------------------------------------------------------------
// Random input

type Step =
  /** `fields` only make counterexamples readable: `make` is printed as source. */
  | { kind: 'frame'; fields: object; make: (peer: Peer) => Frame }
  | { kind: 'bytes'; bytes: Uint8Array }
  | { kind: 'raw'; type: number; flags: number; payload: Uint8Array }
  | { kind: 'submit' };

const streamIdArb = fc.oneof(fc.integer({ min: 0, max: 12 }), fc.constantFrom(MAX_STREAM_ID, MAX_STREAM_ID - 1, 1 << 30));
/** Header frames never carry stream id 0 from our encoder; a refused frame would leave the peer's deflater ahead of the session's inflater. */
const headerStreamIdArb = fc.oneof(fc.integer({ min: 1, max: 12 }), fc.constantFrom(MAX_STREAM_ID, MAX_STREAM_ID - 1, 1 << 30));
const headerNameArb = fc.stringMatching(/^[a-z:][a-z0-9-]{0,10}$/);
const headersArb = fc.oneof(
  fc.constant('request' as const),
  fc.constant('response' as const),
  fc.constant('push' as const),
  fc.dictionary(headerNameArb, fc.string({ maxLength: 20 }).map((s) => s.replace(/\0/g, '')), { maxKeys: 5 }),
);

function headersFor(peer: Peer, h: 'request' | 'response' | 'push' | Record<string, string>): Record<string, string> {
  if (h === 'request') return peer.requestHeaders();
  if (h === 'response') return peer.responseHeaders();
  if (h === 'push') return peer.pushHeaders();
  return Object.fromEntries(Object.entries(h).filter(([name]) => name.length > 0));
}

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  fc
    .record({ id: headerStreamIdArb, assoc: streamIdArb, pri: fc.nat(3), flags: fc.nat(3), h: headersArb })
    .map(({ id, assoc, pri, flags, h }) => ({
      kind: 'frame' as const,
      fields: { type: 'SYN_STREAM', id, assoc, pri, flags, h },
      make: (p: Peer): Frame => ({ type: 'SYN_STREAM', streamId: id, associatedStreamId: assoc, priority: pri, slot: 0, flags, headerBlock: p.block(headersFor(p, h)) }),
    })),
  fc.record({ id: headerStreamIdArb, flags: fc.nat(1), h: headersArb, type: fc.constantFrom('SYN_REPLY' as const, 'HEADERS' as const) }).map(({ id, flags, h, type }) => ({
    kind: 'frame' as const,
    fields: { type, id, flags, h },
    make: (p: Peer): Frame => ({ type, streamId: id, flags, headerBlock: p.block(headersFor(p, h)) }),
  })),
  fc.record({ id: streamIdArb, flags: fc.nat(3), size: fc.oneof(fc.nat(100), fc.integer({ min: 16_000, max: 70_000 })) }).map(({ id, flags, size }) => ({
    kind: 'frame' as const,
    fields: { type: 'DATA', id, flags, size },
    make: (): Frame => ({ type: 'DATA', streamId: id, flags, data: new Uint8Array(size) }),
  })),
  fc.record({ id: streamIdArb, status: fc.nat(12) }).map(({ id, status }) => ({
    kind: 'frame' as const,
    fields: { type: 'RST_STREAM', id, status },
    make: (): Frame => ({ type: 'RST_STREAM', streamId: id, flags: 0, status }),
  })),
  fc
    .record({
      flags: fc.nat(1),
      entries: fc.array(fc.record({ id: fc.integer({ min: 1, max: 9 }), flags: fc.nat(3), value: fc.oneof(fc.nat(10), fc.nat(), fc.constantFrom(0, 2 ** 31, 2 ** 32 - 1)) }), { maxLength: 4 }),
    })
    .map(({ flags, entries }) => ({ kind: 'frame' as const, fields: { type: 'SETTINGS', flags, entries }, make: (): Frame => ({ type: 'SETTINGS', flags, entries }) })),
  fc.nat().map((id) => ({ kind: 'frame' as const, fields: { type: 'PING', id }, make: (): Frame => ({ type: 'PING', flags: 0, id }) })),
  fc.record({ last: streamIdArb, status: fc.nat(3) }).map(({ last, status }) => ({
    kind: 'frame' as const,
    fields: { type: 'GOAWAY', last, status },
    make: (): Frame => ({ type: 'GOAWAY', flags: 0, lastGoodStreamId: last, status }),
  })),
  fc.record({ id: streamIdArb, delta: fc.oneof(fc.integer({ min: 1, max: 70_000 }), fc.constant(MAX_WINDOW_SIZE)) }).map(({ id, delta }) => ({
    kind: 'frame' as const,
    fields: { type: 'WINDOW_UPDATE', id, delta },
    make: (): Frame => ({ type: 'WINDOW_UPDATE', flags: 0, streamId: id, deltaWindowSize: delta }),
  })),
  fc.uint8Array({ minLength: 1, maxLength: 64 }).map((bytes) => ({ kind: 'bytes' as const, bytes })),
  // Control frames of every type number (known ones included) with arbitrary flags and payload.
  fc
    .record({ type: fc.oneof(fc.integer({ min: 0, max: 12 }), fc.integer({ min: 0, max: 0xffff })), flags: fc.nat(255), payload: fc.uint8Array({ maxLength: 24 }) })
    .map(({ type, flags, payload }) => ({ kind: 'raw' as const, type, flags, payload })),
  fc.constant({ kind: 'submit' as const }),
);

/** Feeds one step to the session (a frame our encoder refuses is not something a peer could send: skipped). */
function apply(peer: Peer, step: Step): void {
  if (step.kind === 'bytes') {
    peer.bytes(step.bytes);
    return;
  }
  if (step.kind === 'raw') {
    peer.rawControl(step.type, step.flags, step.payload);
    return;
  }
  if (step.kind === 'submit') {
    if (peer.session.isClosed) return;
    try {
      if (peer.session.side === 'client') peer.session.submitRequest({ headers: { ':method': 'GET', ':path': '/', ':version': 'HTTP/1.1', ':scheme': 'https', ':host': 'h' } });
      else peer.session.submitPing();
    } catch {
      // A session going away refuses new work with SessionStateError: that is the caller's side, not receive().
    }
    return;
  }
  let frame: Frame;
  try {
    frame = step.make(peer);
  } catch {
    return; // headers the deflater refuses: not a frame a peer could send
  }
  try {
    peer.send(frame);
  } catch (error) {
    if (error instanceof RangeError || error instanceof TypeError) return; // the encoder refused the fields: nothing was sent
    throw error;
  }
}

function checkConsistent(peer: Peer, maxConcurrentStreams: number): void {
  peer.read();
  expect(peer.outputErrors).toEqual([]);
  if (peer.session.isClosed) {
    const sentGoaway = peer.written.some((f) => f.type === 'GOAWAY');
    const receivedGoaway = peer.eventsOf('goawayReceived').length > 0;
    expect(sentGoaway || receivedGoaway).toBe(true);
    expect(peer.session.wantWrite()).toBe(false);
  }
  // Streams the peer opened and that are still live never exceed our limit.
  const peerParity = peer.session.side === 'server' ? 1 : 0;
  let live = 0;
  for (const e of peer.eventsOf('streamOpened')) {
    if (e.streamId % 2 !== peerParity) continue;
    const state = peer.session.streamState(e.streamId);
    if (state !== undefined && state !== 'closed') live++;
  }
  expect(live).toBeLessThanOrEqual(maxConcurrentStreams);
}

describe('random input never throws out of receive() and leaves the session consistent', () => {
  for (const side of ['server', 'client'] as const) {
    it(`${side} side`, () => {
      fc.assert(
        fc.property(versionArb, fc.array(stepArb, { minLength: 1, maxLength: 30 }), (version, steps) => {
          const maxConcurrentStreams = 4;
          const peer = new Peer({ side, version, maxConcurrentStreams });
          peer.flush();
          for (const step of steps) {
            expect(() => apply(peer, step)).not.toThrow();
            checkConsistent(peer, maxConcurrentStreams);
          }
          expect(() => peer.session.receiveEnd(0)).not.toThrow();
          expect(peer.session.isClosed).toBe(true);
        }),
        { numRuns: RUNS },
      );
    });
  }

  it('random bytes after a valid opening never throw', () => {
    fc.assert(
      fc.property(versionArb, fc.constantFrom('client' as const, 'server' as const), fc.array(fc.uint8Array({ maxLength: 200 }), { maxLength: 10 }), (version, side, chunks) => {
        const peer = new Peer({ side, version });
        peer.flush();
        peer.settings([{ id: 4, flags: 0, value: 100 }]);
        for (const chunk of chunks) expect(() => peer.bytes(chunk)).not.toThrow();
        peer.read();
        expect(peer.outputErrors).toEqual([]);
      }),
      { numRuns: RUNS / 2 },
    );
  });
});

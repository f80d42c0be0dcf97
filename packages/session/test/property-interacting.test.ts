/**
 * Interacting stacks under random application behaviour (fast-check, bounded
 * runs): a client and a server Session wired in memory while both
 * applications act at random moments — requests with bodies, cancels from
 * either side, pushes, PINGs, SETTINGS changes (windows and concurrency),
 * GOAWAY — with random chunking of the bytes in flight. Whatever happens:
 * - nothing throws out of receive() or pull(), and no output is malformed;
 * - the exchange never deadlocks: it goes quiet with every stream closed;
 * - every stream closes exactly once on the client;
 * - every stream that closed normally carried byte-identical bodies both ways.
 */

import { RstStatus, SettingsId, type ProtocolVersion } from '@spdy/frames';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SessionStateError } from '../src/index.js';
import { Pair, StreamLog, pseudoRandomBytes, seededRandom, sha256 } from './support/pair.js';

const OK = { ':status': '200', ':version': 'HTTP/1.1' };
const RUNS = Number(process.env['PROPERTY_RUNS'] ?? 600);

type Action =
  /** `cancelOnData`: the client application cancels the request when its first DATA arrives. */
  | { kind: 'request'; up: number; down: number; priority: number; push: boolean; cancelOnData: boolean }
  | { kind: 'clientCancel'; pick: number }
  | { kind: 'serverReset'; pick: number }
  | { kind: 'settings'; side: 'client' | 'server'; id: number; value: number }
  | { kind: 'ping'; side: 'client' | 'server' }
  | { kind: 'goaway' }
  | { kind: 'turns'; n: number };

const actionArb: fc.Arbitrary<Action> = fc.oneof(
  { weight: 5, arbitrary: fc.record({
      kind: fc.constant('request' as const),
      up: fc.nat(40_000),
      down: fc.nat(40_000),
      priority: fc.nat(3),
      push: fc.boolean(),
      cancelOnData: fc.nat(4).map((n) => n === 0),
    }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('clientCancel' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('serverReset' as const), pick: fc.nat() }) },
  {
    weight: 2,
    arbitrary: fc.oneof(
      fc.record({
        kind: fc.constant('settings' as const),
        side: fc.constantFrom('client' as const, 'server' as const),
        id: fc.constant(SettingsId.INITIAL_WINDOW_SIZE),
        value: fc.constantFrom(1, 100, 4096, 65_536, 1 << 20, 2 ** 31 - 1),
      }),
      fc.record({
        kind: fc.constant('settings' as const),
        side: fc.constantFrom('client' as const, 'server' as const),
        id: fc.constant(SettingsId.MAX_CONCURRENT_STREAMS),
        value: fc.constantFrom(0, 1, 3, 100),
      }),
    ),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('ping' as const), side: fc.constantFrom('client' as const, 'server' as const) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'goaway' as const }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('turns' as const), n: fc.integer({ min: 1, max: 5 }) }) },
);

/**
 * `reentrant`: the applications act inside the event listeners (submitting while receive() or pull() is running)
 * instead of after those calls return.
 */
function run(version: ProtocolVersion, manual: boolean, reentrant: boolean, seed: number, actions: readonly Action[]): void {
  const random = seededRandom(seed);
  const pair = new Pair({
    version,
    client: { flowControl: manual ? 'manual' : 'auto', maxOutboundDataFrameSize: 1 + Math.floor(random() * 20_000) },
    server: { maxOutboundDataFrameSize: 1 + Math.floor(random() * 20_000) },
    chunk: (available) => 1 + Math.floor(random() * Math.min(available, 9000)),
    maxPull: 1000 + Math.floor(random() * 60_000),
  });
  const spec = new Map<number, { up: number; down: number; push: boolean; cancelOnData: boolean }>();
  const serverLog = new StreamLog();
  const clientLog = new StreamLog();
  const clientCloses = new Map<number, number>();
  const serverOpen = new Set<number>();
  const pushes = new Map<number, number>(); // push id -> associated request id

  const tolerate = (action: () => void): void => {
    try {
      action();
    } catch (error) {
      // A session going away or closed refuses new work: the caller's side, expected here.
      if (!(error instanceof SessionStateError)) throw error;
    }
  };

  pair.server.on('dataChunkReceived', (e) => serverLog.add(e));
  pair.server.on('streamOpened', (e) => serverOpen.add(e.streamId));
  pair.server.on('streamClosed', (e) => serverOpen.delete(e.streamId));
  const act = (task: () => void): void => (reentrant ? task() : pair.defer(task));
  pair.server.on('requestReceived', (e) =>
    act(() => {
      const s = spec.get(e.streamId);
      if (s === undefined || pair.server.isClosed || pair.server.streamState(e.streamId) === undefined) return;
      if (s.push) {
        // No new streams once our GOAWAY left: refusing the push is the session's right.
        tolerate(() =>
          pair.server.submitPush(e.streamId, {
            requestHeaders: { ':scheme': 'https', ':host': 'h', ':path': `/p${e.streamId}` },
            responseHeaders: OK,
            body: pseudoRandomBytes(s.down, e.streamId + 1),
          }),
        );
      }
      pair.server.submitResponse(e.streamId, OK, pseudoRandomBytes(s.down, e.streamId));
    }),
  );
  pair.client.on('dataChunkReceived', (e) => {
    clientLog.add(e);
    // Manual mode: the application consumes what it received once the event returns.
    if (manual) act(() => tolerate(() => pair.client.consume(e.streamId, e.data.length)));
    const s = spec.get(e.streamId);
    if (s?.cancelOnData === true) {
      s.cancelOnData = false;
      act(() => tolerate(() => pair.client.submitRstStream(e.streamId, RstStatus.CANCEL)));
    }
  });
  pair.client.on('pushReceived', (e) => pushes.set(e.streamId, e.associatedStreamId));
  pair.client.on('streamClosed', (e) => {
    expect(clientCloses.has(e.streamId)).toBe(false);
    clientCloses.set(e.streamId, e.status);
  });

  const openOf = (ids: Iterable<number>, pick: number): number | undefined => {
    const list = [...ids];
    return list.length === 0 ? undefined : list[pick % list.length];
  };

  for (const a of actions) {
    switch (a.kind) {
      case 'request':
        tolerate(() => {
          const id = pair.client.submitRequest({
            headers: { ':method': 'POST', ':path': '/', ':version': 'HTTP/1.1', ':scheme': 'https', ':host': 'h' },
            priority: a.priority,
            body: pseudoRandomBytes(a.up, a.up + 3),
          });
          spec.set(id, { ...a });
        });
        break;
      case 'clientCancel': {
        const id = openOf([...spec.keys()].filter((k) => !clientCloses.has(k)), a.pick);
        if (id !== undefined) tolerate(() => pair.client.submitRstStream(id, RstStatus.CANCEL));
        break;
      }
      case 'serverReset': {
        const id = openOf(serverOpen, a.pick);
        if (id !== undefined) tolerate(() => pair.server.submitRstStream(id, RstStatus.INTERNAL_ERROR));
        break;
      }
      case 'settings':
        if (version === 2 && a.id === SettingsId.INITIAL_WINDOW_SIZE) break;
        tolerate(() => (a.side === 'client' ? pair.client : pair.server).submitSettings([{ id: a.id, flags: 0, value: a.value }]));
        break;
      case 'ping':
        tolerate(() => (a.side === 'client' ? pair.client : pair.server).submitPing(pair.now));
        break;
      case 'goaway':
        tolerate(() => pair.server.submitGoaway());
        break;
      case 'turns':
        for (let i = 0; i < a.n; i++) pair.pump(1);
        break;
    }
  }
  // A MAX_CONCURRENT_STREAMS of 0 from the server legitimately parks our queued streams; lift it so the run can end.
  tolerate(() => pair.server.submitSettings([{ id: SettingsId.MAX_CONCURRENT_STREAMS, flags: 0, value: 100 }]));
  pair.pump(2_000_000);

  // Quiet: every stream closed exactly once (checked in the listener), nothing left half-done.
  for (const id of spec.keys()) expect(clientCloses.has(id), `client stream ${id} never closed`).toBe(true);
  for (const [pushId, assoc] of pushes) {
    expect(clientCloses.has(pushId), `push ${pushId} never closed`).toBe(true);
    if (clientCloses.get(pushId) === 0) expect(clientLog.hash(pushId)).toBe(sha256(pseudoRandomBytes(spec.get(assoc)!.down, assoc + 1)));
  }
  for (const [id, s] of spec) {
    if (clientCloses.get(id) !== 0) continue;
    expect(serverLog.hash(id)).toBe(sha256(pseudoRandomBytes(s.up, s.up + 3)));
    expect(clientLog.hash(id)).toBe(sha256(pseudoRandomBytes(s.down, id)));
  }
}

describe('interacting stacks under random application behaviour', () => {
  it('never throw, never deadlock, close every stream once, and deliver intact bodies', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<ProtocolVersion>(2, 3, 3.1),
        fc.boolean(),
        fc.boolean(),
        fc.integer({ min: 1, max: 2 ** 30 }),
        fc.array(actionArb, { minLength: 1, maxLength: 40 }),
        (version, manual, reentrant, seed, actions) => run(version, manual && version !== 2, reentrant, seed, actions),
      ),
      { numRuns: Math.ceil(RUNS / 4) },
    );
  });
});

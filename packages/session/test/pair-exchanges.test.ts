/**
 * Whole exchanges between a client Session and a server Session wired in
 * memory, with the bytes in flight cut into random chunks: many concurrent
 * streams with bodies both ways, push, windows from 1 byte to 2^31-1,
 * SETTINGS changing mid-transfer, GOAWAY draining.
 */

import { RstStatus, SettingsId } from '@spdy/frames';
import { describe, expect, it } from 'vitest';
import { SessionStateError } from '../src/index.js';
import type { DataProvider, SessionOptions } from '../src/types.js';
import { Pair, type PairOptions, StreamLog, pseudoRandomBytes, seededRandom, sha256 } from './support/pair.js';
import { ALL_VERSIONS, FLOW_VERSIONS } from './support/peer.js';

const OK = { ':status': '200', ':version': 'HTTP/1.1' };
const request = (path: string, method = 'GET') => ({ ':method': method, ':path': path, ':version': 'HTTP/1.1', ':scheme': 'https', ':host': 'example.com' });

/** A server application: answers every complete request with `responseBody(streamId)`; logs what it received. */
function serve(pair: Pair, responseBody: (streamId: number, path: string) => Uint8Array, onRequest?: (streamId: number, path: string) => void): StreamLog {
  const log = new StreamLog();
  const paths = new Map<number, string>();
  pair.server.on('streamOpened', (e) => paths.set(e.streamId, e.headers.find(([n]) => n === ':path')?.[1] ?? ''));
  pair.server.on('dataChunkReceived', (e) => log.add(e));
  pair.server.on('streamClosed', (e) => log.add(e));
  pair.server.on('requestReceived', (e) =>
    pair.defer(() => {
      const path = paths.get(e.streamId) ?? '';
      onRequest?.(e.streamId, path);
      pair.server.submitResponse(e.streamId, OK, responseBody(e.streamId, path));
    }),
  );
  return log;
}

function clientLog(pair: Pair): StreamLog {
  const log = new StreamLog();
  for (const type of ['dataChunkReceived', 'streamEnded', 'streamClosed', 'streamReset'] as const) pair.client.on(type, (e) => log.add(e));
  return log;
}

function chunked(seed: number): PairOptions['chunk'] {
  const random = seededRandom(seed);
  return (available) => 1 + Math.floor(random() * Math.min(available, 3000));
}

const bodyFor = (streamId: number, size: number) => pseudoRandomBytes(size, streamId * 7919 + size);

describe.each(ALL_VERSIONS)('SPDY/%s', (version) => {
  it('300 concurrent requests with bodies both ways arrive intact (random chunking, queued beyond MAX_CONCURRENT_STREAMS)', () => {
    const pair = new Pair({ version, chunk: chunked(1), maxPull: 50_000 });
    const sizes = new Map<number, number>();
    const random = seededRandom(42);
    const serverLog = serve(pair, (id) => bodyFor(id + 1, (id * 37) % 20_000));
    const client = clientLog(pair);
    const requestHashes = new Map<number, string>();
    for (let i = 0; i < 300; i++) {
      const size = Math.floor(random() * 20_000);
      const id = pair.client.submitRequest({ headers: request(`/up/${i}`, 'POST'), body: bodyFor(1000 + i, size) });
      sizes.set(id, size);
      requestHashes.set(id, sha256(bodyFor(1000 + i, size)));
    }
    pair.pumpUntil(() => client.closed.size === 300, 200_000);
    for (const [id] of sizes) {
      expect(client.closed.get(id)).toBe(0);
      expect(serverLog.hash(id)).toBe(requestHashes.get(id));
      expect(client.hash(id)).toBe(sha256(bodyFor(id + 1, (id * 37) % 20_000)));
    }
    expect(pair.client.isClosed).toBe(false);
    expect(pair.server.isClosed).toBe(false);
  });

  it('every byte delivered on its own (1-byte reads both ways) changes nothing', () => {
    const pair = new Pair({ version, chunk: () => 1 });
    const serverLog = serve(pair, (id) => bodyFor(id, 5_000));
    const client = clientLog(pair);
    const ids = [0, 1, 2].map((i) => pair.client.submitRequest({ headers: request(`/one/${i}`, 'POST'), body: bodyFor(50 + i, 3_000) }));
    pair.pumpUntil(() => ids.every((id) => client.closed.has(id)), 100_000);
    ids.forEach((id, i) => {
      expect(client.closed.get(id)).toBe(0);
      expect(serverLog.hash(id)).toBe(sha256(bodyFor(50 + i, 3_000)));
      expect(client.hash(id)).toBe(sha256(bodyFor(id, 5_000)));
    });
  });

  it('keep-alive PINGs answered by the peer keep an idle session up; the server\'s idle timeout then ends it with GOAWAY', () => {
    const pair = new Pair({ version, client: { keepAliveInterval: 1_000, pingTimeout: 500 }, server: { idleTimeout: 10_000 } });
    pair.pump();
    for (let i = 0; i < 9; i++) {
      pair.advance(999);
      pair.pump();
    }
    const acks = pair.clientEvents.filter((e) => e.type === 'pingAcknowledged');
    expect(acks.length).toBeGreaterThanOrEqual(1);
    expect(pair.client.isClosed).toBe(false);
    // Pings are input for the server too: it idles out only once they stop (only its clock moves now).
    pair.now += 10_000;
    pair.server.handleTimeout(pair.now);
    pair.pump();
    expect(pair.serverEvents.filter((e) => e.type === 'sessionClosed')).toEqual([expect.objectContaining({ reason: 'idle' })]);
    expect(pair.clientEvents.filter((e) => e.type === 'goawayReceived')).toHaveLength(1);
    expect(pair.client.isClosed).toBe(true);
  });

  it('push: every pushed resource arrives with its associated stream and intact body', () => {
    const pair = new Pair({ version, chunk: chunked(2) });
    const pushedBodies = new Map<string, Uint8Array>();
    serve(
      pair,
      () => new TextEncoder().encode('<html>'),
      (streamId, path) => {
        for (let k = 0; k < 3; k++) {
          const resource = `${path}/asset${k}.js`;
          const body = pseudoRandomBytes(5000 + k * 1000, resource.length * 31 + streamId);
          pushedBodies.set(resource, body);
          pair.server.submitPush(streamId, {
            requestHeaders: { ':scheme': 'https', ':host': 'example.com', ':path': resource },
            responseHeaders: OK,
            body,
          });
        }
      },
    );
    const client = clientLog(pair);
    const pushes = new Map<number, { associated: number; path: string }>();
    pair.client.on('pushReceived', (e) => pushes.set(e.streamId, { associated: e.associatedStreamId, path: e.headers.find(([n]) => n === ':path')?.[1] ?? '' }));
    const ids = Array.from({ length: 20 }, (_, i) => pair.client.submitRequest({ headers: request(`/page${i}`) }));
    pair.pumpUntil(() => client.closed.size === 20 * 4, 100_000);
    expect(pushes.size).toBe(60);
    for (const [pushId, info] of pushes) {
      expect(pushId % 2).toBe(0);
      expect(ids).toContain(info.associated);
      expect(client.hash(pushId)).toBe(sha256(pushedBodies.get(info.path)!));
      expect(client.closed.get(pushId)).toBe(0);
    }
  });

  it('GOAWAY draining: streams in flight finish, streams the server never saw are reported unprocessed, new ones refused', () => {
    const pair = new Pair({ version, chunk: chunked(3) });
    const serverOpened: number[] = [];
    pair.server.on('streamOpened', (e) => serverOpened.push(e.streamId));
    const pending: number[] = [];
    pair.server.on('requestReceived', (e) => pending.push(e.streamId));
    const client = clientLog(pair);
    const first = Array.from({ length: 10 }, (_, i) => pair.client.submitRequest({ headers: request(`/a${i}`) }));
    pair.pumpUntil(() => pending.length === 10);
    pair.server.submitGoaway();
    // These leave before the client has seen the GOAWAY: the server ignores them.
    const late = Array.from({ length: 3 }, (_, i) => pair.client.submitRequest({ headers: request(`/late${i}`) }));
    let goaway: { lastGoodStreamId: number; unprocessedStreamIds: readonly number[] } | undefined;
    pair.client.on('goawayReceived', (e) => (goaway = e));
    pair.pumpUntil(() => goaway !== undefined);
    expect(goaway!.lastGoodStreamId).toBe(first.at(-1));
    expect([...goaway!.unprocessedStreamIds].sort((a, b) => a - b)).toEqual(late);
    expect(serverOpened).toEqual(first);
    expect(() => pair.client.submitRequest({ headers: request('/after') })).toThrow(SessionStateError);
    for (const id of pending) pair.server.submitResponse(id, OK, bodyFor(id, 3000));
    pair.pumpUntil(() => first.every((id) => client.closed.has(id)));
    for (const id of first) {
      expect(client.closed.get(id)).toBe(0);
      expect(client.hash(id)).toBe(sha256(bodyFor(id, 3000)));
    }
    pair.pump();
    expect(pair.server.isClosed).toBe(true);
    expect(pair.client.isClosed).toBe(true);
  });

  it('a client reset of one request leaves the others intact', () => {
    const pair = new Pair({ version, chunk: chunked(4) });
    pair.server.on('requestReceived', (e) =>
      pair.defer(() => {
        let sent = 0;
        const provider: DataProvider = (max) => {
          if (sent >= 100_000) return { data: new Uint8Array(0), end: true };
          const n = Math.min(max, 100_000 - sent);
          sent += n;
          return { data: bodyFor(e.streamId, 100_000).subarray(sent - n, sent), end: sent === 100_000 };
        };
        pair.server.submitResponse(e.streamId, OK, provider);
      }),
    );
    const client = clientLog(pair);
    const ids = [0, 1, 2].map((i) => pair.client.submitRequest({ headers: request(`/r${i}`) }));
    let cancelled = false;
    pair.client.on('dataChunkReceived', (e) => {
      if (e.streamId !== ids[1] || cancelled) return;
      cancelled = true;
      pair.defer(() => pair.client.submitRstStream(ids[1]!, RstStatus.CANCEL));
    });
    pair.pumpUntil(() => ids.every((id) => client.closed.has(id)), 100_000);
    expect(client.closed.get(ids[1]!)).toBe(RstStatus.CANCEL);
    for (const id of [ids[0]!, ids[2]!]) {
      expect(client.closed.get(id)).toBe(0);
      expect(client.hash(id)).toBe(sha256(bodyFor(id, 100_000)));
    }
    expect(pair.server.isClosed).toBe(false);
  });
});

describe.each(ALL_VERSIONS)('SPDY/%s settings and priorities end to end', (version) => {
  it('MAX_CONCURRENT_STREAMS lowered mid-run: streams in flight beyond it are REFUSED_STREAM, retried, and all complete', () => {
    const pair = new Pair({ version, chunk: chunked(21) });
    serve(pair, (id) => bodyFor(id, 2_000));
    const client = clientLog(pair);
    const wanted = new Map<number, number>(); // stream id -> request number
    const done = new Map<number, string>(); // request number -> body hash
    let refused = 0;
    let lowered = false;
    pair.client.on('streamClosed', (e) => {
      const n = wanted.get(e.streamId);
      if (n === undefined) return;
      if (e.status === 0) done.set(n, client.hash(e.streamId));
      else {
        expect(e.status).toBe(RstStatus.REFUSED_STREAM);
        refused++;
        pair.defer(() => wanted.set(pair.client.submitRequest({ headers: request(`/retry/${n}`) }), n));
      }
      if (!lowered && done.size >= 20) {
        lowered = true;
        pair.defer(() => pair.server.submitSettings([{ id: SettingsId.MAX_CONCURRENT_STREAMS, flags: 0, value: 3 }]));
      }
    });
    for (let n = 0; n < 150; n++) wanted.set(pair.client.submitRequest({ headers: request(`/${n}`) }), n);
    pair.pumpUntil(() => done.size === 150, 1_000_000);
    expect(lowered).toBe(true);
    for (const [id, n] of wanted) if (client.closed.get(id) === 0) expect(done.get(n)).toBe(sha256(bodyFor(id, 2_000)));
    // The run is deterministic (seeded chunking): streams already sent when the SETTINGS arrived were refused and retried.
    expect(refused).toBeGreaterThan(0);
    expect(wanted.size).toBe(150 + refused);
  });

  it('a small high-priority response overtakes a large low-priority one already in progress', () => {
    const pair = new Pair({ version, chunk: chunked(22), maxPull: 16_384 });
    serve(pair, (_id, path) => (path === '/big' ? bodyFor(1, 2_000_000) : bodyFor(2, 1_000)));
    const order: number[] = [];
    pair.client.on('streamClosed', (e) => order.push(e.streamId));
    const big = pair.client.submitRequest({ headers: request('/big'), priority: pair.client.lowestPriority });
    let small = 0;
    let started = false;
    pair.client.on('dataChunkReceived', (e) => {
      if (e.streamId !== big || started) return;
      started = true;
      pair.defer(() => (small = pair.client.submitRequest({ headers: request('/small'), priority: 0 })));
    });
    pair.pumpUntil(() => order.length === 2, 1_000_000);
    expect(order).toEqual([small, big]);
  });
});

describe.each(FLOW_VERSIONS)('SPDY/%s without HTTP layering (spdystream-style multiplexing)', (version) => {
  it('both sides open plain streams, exchange data both ways and half-close independently', () => {
    const plain = { validateHttp: false };
    const pair = new Pair({ version, client: plain, server: plain, chunk: chunked(31) });
    const serverLog = new StreamLog();
    const clientLog2 = new StreamLog();
    for (const type of ['dataChunkReceived', 'streamEnded', 'streamClosed'] as const) {
      pair.server.on(type, (e) => serverLog.add(e));
      pair.client.on(type, (e) => clientLog2.add(e));
    }
    // The server accepts the client's streams and echoes what it receives, reversed, once the client half-closes.
    pair.server.on('streamOpened', (e) => pair.defer(() => pair.server.submitSynReply(e.streamId, { accepted: 'yes' })));
    pair.server.on('streamEnded', (e) =>
      pair.defer(() => {
        if (pair.server.streamState(e.streamId) !== 'half-closed-remote') return;
        pair.server.submitData(e.streamId, serverLog.body(e.streamId).slice().reverse(), { fin: true });
      }),
    );
    // The client accepts the server's streams and answers "ack".
    pair.client.on('streamOpened', (e) => pair.defer(() => pair.client.submitSynReply(e.streamId, { accepted: 'yes' })));
    pair.client.on('streamEnded', (e) =>
      pair.defer(() => {
        if (pair.client.streamState(e.streamId) === 'half-closed-remote') pair.client.submitData(e.streamId, 'ack', { fin: true });
      }),
    );
    const up = [0, 1, 2].map((i) => {
      const id = pair.client.submitSynStream({ headers: { streamtype: 'data', port: String(8000 + i) } });
      pair.client.submitData(id, bodyFor(id, 70_000));
      pair.client.submitData(id, new Uint8Array(0), { fin: true });
      return id;
    });
    const down = pair.server.submitSynStream({ headers: { streamtype: 'error' } });
    pair.server.submitData(down, 'from the server', { fin: true });
    pair.pumpUntil(() => [...up, down].every((id) => clientLog2.closed.has(id)), 1_000_000);
    expect(down % 2).toBe(0);
    for (const id of up) {
      expect(clientLog2.closed.get(id)).toBe(0);
      expect(serverLog.hash(id)).toBe(sha256(bodyFor(id, 70_000)));
      expect(clientLog2.hash(id)).toBe(sha256(bodyFor(id, 70_000).slice().reverse()));
    }
    expect(new TextDecoder().decode(serverLog.body(down))).toBe('ack');
    expect(new TextDecoder().decode(clientLog2.body(down))).toBe('from the server');
  });
});

describe.each(FLOW_VERSIONS)('SPDY/%s flow control end to end', (version) => {
  const windows = [1, 100, 16_384, 65_535, 1 << 20, 2 ** 31 - 1];
  it.each(windows)('receive windows of %i bytes deliver a body both ways intact', (window) => {
    const size = window < 100 ? 3_000 : 300_000;
    const options: Partial<SessionOptions> = { initialWindowSize: window, ...(version === 3.1 ? { sessionWindowSize: Math.max(window, 65_536) } : {}) };
    const pair = new Pair({ version, client: options, server: options, chunk: chunked(window) });
    const serverLog = serve(pair, (id) => bodyFor(id, size));
    const client = clientLog(pair);
    const id = pair.client.submitRequest({ headers: request('/echo', 'POST'), body: bodyFor(99, size) });
    pair.pumpUntil(() => client.closed.has(id), 2_000_000);
    expect(client.closed.get(id)).toBe(0);
    expect(serverLog.hash(id)).toBe(sha256(bodyFor(99, size)));
    expect(client.hash(id)).toBe(sha256(bodyFor(id, size)));
  });

  it('a session window of 2^31-1 (3.1) or none (3) with tiny stream windows still completes', () => {
    const options: Partial<SessionOptions> = { initialWindowSize: 10, ...(version === 3.1 ? { sessionWindowSize: 2 ** 31 - 1 } : {}) };
    const pair = new Pair({ version, client: options, server: options, chunk: chunked(11) });
    serve(pair, (id) => bodyFor(id, 2_000));
    const client = clientLog(pair);
    const ids = [0, 1, 2, 3].map((i) => pair.client.submitRequest({ headers: request(`/${i}`) }));
    pair.pumpUntil(() => ids.every((id) => client.closed.has(id)), 2_000_000);
    for (const id of ids) expect(client.hash(id)).toBe(sha256(bodyFor(id, 2_000)));
  });

  it('SETTINGS_INITIAL_WINDOW_SIZE changing mid-transfer (down, up, down) never corrupts or stalls a body', () => {
    const pair = new Pair({ version, chunk: chunked(5), maxPull: 20_000 });
    const size = 2 * 1024 * 1024;
    serve(pair, (id) => bodyFor(id, size));
    const client = clientLog(pair);
    const id = pair.client.submitRequest({ headers: request('/big') });
    const steps = [1024, 1 << 20, 100, 65_536, 7];
    let received = 0;
    let step = 0;
    pair.client.on('dataChunkReceived', (e) => {
      received += e.data.length;
      if (step < steps.length && received > (step + 1) * 300_000) {
        const value = steps[step++]!;
        pair.defer(() => pair.client.submitSettings([{ id: SettingsId.INITIAL_WINDOW_SIZE, flags: 0, value }]));
      }
    });
    pair.pumpUntil(() => client.closed.has(id), 5_000_000);
    expect(step).toBe(steps.length);
    expect(client.closed.get(id)).toBe(0);
    expect(client.hash(id)).toBe(sha256(bodyFor(id, size)));
  });

  it('manual flow control: the sender waits for consume(), and resumes as the application consumes', () => {
    const pair = new Pair({ version, client: { flowControl: 'manual' } });
    const size = 500_000;
    serve(pair, (id) => bodyFor(id, size));
    const client = clientLog(pair);
    const id = pair.client.submitRequest({ headers: request('/slow') });
    pair.pump();
    const firstBatch = client.body(id).length;
    expect(firstBatch).toBeLessThanOrEqual(65_536);
    expect(client.closed.has(id)).toBe(false);
    // Consume in steps; every step releases more.
    let consumed = 0;
    for (let i = 0; i < 1000 && !client.closed.has(id); i++) {
      const have = client.body(id).length;
      if (have > consumed) {
        pair.client.consume(id, have - consumed);
        consumed = have;
      }
      pair.pump();
    }
    expect(client.closed.get(id)).toBe(0);
    expect(client.hash(id)).toBe(sha256(bodyFor(id, size)));
  });
});

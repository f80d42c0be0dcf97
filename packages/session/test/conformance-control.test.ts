/**
 * SETTINGS (§2.6.4), PING (§2.6.5) and the scheduling of outbound frames by
 * priority (§2.3.3, §2.5), one session per case, frame by frame.
 */

import { Flag, SettingsFlag, SettingsId, encodeFrame } from '@spdy/frames';
import { describe, expect, it } from 'vitest';
import { ALL_VERSIONS, type Received, ofType, started } from './support/peer.js';

const GET = { ':method': 'GET', ':path': '/', ':version': 'HTTP/1.1', ':scheme': 'https', ':host': 'a' };
const OK = { ':status': '200', ':version': 'HTTP/1.1' };

function synIds(frames: readonly Received[]): number[] {
  return ofType(frames, 'SYN_STREAM').map((f) => f.streamId);
}

describe.each(ALL_VERSIONS)('SPDY/%s', (version) => {
  describe('SETTINGS', () => {
    it('2.6.4: our first frame is SETTINGS with the MAX_CONCURRENT_STREAMS we enforce', () => {
      for (const side of ['client', 'server'] as const) {
        const peer = started({ side, version, maxConcurrentStreams: 7 });
        const first = peer.written[0]!;
        expect(first.type).toBe('SETTINGS');
        if (first.type !== 'SETTINGS') continue;
        expect(first.entries).toContainEqual({ id: SettingsId.MAX_CONCURRENT_STREAMS, flags: 0, value: 7 });
      }
    });

    it('2.6.4: entries go lowest id first, and no id repeats within one SETTINGS frame', () => {
      const peer = started({
        side: 'client',
        version,
        maxConcurrentStreams: 50,
        initialWindowSize: 1 << 20,
        persistedSettings: [
          { id: SettingsId.ROUND_TRIP_TIME, flags: SettingsFlag.PERSISTED, value: 80 },
          { id: SettingsId.MAX_CONCURRENT_STREAMS, flags: SettingsFlag.PERSISTED, value: 20 },
        ],
      });
      const frames = ofType(peer.written, 'SETTINGS');
      expect(frames.length).toBeGreaterThan(0);
      for (const f of frames) {
        const ids = f.entries.map((e) => e.id);
        expect(ids).toEqual([...ids].sort((a, b) => a - b));
        expect(new Set(ids).size).toBe(ids.length);
      }
      const all = frames.flatMap((f) => f.entries);
      expect(all).toContainEqual({ id: SettingsId.MAX_CONCURRENT_STREAMS, flags: 0, value: 50 });
      expect(all).toContainEqual({ id: SettingsId.MAX_CONCURRENT_STREAMS, flags: SettingsFlag.PERSISTED, value: 20 });
      if (version !== 2) expect(all).toContainEqual({ id: SettingsId.INITIAL_WINDOW_SIZE, flags: 0, value: 1 << 20 });
    });

    it('2.6.4: the peer\'s MAX_CONCURRENT_STREAMS queues our new streams until one closes', () => {
      const peer = started({ side: 'client', version });
      peer.settings([{ id: SettingsId.MAX_CONCURRENT_STREAMS, flags: 0, value: 2 }]);
      const ids = [0, 1, 2].map((i) => peer.session.submitRequest({ headers: GET, userData: `req${i}` }));
      expect(ids).toEqual([1, 3, 5]);
      expect(synIds(peer.read())).toEqual([1, 3]);
      expect(peer.eventsOf('streamStarted')).toEqual([]);
      peer.synReply(3, peer.responseHeaders(), Flag.FIN);
      expect(synIds(peer.read())).toEqual([5]);
      expect(peer.eventsOf('streamStarted')).toEqual([expect.objectContaining({ streamId: 5, userData: 'req2' })]);
    });

    it('2.6.4: a queued stream reset before it starts never reaches the wire', () => {
      const peer = started({ side: 'client', version });
      peer.settings([{ id: SettingsId.MAX_CONCURRENT_STREAMS, flags: 0, value: 1 }]);
      const a = peer.session.submitRequest({ headers: GET });
      const b = peer.session.submitRequest({ headers: GET, userData: 'b' });
      expect(synIds(peer.read())).toEqual([a]);
      peer.session.submitRstStream(b, 5);
      expect(peer.eventsOf('streamClosed')).toEqual([expect.objectContaining({ streamId: b, status: 5, userData: 'b' })]);
      peer.synReply(a, peer.responseHeaders(), Flag.FIN);
      const out = peer.read();
      expect(synIds(out)).toEqual([]);
      expect(ofType(out, 'RST_STREAM')).toEqual([]);
    });

    it('2.6.4: a raised MAX_CONCURRENT_STREAMS releases queued streams', () => {
      const peer = started({ side: 'client', version });
      peer.settings([{ id: SettingsId.MAX_CONCURRENT_STREAMS, flags: 0, value: 1 }]);
      [0, 1, 2].forEach(() => peer.session.submitRequest({ headers: GET }));
      expect(synIds(peer.read())).toEqual([1]);
      peer.settings([{ id: SettingsId.MAX_CONCURRENT_STREAMS, flags: 0, value: 10 }]);
      expect(synIds(peer.read())).toEqual([3, 5]);
    });

    it('2.3.2: streams beyond our MAX_CONCURRENT_STREAMS are refused with REFUSED_STREAM', () => {
      const peer = started({ side: 'server', version, maxConcurrentStreams: 2 });
      peer.synStream({ streamId: 1 });
      peer.synStream({ streamId: 3 });
      peer.synStream({ streamId: 5 });
      expect(ofType(peer.read(), 'RST_STREAM')).toEqual([expect.objectContaining({ streamId: 5, status: 3 })]);
      expect(peer.eventsOf('streamOpened').map((e) => e.streamId)).toEqual([1, 3]);
      // Once one closes, a new stream is accepted.
      peer.rst(1, 5);
      peer.synStream({ streamId: 7 });
      expect(peer.eventsOf('streamOpened').map((e) => e.streamId)).toEqual([1, 3, 7]);
    });

    it('2.3.2: a flood of 5,000 SYN_STREAMs leaves at most MAX_CONCURRENT_STREAMS open and refuses the rest', () => {
      const peer = started({ side: 'server', version, maxConcurrentStreams: 100 });
      for (let i = 0; i < 5000; i++) peer.synStream({ streamId: 2 * i + 1 });
      const refused = ofType(peer.read(), 'RST_STREAM');
      expect(refused).toHaveLength(4900);
      expect(refused.every((f) => f.status === 3)).toBe(true);
      expect(peer.eventsOf('streamOpened')).toHaveLength(100);
      let live = 0;
      for (let id = 1; id < 10_000; id += 2) if (peer.session.streamState(id) === 'open') live++;
      expect(live).toBe(100);
      expect(peer.session.isClosed).toBe(false);
    });

    it('2.6.4: the first value wins when an id repeats in one SETTINGS frame', () => {
      const peer = started({ side: 'client', version });
      peer.settings([
        { id: SettingsId.MAX_CONCURRENT_STREAMS, flags: 0, value: 1 },
        { id: SettingsId.MAX_CONCURRENT_STREAMS, flags: 0, value: 100 },
      ]);
      peer.session.submitRequest({ headers: GET });
      peer.session.submitRequest({ headers: GET });
      expect(synIds(peer.read())).toEqual([1]);
      expect(peer.eventsOf('settingsReceived')).toHaveLength(1);
    });

    it('2.6.4: a later SETTINGS frame overrides an earlier value', () => {
      const peer = started({ side: 'client', version });
      peer.settings([{ id: SettingsId.MAX_CONCURRENT_STREAMS, flags: 0, value: 1 }]);
      peer.settings([{ id: SettingsId.MAX_CONCURRENT_STREAMS, flags: 0, value: 2 }]);
      [0, 1, 2].forEach(() => peer.session.submitRequest({ headers: GET }));
      expect(synIds(peer.read())).toEqual([1, 3]);
    });

    it('2.6.4: a client keeps the values the server asks it to persist, and only those', () => {
      const peer = started({ side: 'client', version });
      peer.settings([
        { id: SettingsId.ROUND_TRIP_TIME, flags: SettingsFlag.PERSIST_VALUE, value: 120 },
        { id: SettingsId.MAX_CONCURRENT_STREAMS, flags: 0, value: 50 },
      ]);
      peer.settings([{ id: SettingsId.UPLOAD_BANDWIDTH, flags: SettingsFlag.PERSIST_VALUE, value: 900 }]);
      const persisted = [...peer.session.persistedSettings].sort((a, b) => a.id - b.id);
      expect(persisted.map((e) => [e.id, e.value])).toEqual([
        [SettingsId.UPLOAD_BANDWIDTH, 900],
        [SettingsId.ROUND_TRIP_TIME, 120],
      ]);
    });

    it('2.6.4: FLAG_SETTINGS_CLEAR_SETTINGS clears persisted values, then persists the frame\'s flagged ones', () => {
      const peer = started({ side: 'client', version });
      peer.settings([{ id: SettingsId.ROUND_TRIP_TIME, flags: SettingsFlag.PERSIST_VALUE, value: 120 }]);
      peer.settings([{ id: SettingsId.CURRENT_CWND, flags: SettingsFlag.PERSIST_VALUE, value: 10 }], Flag.SETTINGS_CLEAR_SETTINGS);
      expect(peer.session.persistedSettings.map((e) => [e.id, e.value])).toEqual([[SettingsId.CURRENT_CWND, 10]]);
    });

    it('2.6.4: a client returns persisted values with FLAG_SETTINGS_PERSISTED in its first SETTINGS', () => {
      const peer = started({
        side: 'client',
        version,
        persistedSettings: [{ id: SettingsId.ROUND_TRIP_TIME, flags: SettingsFlag.PERSIST_VALUE, value: 120 }],
      });
      const settings = ofType(peer.written, 'SETTINGS');
      expect(settings.flatMap((s) => s.entries)).toContainEqual({ id: SettingsId.ROUND_TRIP_TIME, flags: SettingsFlag.PERSISTED, value: 120 });
    });

    it('2.6.4: a server ignores persistence flags from a client (nothing persisted, value applied)', () => {
      const peer = started({ side: 'server', version });
      peer.settings([{ id: SettingsId.MAX_CONCURRENT_STREAMS, flags: SettingsFlag.PERSIST_VALUE, value: 1 }]);
      expect(peer.session.persistedSettings).toEqual([]);
      peer.synStream({ streamId: 1 });
      // A deferred body keeps each push open (a push without a body would close as its SYN_STREAM leaves).
      const push = () =>
        peer.session.submitPush(1, { requestHeaders: { ':scheme': 'https', ':host': 'a', ':path': '/x' }, responseHeaders: OK, body: () => 'deferred' });
      push();
      push();
      // The client allows one concurrent stream it did not open: the second push waits.
      expect(synIds(peer.read())).toEqual([2]);
      peer.rst(2, 5);
      expect(synIds(peer.read())).toEqual([4]);
    });

    it('2.6.4: a server never asks a client to persist, and a client never sends PERSIST_VALUE', () => {
      for (const side of ['client', 'server'] as const) {
        const peer = started({ side, version });
        for (const s of ofType(peer.written, 'SETTINGS')) {
          for (const e of s.entries) expect(e.flags & SettingsFlag.PERSIST_VALUE).toBe(0);
        }
      }
    });

    it('2.6.4: submitSettings sends our entries and applies MAX_CONCURRENT_STREAMS to later streams', () => {
      const peer = started({ side: 'server', version });
      peer.session.submitSettings([{ id: SettingsId.MAX_CONCURRENT_STREAMS, flags: 0, value: 1 }]);
      expect(ofType(peer.read(), 'SETTINGS')).toEqual([
        expect.objectContaining({ entries: [{ id: SettingsId.MAX_CONCURRENT_STREAMS, flags: 0, value: 1 }] }),
      ]);
      peer.synStream({ streamId: 1 });
      peer.synStream({ streamId: 3 });
      expect(ofType(peer.read(), 'RST_STREAM')).toEqual([expect.objectContaining({ streamId: 3, status: 3 })]);
    });
  });

  describe('PING', () => {
    it('2.6.5: client ping ids are odd, server ping ids even, each one new', () => {
      const client = started({ side: 'client', version });
      const server = started({ side: 'server', version });
      const c = [client.session.submitPing(), client.session.submitPing()];
      const s = [server.session.submitPing(), server.session.submitPing()];
      expect(c.every((id) => id % 2 === 1)).toBe(true);
      expect(s.every((id) => id % 2 === 0 && id !== 0)).toBe(true);
      expect(c[0]).not.toBe(c[1]);
      expect(s[0]).not.toBe(s[1]);
      expect(ofType(client.read(), 'PING').map((f) => f.id)).toEqual(c);
      expect(ofType(server.read(), 'PING').map((f) => f.id)).toEqual(s);
    });

    it('2.6.5: a PING from the peer is echoed with the same id', () => {
      const peer = started({ side: 'server', version });
      peer.ping(7);
      expect(peer.read()).toEqual([expect.objectContaining({ type: 'PING', id: 7 })]);
      expect(peer.eventsOf('pingAcknowledged')).toEqual([]);
    });

    it('2.6.5: the echo goes out ahead of frames already queued', () => {
      const peer = started({ side: 'server', version, ignorePeerFlowControl: true });
      peer.synStream({ streamId: 1, flags: Flag.FIN });
      peer.session.submitResponse(1, OK, new Uint8Array(200_000));
      peer.ping(9);
      const out = peer.read();
      expect(out[0]).toEqual(expect.objectContaining({ type: 'PING', id: 9 }));
    });

    it('2.6.5: the echo of our PING yields its round-trip time from the clock we pass', () => {
      const peer = started({ side: 'client', version });
      peer.now = 1000;
      const id = peer.session.submitPing(1000);
      peer.read();
      peer.now = 1042;
      peer.ping(id);
      expect(peer.eventsOf('pingAcknowledged')).toEqual([{ type: 'pingAcknowledged', id, rtt: 42 }]);
      expect(peer.read()).toEqual([]);
    });

    it('2.6.5: an unsolicited PING with our own parity is ignored', () => {
      const client = started({ side: 'client', version });
      client.ping(101);
      expect(client.read()).toEqual([]);
      expect(client.eventsOf('pingAcknowledged')).toEqual([]);
      const server = started({ side: 'server', version });
      server.ping(100);
      expect(server.read()).toEqual([]);
      expect(server.session.isClosed).toBe(false);
    });

    it('2.6.5: an echo arriving twice is acknowledged once', () => {
      const peer = started({ side: 'client', version });
      const id = peer.session.submitPing();
      peer.read();
      peer.ping(id);
      peer.ping(id);
      expect(peer.eventsOf('pingAcknowledged')).toHaveLength(1);
      expect(peer.read()).toEqual([]);
    });
  });

  describe('priorities', () => {
    it(`2.3.3: priorities run from 0 to ${version === 2 ? 3 : 7}; a higher one is a caller error`, () => {
      const peer = started({ side: 'client', version });
      const lowest = version === 2 ? 3 : 7;
      expect(peer.session.lowestPriority).toBe(lowest);
      const id = peer.session.submitRequest({ headers: GET, priority: lowest });
      expect(ofType(peer.read(), 'SYN_STREAM')).toEqual([expect.objectContaining({ streamId: id, priority: lowest })]);
      expect(() => peer.session.submitRequest({ headers: GET, priority: lowest + 1 })).toThrow(RangeError);
    });

    it('2.3.3: the priority of a received stream is reported', () => {
      const peer = started({ side: 'server', version });
      peer.synStream({ streamId: 1, priority: 2 });
      expect(peer.eventsOf('streamOpened')).toEqual([expect.objectContaining({ streamId: 1, priority: 2 })]);
    });

    it('2.3.3: DATA of a higher-priority stream goes first', () => {
      const peer = started({ side: 'server', version });
      peer.synStream({ streamId: 1, priority: peer.session.lowestPriority, flags: Flag.FIN });
      peer.synStream({ streamId: 3, priority: 0, flags: Flag.FIN });
      peer.session.submitResponse(1, OK, new Uint8Array(40_000));
      peer.session.submitResponse(3, OK, new Uint8Array(40_000));
      const order = ofType(peer.read(), 'DATA').map((f) => f.streamId);
      expect(order.indexOf(1)).toBeGreaterThan(order.lastIndexOf(3));
    });

    it('2.5: DATA of streams of equal priority is sent round robin', () => {
      const peer = started({ side: 'server', version, maxOutboundDataFrameSize: 4096 });
      for (const id of [1, 3, 5]) peer.synStream({ streamId: id, priority: 1, flags: Flag.FIN });
      // 3 x 16 KiB fits the peer's 64 KiB session window of 3.1 too.
      for (const id of [1, 3, 5]) peer.session.submitResponse(id, OK, new Uint8Array(16_384));
      const order = ofType(peer.read(), 'DATA').map((f) => f.streamId);
      expect(order).toHaveLength(12);
      for (let i = 0; i + 3 <= order.length; i += 3) expect(new Set(order.slice(i, i + 3))).toEqual(new Set([1, 3, 5]));
    });

    it('2.5: one large download does not starve a small response submitted after it', () => {
      const peer = started({ side: 'server', version, ignorePeerFlowControl: true });
      peer.synStream({ streamId: 1, priority: 3, flags: Flag.FIN });
      peer.synStream({ streamId: 3, priority: 3, flags: Flag.FIN });
      peer.session.submitResponse(1, OK, new Uint8Array(1 << 20));
      peer.session.submitResponse(3, OK, 'small');
      const order = ofType(peer.read(), 'DATA').map((f) => f.streamId);
      expect(order.indexOf(3)).toBeLessThan(3);
    });
  });
});

describe('control frame size', () => {
  it('2.2.1: a control frame above maxControlFrameSize is a session error, not a throw', () => {
    const peer = started({ side: 'server', version: 3, maxControlFrameSize: 8192 });
    const big = encodeFrame({ type: 'SETTINGS', flags: 0, entries: Array.from({ length: 1100 }, (_, i) => ({ id: 100 + i, flags: 0, value: i })) }, 3);
    peer.bytes(big);
    expect(ofType(peer.read(), 'GOAWAY')).toHaveLength(1);
    expect(peer.session.isClosed).toBe(true);
  });
});

/**
 * Every callback of spdylay's Session as an event (see
 * shared/reference/python-spdylay-api.rst), the bookkeeping API
 * (wantRead/wantWrite, outbound queue, user data, listeners, send callback)
 * and time as an input (keep-alive PING, PING timeout, idle timeout).
 */

import { Flag, FrameType, GoawayStatus, RstStatus, decodeFrames } from '@spdy/frames';
import { describe, expect, it } from 'vitest';
import { ALPN_PROTOCOLS, Session, alpnToVersion, versionToAlpn } from '../src/index.js';
import type { SessionEvent } from '../src/types.js';
import { ALL_VERSIONS, Peer, ofType, rawControlFrame, started } from './support/peer.js';

const GET = { ':method': 'GET', ':path': '/', ':version': 'HTTP/1.1', ':scheme': 'https', ':host': 'a' };
const OK = { ':status': '200', ':version': 'HTTP/1.1' };

describe.each(ALL_VERSIONS)('SPDY/%s', (version) => {
  describe('spdylay callbacks as events', () => {
    it('on_ctrl_recv_cb: controlFrameReceived, with decoded headers for SYN_STREAM', () => {
      const peer = started({ side: 'server', version });
      peer.synStream({ streamId: 1, flags: Flag.FIN });
      peer.ping(1);
      const received = peer.eventsOf('controlFrameReceived');
      expect(received.map((e) => e.frame.type)).toEqual(['SYN_STREAM', 'PING']);
      expect(received[0]!.headers?.find(([n]) => n === ':method')?.[1]).toBe('GET');
    });

    it('on_invalid_ctrl_recv_cb: invalidControlFrameReceived when a control frame earns a RST_STREAM', () => {
      const peer = started({ side: 'server', version });
      peer.synStream({ streamId: 1 });
      peer.synStream({ streamId: 1 });
      const invalid = peer.eventsOf('invalidControlFrameReceived');
      expect(invalid).toHaveLength(1);
      expect(invalid[0]!.frame.type).toBe('SYN_STREAM');
      expect(invalid[0]!.error.status).toBe(RstStatus.PROTOCOL_ERROR);
    });

    it('on_data_chunk_recv_cb and on_data_recv_cb: dataChunkReceived then dataFrameReceived per DATA frame', () => {
      const peer = started({ side: 'server', version });
      peer.synStream({ streamId: 1 });
      peer.data(1, 'abc');
      peer.data(1, 'de', Flag.FIN);
      const types = peer.events.filter((e) => e.type === 'dataChunkReceived' || e.type === 'dataFrameReceived').map((e) => e.type);
      expect(types).toEqual(['dataChunkReceived', 'dataFrameReceived', 'dataChunkReceived', 'dataFrameReceived']);
      expect(peer.eventsOf('dataFrameReceived')).toEqual([
        { type: 'dataFrameReceived', streamId: 1, flags: 0, length: 3 },
        { type: 'dataFrameReceived', streamId: 1, flags: Flag.FIN, length: 2 },
      ]);
      expect(peer.eventsOf('streamEnded')).toEqual([{ type: 'streamEnded', streamId: 1 }]);
      expect(peer.eventsOf('requestReceived')).toEqual([{ type: 'requestReceived', streamId: 1 }]);
    });

    it('before_ctrl_send_cb and on_ctrl_send_cb: SYN_STREAM announced with its id, then reported sent when pulled', () => {
      const peer = new Peer({ side: 'client', version });
      const id = peer.session.submitRequest({ headers: GET });
      expect(peer.eventsOf('controlFrameSent').filter((e) => e.frame.type === 'SYN_STREAM')).toEqual([]);
      peer.read();
      const before = peer.eventsOf('beforeControlFrameSend').filter((e) => e.frame.type === 'SYN_STREAM');
      const sent = peer.eventsOf('controlFrameSent').filter((e) => e.frame.type === 'SYN_STREAM');
      expect(before).toHaveLength(1);
      expect(sent).toHaveLength(1);
      expect(before[0]!.frame).toEqual(expect.objectContaining({ streamId: id }));
      expect(sent[0]!.headers?.find(([n]) => n === ':path')?.[1]).toBe('/');
      expect(peer.events.indexOf(before[0]!)).toBeLessThan(peer.events.indexOf(sent[0]!));
      expect(peer.eventsOf('controlFrameSent').map((e) => e.frame.type)).toContain('SETTINGS');
    });

    it('on_ctrl_not_send_cb: a queued SYN_REPLY dropped because the peer reset the stream', () => {
      const peer = started({ side: 'server', version });
      peer.synStream({ streamId: 1, flags: Flag.FIN });
      peer.session.submitSynReply(1, OK);
      peer.rst(1, RstStatus.CANCEL);
      expect(ofType(peer.read(), 'SYN_REPLY')).toEqual([]);
      const notSent = peer.eventsOf('controlFrameNotSent');
      expect(notSent).toHaveLength(1);
      expect(notSent[0]!.frame.type).toBe('SYN_REPLY');
      expect(typeof notSent[0]!.reason).toBe('string');
    });

    it('on_data_send_cb: dataSent per DATA frame pulled', () => {
      const peer = started({ side: 'server', version, maxOutboundDataFrameSize: 10 });
      peer.synStream({ streamId: 1, flags: Flag.FIN });
      peer.session.submitResponse(1, OK, 'x'.repeat(25));
      expect(peer.eventsOf('dataSent')).toEqual([]);
      peer.read();
      expect(peer.eventsOf('dataSent')).toEqual([
        { type: 'dataSent', streamId: 1, flags: 0, length: 10 },
        { type: 'dataSent', streamId: 1, flags: 0, length: 10 },
        { type: 'dataSent', streamId: 1, flags: Flag.FIN, length: 5 },
      ]);
    });

    it('on_stream_close_cb: streamClosed once, with the user data still readable', () => {
      const peer = started({ side: 'client', version });
      const id = peer.session.submitRequest({ headers: GET, userData: { name: 'req' } });
      peer.flush();
      expect(peer.session.getStreamUserData(id)).toEqual({ name: 'req' });
      peer.session.setStreamUserData(id, 'changed');
      let during: unknown;
      peer.session.on('streamClosed', (e) => {
        during = peer.session.getStreamUserData(e.streamId);
      });
      peer.synReply(id, peer.responseHeaders(), Flag.FIN);
      expect(peer.eventsOf('streamClosed')).toEqual([{ type: 'streamClosed', streamId: id, status: 0, userData: 'changed' }]);
      expect(during).toBe('changed');
    });

    it('on_request_recv_cb: requestReceived when the request is complete (FIN), not before', () => {
      const peer = started({ side: 'server', version });
      peer.synStream({ streamId: 1 });
      expect(peer.eventsOf('requestReceived')).toEqual([]);
      peer.headers(1, { 'x-late': '1' }, Flag.FIN);
      expect(peer.eventsOf('requestReceived')).toEqual([{ type: 'requestReceived', streamId: 1 }]);
    });

    it('on_ctrl_recv_parse_error_cb: controlFrameParseError for a SETTINGS frame whose count does not match its length', () => {
      const peer = started({ side: 'server', version });
      const payload = new Uint8Array([0, 0, 0, 5, 0, 0, 0, 4, 0, 0, 0, 1]);
      peer.bytes(rawControlFrame(FrameType.SETTINGS, 0, payload, peer.wire));
      expect(peer.eventsOf('controlFrameParseError')).toHaveLength(1);
      expect(peer.eventsOf('controlFrameParseError')[0]!.error.scope).toBe('session');
    });

    it(`${version === 2 ? 'draft 2: NOOP' : 'draft 3 §2.6.9: CREDENTIAL'} is accepted and ignored`, () => {
      const peer = started({ side: 'server', version });
      if (version === 2) peer.send({ type: 'NOOP', flags: 0 });
      else peer.send({ type: 'CREDENTIAL', flags: 0, slot: 1, proof: new Uint8Array([1, 2]), certificates: [new Uint8Array([3, 4, 5])] });
      expect(peer.read()).toEqual([]);
      expect(peer.session.isClosed).toBe(false);
      peer.synStream({ streamId: 1, flags: Flag.FIN });
      expect(peer.eventsOf('streamOpened')).toHaveLength(1);
    });

    it('on_unknown_ctrl_recv_cb: unknownControlFrame for a type we do not know', () => {
      const peer = started({ side: 'client', version });
      peer.rawControl(0x123, 0x7, new Uint8Array([9]));
      expect(peer.eventsOf('unknownControlFrame')).toEqual([
        expect.objectContaining({ frame: expect.objectContaining({ type: 'UNKNOWN', frameType: 0x123, flags: 0x7 }) }),
      ]);
    });

    it('spdylay callbacks as listeners: on() receives typed events, off() stops them, onEvent sees every event', () => {
      const seen: string[] = [];
      const all: SessionEvent[] = [];
      const session = new Session({ side: 'server', version, onEvent: (e) => all.push(e) });
      const listener = (e: { streamId: number }) => seen.push(`open ${e.streamId}`);
      session.on('streamOpened', listener);
      // Drive `session` with a client session's bytes.
      const peer = new Peer({ side: 'client', version });
      peer.session.submitRequest({ headers: GET });
      for (let out = peer.session.pull(); out !== undefined; out = peer.session.pull()) session.receive(out.slice());
      session.off('streamOpened', listener);
      peer.session.submitRequest({ headers: GET });
      for (let out = peer.session.pull(); out !== undefined; out = peer.session.pull()) session.receive(out.slice());
      expect(seen).toEqual(['open 1']);
      expect(all.filter((e) => e.type === 'streamOpened')).toHaveLength(2);
    });
  });

  describe('listeners that throw', () => {
    it('spdylay callbacks: an exception from a listener reaches the caller of receive() once the input was processed; the session stays consistent', () => {
      const peer = started({ side: 'server', version });
      let first = true;
      peer.session.on('streamOpened', () => {
        if (first) {
          first = false;
          throw new Error('application bug');
        }
      });
      const bytes = (): Uint8Array => {
        // Two SYN_STREAMs in one receive(): the second is processed although the first listener call threw.
        const client = new Peer({ side: 'client', version });
        client.read();
        client.session.submitRequest({ headers: GET });
        client.session.submitRequest({ headers: GET });
        const out: Uint8Array[] = [];
        for (let b = client.session.pull(); b !== undefined; b = client.session.pull()) out.push(b.slice());
        return Buffer.concat(out);
      };
      expect(() => peer.bytes(bytes())).toThrow('application bug');
      expect(peer.eventsOf('streamOpened').map((e) => e.streamId)).toEqual([1, 3]);
      expect(peer.session.isClosed).toBe(false);
      peer.session.submitResponse(3, OK, 'still fine');
      expect(ofType(peer.read(), 'SYN_REPLY').map((f) => f.streamId)).toEqual([3]);
    });
  });

  describe('bookkeeping', () => {
    it('spdylay want_write and get_outbound_queue_size: wantWrite() reflects queued output, outboundQueueSize counts queued frames', () => {
      const peer = new Peer({ side: 'client', version });
      expect(peer.session.wantWrite()).toBe(true);
      peer.read();
      expect(peer.session.wantWrite()).toBe(false);
      expect(peer.session.outboundQueueSize).toBe(0);
      peer.session.submitPing();
      peer.session.submitPing();
      expect(peer.session.outboundQueueSize).toBe(2);
      expect(peer.session.wantWrite()).toBe(true);
      peer.read();
      expect(peer.session.outboundQueueSize).toBe(0);
      expect(peer.session.wantRead()).toBe(true);
    });

    it('spdylay want_read and want_write: both are false once a GOAWAY went out and every stream closed', () => {
      const peer = started({ side: 'server', version });
      peer.session.submitGoaway(GoawayStatus.OK);
      peer.read();
      expect(peer.session.wantRead()).toBe(false);
      expect(peer.session.wantWrite()).toBe(false);
      expect(peer.session.isClosed).toBe(true);
    });

    it('spdylay send_cb, pull form: pull(maxBytes) never returns more than maxBytes, and the pieces still decode to whole, valid frames', () => {
      const peer = started({ side: 'server', version });
      peer.synStream({ streamId: 1, flags: Flag.FIN });
      peer.session.submitResponse(1, OK, 'y'.repeat(3000));
      peer.session.submitPing();
      const chunks: Uint8Array[] = [];
      for (let i = 0; i < 10_000; i++) {
        const out = peer.session.pull(100);
        if (out === undefined) break;
        expect(out.length).toBeGreaterThan(0);
        expect(out.length).toBeLessThanOrEqual(100);
        chunks.push(out.slice());
      }
      const { frames, error, offset } = decodeFrames(Buffer.concat(chunks), { version: peer.wire });
      expect(error).toBeUndefined();
      expect(offset).toBe(Buffer.concat(chunks).length);
      // PING goes first (§2.6.5), whatever was queued before it.
      expect(frames.map((f) => f.type).filter((t) => t !== 'DATA')).toEqual(['PING', 'SYN_REPLY']);
      const data = frames.filter((f) => f.type === 'DATA');
      expect(Buffer.concat(data.map((d) => (d.type === 'DATA' ? d.data : new Uint8Array(0)))).toString()).toBe('y'.repeat(3000));
    });

    it('spdylay send_cb, pull form: a frame that fits maxBytes is never split across pull() calls', () => {
      const peer = started({ side: 'server', version, maxOutboundDataFrameSize: 1000 });
      peer.synStream({ streamId: 1, flags: Flag.FIN });
      peer.session.submitResponse(1, OK, new Uint8Array(20_000));
      let pulls = 0;
      for (let out = peer.session.pull(2500); out !== undefined; out = peer.session.pull(2500)) {
        pulls++;
        const { error, offset } = decodeFrames(out.slice(), { version: peer.wire });
        expect(error).toBeUndefined();
        expect(offset).toBe(out.length);
        expect(pulls).toBeLessThan(100);
      }
      expect(pulls).toBeGreaterThan(1);
    });

    it('spdylay Session.send and send_cb: the callback may take part of the bytes or none; nothing is lost', () => {
      const taken: Uint8Array[] = [];
      let budget = 0;
      const session = new Session({
        side: 'server',
        version,
        send: (bytes) => {
          const n = Math.min(budget, bytes.length);
          budget -= n;
          taken.push(bytes.slice(0, n));
          return n;
        },
      });
      expect(session.send()).toBe(0);
      budget = 5;
      expect(session.send()).toBe(5);
      budget = 1 << 20;
      const rest = session.send();
      expect(rest).toBeGreaterThan(0);
      expect(session.wantWrite()).toBe(false);
      const check = new Peer({ side: 'server', version });
      const expected = Buffer.concat([...(function* () {
        for (let out = check.session.pull(); out !== undefined; out = check.session.pull()) yield out.slice();
      })()]);
      expect(Buffer.concat(taken).equals(expected)).toBe(true);
    });

    it('spdylay get_npn_protocols and npn_get_version, as ALPN helpers: every version has a name', () => {
      expect(ALPN_PROTOCOLS).toEqual(['spdy/3.1', 'spdy/3', 'spdy/2']);
      expect(alpnToVersion(versionToAlpn(version))).toBe(version);
      expect(alpnToVersion('h2')).toBeUndefined();
    });

    it('2.3.6, 2.3.7: streamState() follows the stream through open, half-closed and closed', () => {
      const peer = started({ side: 'server', version });
      expect(peer.session.streamState(1)).toBeUndefined();
      peer.synStream({ streamId: 1 });
      expect(peer.session.streamState(1)).toBe('open');
      peer.data(1, '', Flag.FIN);
      expect(peer.session.streamState(1)).toBe('half-closed-remote');
      peer.session.submitResponse(1, OK);
      peer.read();
      expect(peer.session.streamState(1) ?? 'closed').toBe('closed');
    });
  });

  describe('time', () => {
    it('2.6.5 as keep-alive: keepAliveInterval sends a PING after the interval without input; pollTimeout() says when', () => {
      const peer = started({ side: 'client', version, keepAliveInterval: 1000 });
      expect(peer.session.pollTimeout()).toBe(1000);
      peer.advance(999);
      expect(ofType(peer.read(), 'PING')).toEqual([]);
      peer.advance(1);
      const pings = ofType(peer.read(), 'PING');
      expect(pings).toHaveLength(1);
      expect(pings[0]!.id % 2).toBe(1);
    });

    it('2.6.5 as keep-alive: pingTimeout ends the session when a PING is left unanswered', () => {
      const peer = started({ side: 'client', version, keepAliveInterval: 1000, pingTimeout: 500 });
      peer.advance(1000);
      peer.read();
      peer.advance(499);
      expect(peer.session.isClosed).toBe(false);
      peer.advance(1);
      expect(peer.session.isClosed).toBe(true);
      expect(peer.eventsOf('sessionClosed')).toEqual([expect.objectContaining({ reason: 'ping-timeout' })]);
    });

    it('2.6.5 as keep-alive: an answered PING keeps the session alive', () => {
      const peer = started({ side: 'client', version, keepAliveInterval: 1000, pingTimeout: 500 });
      peer.advance(1000);
      const ping = ofType(peer.read(), 'PING')[0]!;
      peer.now += 100;
      peer.ping(ping.id);
      peer.advance(450);
      expect(peer.session.isClosed).toBe(false);
      expect(peer.eventsOf('pingAcknowledged')).toEqual([expect.objectContaining({ id: ping.id, rtt: 100 })]);
    });

    it('3.1.1: idleTimeout sends GOAWAY OK after the idle time with no stream and no input', () => {
      const peer = started({ side: 'server', version, idleTimeout: 5000 });
      peer.advance(4999);
      expect(peer.session.isClosed).toBe(false);
      peer.advance(1);
      expect(ofType(peer.read(), 'GOAWAY')).toEqual([expect.objectContaining({ status: GoawayStatus.OK })]);
      expect(peer.eventsOf('sessionClosed')).toEqual([expect.objectContaining({ reason: 'idle' })]);
    });

    it('3.1.1: an open stream keeps the session from idling out', () => {
      const peer = started({ side: 'server', version, idleTimeout: 5000 });
      peer.synStream({ streamId: 1 });
      peer.advance(10_000);
      expect(peer.session.isClosed).toBe(false);
    });
  });
});

/**
 * Stream identifiers, creation and closing (draft 3 §2.3, draft 2 "Streams"),
 * and GOAWAY (§2.6.6, §3.1.1). One session per case, driven frame by frame.
 */

import { Flag, GoawayStatus, MAX_STREAM_ID, RstStatus, encodeFrame } from '@spdy/frames';
import { describe, expect, it } from 'vitest';
import { SessionStateError } from '../src/index.js';
import { ALL_VERSIONS, FLOW_VERSIONS, ofType, rstFor, started } from './support/peer.js';

describe.each(ALL_VERSIONS)('SPDY/%s', (version) => {
  describe('stream ids', () => {
    it('2.3.2: our stream ids are odd on a client and increase by 2', () => {
      const peer = started({ side: 'client', version });
      const ids = [0, 1, 2].map(() => peer.session.submitRequest({ headers: { ':method': 'GET', ':path': '/', ':version': 'HTTP/1.1', ':scheme': 'https', ':host': 'a' } }));
      expect(ids).toEqual([1, 3, 5]);
      const syns = ofType(peer.read(), 'SYN_STREAM');
      expect(syns.map((f) => f.streamId)).toEqual([1, 3, 5]);
    });

    it('2.3.2: SYN_STREAMs leave in id order even when priorities differ', () => {
      const peer = started({ side: 'client', version });
      const h = { ':method': 'GET', ':path': '/', ':version': 'HTTP/1.1', ':scheme': 'https', ':host': 'a' };
      peer.session.submitRequest({ headers: h, priority: peer.session.lowestPriority });
      peer.session.submitRequest({ headers: h, priority: 0 });
      expect(ofType(peer.read(), 'SYN_STREAM').map((f) => f.streamId)).toEqual([1, 3]);
    });

    it('2.3.2: our pushed stream ids are even on a server and increase by 2', () => {
      const peer = started({ side: 'server', version });
      peer.synStream({ streamId: 1, flags: Flag.FIN });
      const push = (path: string) =>
        peer.session.submitPush(1, { requestHeaders: { ':scheme': 'https', ':host': 'example.com', ':path': path }, responseHeaders: { ':status': '200', ':version': 'HTTP/1.1' } });
      expect([push('/a'), push('/b')]).toEqual([2, 4]);
      expect(ofType(peer.read(), 'SYN_STREAM').map((f) => f.streamId)).toEqual([2, 4]);
    });

    it('2.3.2: a client stream id must be odd: an even one is a session error PROTOCOL_ERROR', () => {
      const peer = started({ side: 'server', version });
      peer.synStream({ streamId: 1, flags: Flag.FIN });
      peer.synStream({ streamId: 2 });
      expect(peer.eventsOf('streamOpened').map((e) => e.streamId)).toEqual([1]);
      expect(ofType(peer.read(), 'GOAWAY')).toEqual([expect.objectContaining({ lastGoodStreamId: 1, status: version === 2 ? 0 : GoawayStatus.PROTOCOL_ERROR })]);
      expect(peer.session.isClosed).toBe(true);
    });

    it('2.3.2: stream id 0 is not valid: a SYN_STREAM on it is a session error', () => {
      const peer = started({ side: 'server', version });
      // Our encoder refuses stream id 0: encode stream 1 and clear the id field (bytes 8-11).
      const bytes = encodeFrame(
        { type: 'SYN_STREAM', streamId: 1, associatedStreamId: 0, priority: 0, slot: 0, flags: Flag.FIN, headerBlock: peer.block(peer.requestHeaders()) },
        peer.wire,
      );
      bytes.fill(0, 8, 12);
      peer.bytes(bytes);
      expect(peer.eventsOf('streamOpened')).toEqual([]);
      const goaways = ofType(peer.read(), 'GOAWAY');
      expect(goaways).toHaveLength(1);
      expect(goaways[0]!.lastGoodStreamId).toBe(0);
      if (version !== 2) expect(goaways[0]!.status).toBe(GoawayStatus.PROTOCOL_ERROR);
      expect(peer.session.isClosed).toBe(true);
    });

    it('2.3.2: stream ids increase: a SYN_STREAM below one already received is a session error (GOAWAY PROTOCOL_ERROR)', () => {
      const peer = started({ side: 'server', version });
      peer.synStream({ streamId: 5, flags: Flag.FIN });
      peer.synStream({ streamId: 3, flags: Flag.FIN });
      expect(peer.eventsOf('streamOpened').map((e) => e.streamId)).toEqual([5]);
      const out = peer.read();
      expect(ofType(out, 'GOAWAY')).toEqual([expect.objectContaining({ lastGoodStreamId: 5, status: version === 2 ? 0 : GoawayStatus.PROTOCOL_ERROR })]);
      expect(ofType(out, 'SYN_REPLY')).toEqual([]);
      expect(peer.session.isClosed).toBe(true);
      expect(peer.eventsOf('sessionError')).toHaveLength(1);
      expect(peer.eventsOf('sessionClosed')).toHaveLength(1);
    });

    it('2.3.2: a second SYN_STREAM for the same stream is a stream error PROTOCOL_ERROR', () => {
      const peer = started({ side: 'server', version });
      peer.synStream({ streamId: 1 });
      peer.synStream({ streamId: 1 });
      const out = peer.read();
      expect(ofType(out, 'RST_STREAM')).toEqual([expect.objectContaining({ streamId: 1, status: RstStatus.PROTOCOL_ERROR })]);
      expect(ofType(out, 'GOAWAY')).toEqual([]);
      // The header block of the duplicate was inflated: the compression state still agrees.
      peer.synStream({ streamId: 3, flags: Flag.FIN });
      expect(peer.eventsOf('streamOpened').map((e) => e.streamId)).toEqual([1, 3]);
      expect(peer.read()).toEqual([]);
      expect(peer.session.isClosed).toBe(false);
    });

    it('2.3.2: ids do not wrap: 2^31-1 is accepted, and nothing can follow it', () => {
      const peer = started({ side: 'server', version });
      peer.synStream({ streamId: MAX_STREAM_ID, flags: Flag.FIN });
      expect(peer.eventsOf('streamOpened').map((e) => e.streamId)).toEqual([MAX_STREAM_ID]);
      peer.synStream({ streamId: 1, flags: Flag.FIN });
      expect(ofType(peer.read(), 'GOAWAY')).toEqual([expect.objectContaining({ lastGoodStreamId: MAX_STREAM_ID })]);
      expect(peer.session.isClosed).toBe(true);
    });

    it('2.3.2: a server stream id must be even: an odd SYN_STREAM to a client is a session error', () => {
      const peer = started({ side: 'client', version });
      const id = peer.session.submitRequest({ headers: { ':method': 'GET', ':path': '/', ':version': 'HTTP/1.1', ':scheme': 'https', ':host': 'a' } });
      peer.flush();
      peer.synStream({ streamId: 3, associatedStreamId: id, flags: Flag.UNIDIRECTIONAL, headers: peer.pushHeaders() });
      expect(peer.eventsOf('pushReceived')).toEqual([]);
      expect(ofType(peer.read(), 'GOAWAY')).toEqual([expect.objectContaining({ lastGoodStreamId: 0 })]);
      expect(peer.session.isClosed).toBe(true);
    });
  });

  describe('half-close and close', () => {
    it('2.3.6: DATA after the sender\'s FIN is answered with STREAM_ALREADY_CLOSED (SPDY/2: INVALID_STREAM)', () => {
      const peer = started({ side: 'server', version });
      peer.synStream({ streamId: 1, flags: Flag.FIN });
      peer.data(1, 'late');
      expect(peer.eventsOf('dataChunkReceived')).toEqual([]);
      expect(ofType(peer.read(), 'RST_STREAM')).toEqual([
        expect.objectContaining({ streamId: 1, status: rstFor(version, RstStatus.STREAM_ALREADY_CLOSED, RstStatus.INVALID_STREAM) }),
      ]);
    });

    it('2.3.6: HEADERS after the sender\'s FIN is answered with STREAM_ALREADY_CLOSED (SPDY/2: INVALID_STREAM)', () => {
      const peer = started({ side: 'server', version });
      peer.synStream({ streamId: 1, flags: Flag.FIN });
      peer.headers(1, { 'x-late': '1' });
      expect(peer.eventsOf('headersReceived')).toEqual([]);
      expect(ofType(peer.read(), 'RST_STREAM')).toEqual([
        expect.objectContaining({ streamId: 1, status: rstFor(version, RstStatus.STREAM_ALREADY_CLOSED, RstStatus.INVALID_STREAM) }),
      ]);
      // The block was inflated: the next stream's headers decode.
      peer.synStream({ streamId: 3, flags: Flag.FIN });
      expect(peer.eventsOf('streamOpened').map((e) => e.streamId)).toEqual([1, 3]);
    });

    it('2.6.3: after the peer\'s RST_STREAM nothing more is sent on the stream, queued DATA included', () => {
      const peer = started({ side: 'server', version, maxOutboundDataFrameSize: 1000 });
      peer.synStream({ streamId: 1, flags: Flag.FIN });
      peer.session.submitResponse(1, { ':status': '200', ':version': 'HTTP/1.1' }, new Uint8Array(50_000));
      const first = peer.readOnce(3000);
      expect(ofType(first, 'DATA').length).toBeGreaterThan(0);
      peer.rst(1, RstStatus.CANCEL);
      const rest = peer.read();
      // What the first pull() carried is gone; nothing for stream 1 follows the peer's RST_STREAM.
      expect(rest.filter((f) => (f.type === 'DATA' || f.type === 'SYN_REPLY' || f.type === 'HEADERS') && f.streamId === 1)).toEqual([]);
      expect(ofType(rest, 'RST_STREAM')).toEqual([]);
      expect(peer.eventsOf('streamReset')).toEqual([expect.objectContaining({ streamId: 1, status: RstStatus.CANCEL })]);
    });

    it('2.2.2: DATA for a stream that was never opened is INVALID_STREAM', () => {
      const peer = started({ side: 'server', version });
      peer.data(7, 'who?');
      expect(ofType(peer.read(), 'RST_STREAM')).toEqual([expect.objectContaining({ streamId: 7, status: RstStatus.INVALID_STREAM })]);
      expect(peer.session.isClosed).toBe(false);
    });

    it('2.3.7: a stream closes when both sides sent FIN; the close event carries status 0', () => {
      const peer = started({ side: 'server', version });
      peer.synStream({ streamId: 1, flags: Flag.FIN });
      peer.session.submitResponse(1, { ':status': '200', ':version': 'HTTP/1.1' }, 'ok');
      const out = peer.read();
      expect(ofType(out, 'SYN_REPLY').map((f) => f.streamId)).toEqual([1]);
      const data = ofType(out, 'DATA');
      expect(data.at(-1)!.flags & Flag.FIN).toBe(Flag.FIN);
      expect(peer.eventsOf('streamClosed')).toEqual([expect.objectContaining({ streamId: 1, status: 0 })]);
      expect(peer.session.streamState(1) ?? 'closed').toBe('closed');
    });

    it('2.3.6: half-close is first-class: after our FIN we still receive the peer\'s DATA', () => {
      const peer = started({ side: 'client', version });
      const id = peer.session.submitSynStream({
        headers: { ':method': 'POST', ':path': '/shell', ':version': 'HTTP/1.1', ':scheme': 'https', ':host': 'a' },
        fin: true,
      });
      peer.flush();
      expect(peer.session.streamState(id)).toBe('half-closed-local');
      peer.synReply(id);
      peer.data(id, 'one');
      peer.data(id, 'two', Flag.FIN);
      const text = peer.eventsOf('dataChunkReceived').map((e) => new TextDecoder().decode(e.data)).join('');
      expect(text).toBe('onetwo');
      expect(peer.eventsOf('streamEnded').map((e) => e.streamId)).toEqual([id]);
      expect(peer.eventsOf('streamClosed')).toEqual([expect.objectContaining({ streamId: id, status: 0 })]);
    });

    it('2.3.6: after the peer\'s FIN we can still send until our own FIN', () => {
      const peer = started({ side: 'server', version });
      peer.synStream({ streamId: 1, flags: Flag.FIN });
      expect(peer.session.streamState(1)).toBe('half-closed-remote');
      peer.session.submitSynReply(1, { ':status': '200', ':version': 'HTTP/1.1' });
      peer.session.submitData(1, 'a');
      peer.session.submitData(1, 'b', { fin: true });
      expect(() => peer.session.submitData(1, 'c')).toThrow(SessionStateError);
      const data = ofType(peer.read(), 'DATA');
      expect(new TextDecoder().decode(Buffer.concat(data.map((d) => d.data)))).toBe('ab');
      expect(data.at(-1)!.flags & Flag.FIN).toBe(Flag.FIN);
      // Both sides finished: the stream is closed, and writing to it is the caller's mistake.
      expect(() => peer.session.submitData(1, 'c')).toThrow(SessionStateError);
    });

    it('2.6.3: after we reset a stream, later frames for it get no second RST_STREAM (coalesced)', () => {
      const peer = started({ side: 'server', version });
      peer.synStream({ streamId: 1 });
      peer.session.submitRstStream(1, RstStatus.CANCEL);
      expect(ofType(peer.read(), 'RST_STREAM')).toEqual([expect.objectContaining({ streamId: 1, status: RstStatus.CANCEL })]);
      peer.data(1, 'in flight');
      peer.data(1, 'in flight too');
      expect(ofType(peer.read(), 'RST_STREAM')).toEqual([]);
      expect(peer.eventsOf('dataChunkReceived')).toEqual([]);
    });
  });

  describe('GOAWAY', () => {
    it('2.6.6: GOAWAY carries the last stream id we accepted', () => {
      const peer = started({ side: 'server', version });
      peer.synStream({ streamId: 1 });
      peer.synStream({ streamId: 3 });
      peer.session.submitGoaway();
      const goaways = ofType(peer.read(), 'GOAWAY');
      expect(goaways).toEqual([expect.objectContaining({ lastGoodStreamId: 3, status: GoawayStatus.OK })]);
    });

    it('3.1.1: GOAWAY before any stream from the peer carries last-stream-id 0', () => {
      const peer = started({ side: 'server', version });
      peer.session.submitGoaway();
      expect(ofType(peer.read(), 'GOAWAY')).toEqual([expect.objectContaining({ lastGoodStreamId: 0 })]);
    });

    it('2.6.6: after sending GOAWAY, new SYN_STREAMs are ignored (no reply, no RST, no event)', () => {
      const peer = started({ side: 'server', version });
      peer.synStream({ streamId: 1 });
      peer.session.submitGoaway();
      peer.flush();
      peer.synStream({ streamId: 3, flags: Flag.FIN });
      expect(peer.read()).toEqual([]);
      expect(peer.eventsOf('streamOpened').map((e) => e.streamId)).toEqual([1]);
      // Streams in flight finish, and the ignored block was still inflated (HEADERS decode fine).
      peer.headers(1, { 'x-more': 'yes' }, Flag.FIN);
      expect(peer.eventsOf('headersReceived')).toEqual([expect.objectContaining({ streamId: 1, fin: true })]);
      peer.session.submitResponse(1, { ':status': '200', ':version': 'HTTP/1.1' }, 'bye');
      const out = peer.read();
      expect(ofType(out, 'SYN_REPLY').map((f) => f.streamId)).toEqual([1]);
      expect(ofType(out, 'RST_STREAM')).toEqual([]);
      expect(peer.session.isClosed).toBe(true);
      expect(peer.eventsOf('sessionClosed')).toEqual([expect.objectContaining({ reason: 'goaway-sent' })]);
    });

    it('2.6.6: after receiving GOAWAY, streams above last-good are reported unprocessed and no new stream starts', () => {
      const peer = started({ side: 'client', version });
      const h = { ':method': 'GET', ':path': '/', ':version': 'HTTP/1.1', ':scheme': 'https', ':host': 'a' };
      const ids = [0, 1, 2].map(() => peer.session.submitRequest({ headers: h }));
      peer.flush();
      peer.goaway(ids[0]!);
      expect(peer.eventsOf('goawayReceived')).toEqual([
        expect.objectContaining({ lastGoodStreamId: 1, unprocessedStreamIds: [3, 5], status: GoawayStatus.OK }),
      ]);
      expect(() => peer.session.submitRequest({ headers: h })).toThrow(SessionStateError);
      // Stream 1 still completes.
      peer.synReply(1, peer.responseHeaders(), 0);
      peer.data(1, 'done', Flag.FIN);
      expect(peer.eventsOf('streamClosed').filter((e) => e.streamId === 1)).toEqual([expect.objectContaining({ status: 0 })]);
      expect(ofType(peer.read(), 'SYN_STREAM')).toEqual([]);
      expect(peer.session.isClosed).toBe(true);
    });

    it('2.6.6: streams waiting for MAX_CONCURRENT_STREAMS are reported unprocessed by GOAWAY', () => {
      const peer = started({ side: 'client', version });
      peer.settings([{ id: 4, flags: 0, value: 1 }]);
      const h = { ':method': 'GET', ':path': '/', ':version': 'HTTP/1.1', ':scheme': 'https', ':host': 'a' };
      peer.session.submitRequest({ headers: h });
      peer.session.submitRequest({ headers: h });
      expect(ofType(peer.read(), 'SYN_STREAM').map((f) => f.streamId)).toEqual([1]);
      peer.goaway(1);
      expect(peer.eventsOf('goawayReceived')[0]!.unprocessedStreamIds).toEqual([3]);
      peer.synReply(1, peer.responseHeaders(), Flag.FIN);
      expect(ofType(peer.read(), 'SYN_STREAM')).toEqual([]);
    });

    it('2.4.1: a session error sends GOAWAY with the last good id, then nothing more is read or written', () => {
      const peer = started({ side: 'server', version });
      peer.synStream({ streamId: 3, flags: Flag.FIN });
      peer.synStream({ streamId: 1 });
      const out = peer.read();
      expect(ofType(out, 'GOAWAY')).toEqual([expect.objectContaining({ lastGoodStreamId: 3 })]);
      expect(out.at(-1)!.type).toBe('GOAWAY');
      const before = peer.events.length;
      peer.ping(1);
      peer.synStream({ streamId: 5 });
      expect(peer.read()).toEqual([]);
      expect(peer.events.slice(before).filter((e) => e.type === 'streamOpened' || e.type === 'controlFrameReceived')).toEqual([]);
      expect(peer.session.wantRead()).toBe(false);
    });
  });
});

describe.each(FLOW_VERSIONS)('SPDY/%s only', (version) => {
  it('2.6.2: a second SYN_REPLY for a stream is STREAM_IN_USE', () => {
    const peer = started({ side: 'client', version });
    const id = peer.session.submitRequest({ headers: { ':method': 'GET', ':path': '/', ':version': 'HTTP/1.1', ':scheme': 'https', ':host': 'a' } });
    peer.flush();
    peer.synReply(id);
    peer.synReply(id);
    expect(ofType(peer.read(), 'RST_STREAM')).toEqual([expect.objectContaining({ streamId: id, status: RstStatus.STREAM_IN_USE })]);
    expect(peer.eventsOf('responseReceived')).toHaveLength(1);
    expect(peer.eventsOf('invalidControlFrameReceived')).toHaveLength(1);
  });

  it('2.3.7: DATA on a stream closed by both FINs is answered with PROTOCOL_ERROR', () => {
    const peer = started({ side: 'server', version });
    peer.synStream({ streamId: 1, flags: Flag.FIN });
    peer.session.submitResponse(1, { ':status': '204', ':version': 'HTTP/1.1' });
    peer.flush();
    expect(peer.eventsOf('streamClosed').map((e) => e.streamId)).toEqual([1]);
    peer.data(1, 'after close');
    expect(ofType(peer.read(), 'RST_STREAM')).toEqual([expect.objectContaining({ streamId: 1, status: RstStatus.PROTOCOL_ERROR })]);
  });
});

describe('SPDY/2 only', () => {
  it('SYN_REPLY (draft 2): a second SYN_REPLY for a stream is PROTOCOL_ERROR', () => {
    const peer = started({ side: 'client', version: 2 });
    const id = peer.session.submitRequest({ headers: { ':method': 'GET', ':path': '/', ':version': 'HTTP/1.1', ':scheme': 'https', ':host': 'a' } });
    peer.flush();
    peer.synReply(id);
    peer.synReply(id);
    expect(ofType(peer.read(), 'RST_STREAM')).toEqual([expect.objectContaining({ streamId: id, status: RstStatus.PROTOCOL_ERROR })]);
  });
});

/**
 * Server push (draft 3 §3.3, draft 2 "Server Push Transactions") and
 * unidirectional streams (§2.3.2.1).
 */

import { Flag, RstStatus } from '@spdy/frames';
import { describe, expect, it } from 'vitest';
import { SessionStateError } from '../src/index.js';
import { ALL_VERSIONS, FLOW_VERSIONS, header, ofType, started } from './support/peer.js';

const GET = { ':method': 'GET', ':path': '/', ':version': 'HTTP/1.1', ':scheme': 'https', ':host': 'example.com' };
const OK = { ':status': '200', ':version': 'HTTP/1.1' };
const PUSHED = { ':scheme': 'https', ':host': 'example.com', ':path': '/app.js' };

describe.each(ALL_VERSIONS)('SPDY/%s', (version) => {
  describe('server side', () => {
    it('3.3.1: a push is a unidirectional SYN_STREAM associated with the request, naming the resource', () => {
      const peer = started({ side: 'server', version });
      peer.synStream({ streamId: 1, flags: Flag.FIN });
      const id = peer.session.submitPush(1, { requestHeaders: PUSHED, responseHeaders: OK, body: 'console.log(1)' });
      const out = peer.read();
      const syn = ofType(out, 'SYN_STREAM');
      expect(syn).toHaveLength(1);
      expect(syn[0]!.streamId).toBe(id);
      expect(syn[0]!.associatedStreamId).toBe(1);
      expect(syn[0]!.flags & Flag.UNIDIRECTIONAL).toBe(Flag.UNIDIRECTIONAL);
      if (version === 2) {
        expect(header(syn[0]!.headers, 'url')).toBe('https://example.com/app.js');
      } else {
        expect(header(syn[0]!.headers, ':scheme')).toBe('https');
        expect(header(syn[0]!.headers, ':host')).toBe('example.com');
        expect(header(syn[0]!.headers, ':path')).toBe('/app.js');
      }
      // The response status travels before any DATA (in the SYN_STREAM or a HEADERS frame).
      const statusName = version === 2 ? 'status' : ':status';
      const firstData = out.findIndex((f) => f.type === 'DATA' && f.streamId === id);
      const withStatus = out.findIndex(
        (f) => (f.type === 'SYN_STREAM' || f.type === 'HEADERS') && f.streamId === id && header(f.headers, statusName) !== undefined,
      );
      expect(withStatus).toBeGreaterThanOrEqual(0);
      expect(withStatus).toBeLessThan(firstData);
      const data = ofType(out, 'DATA').filter((f) => f.streamId === id);
      expect(new TextDecoder().decode(Buffer.concat(data.map((d) => d.data)))).toBe('console.log(1)');
      expect(data.at(-1)!.flags & Flag.FIN).toBe(Flag.FIN);
    });

    it('2.6.10: a name in both the push request and response headers is sent once, with the response value', () => {
      const peer = started({ side: 'server', version });
      peer.synStream({ streamId: 1, flags: Flag.FIN });
      peer.session.submitPush(1, { requestHeaders: { ...PUSHED, ':version': 'HTTP/1.0' }, responseHeaders: OK });
      const [syn] = ofType(peer.read(), 'SYN_STREAM');
      const versionName = version === 2 ? 'version' : ':version';
      expect(syn!.headers!.filter(([name]) => name === versionName)).toEqual([[versionName, 'HTTP/1.1']]);
    });

    it('3.3.1: the push SYN_STREAM leaves before the FIN of its associated stream', () => {
      const peer = started({ side: 'server', version });
      peer.synStream({ streamId: 1, flags: Flag.FIN });
      peer.session.submitSynReply(1, OK);
      peer.session.submitPush(1, { requestHeaders: PUSHED, responseHeaders: OK, body: 'x' });
      peer.session.submitData(1, 'page', { fin: true });
      const out = peer.read();
      const push = out.findIndex((f) => f.type === 'SYN_STREAM');
      const fin = out.findIndex((f) => (f.type === 'DATA' || f.type === 'SYN_REPLY') && f.streamId === 1 && (f.flags & Flag.FIN) !== 0);
      expect(push).toBeGreaterThanOrEqual(0);
      expect(push).toBeLessThan(fin);
    });

    it('3.3.1: a push needs an open associated stream (not 0, not unknown, not closed)', () => {
      const peer = started({ side: 'server', version });
      expect(() => peer.session.submitPush(0, { requestHeaders: PUSHED })).toThrow();
      expect(() => peer.session.submitPush(7, { requestHeaders: PUSHED })).toThrow(SessionStateError);
      peer.synStream({ streamId: 1, flags: Flag.FIN });
      peer.session.submitResponse(1, OK, 'done');
      peer.flush();
      expect(() => peer.session.submitPush(1, { requestHeaders: PUSHED })).toThrow(SessionStateError);
    });

    it('3.3.1: a push without :scheme, :host and :path is a caller error', () => {
      const peer = started({ side: 'server', version });
      peer.synStream({ streamId: 1, flags: Flag.FIN });
      expect(() => peer.session.submitPush(1, { requestHeaders: { ':path': '/x' } })).toThrow();
    });

    it('3.3.2: when the client cancels the associated stream, its pushes stop', () => {
      const peer = started({ side: 'server', version });
      peer.synStream({ streamId: 1, flags: Flag.FIN });
      let handed = 0;
      const id = peer.session.submitPush(1, {
        requestHeaders: PUSHED,
        responseHeaders: OK,
        body: () => (handed++ === 0 ? { data: new Uint8Array(10) } : 'deferred'),
      });
      peer.read();
      peer.rst(1, RstStatus.CANCEL);
      expect(peer.eventsOf('streamClosed').map((e) => e.streamId).sort()).toEqual([1, id]);
      expect(peer.session.resumeData(id)).toBe(false);
      expect(ofType(peer.read(), 'DATA')).toEqual([]);
    });

    it('3.3.2: a client CANCEL of one push closes only that push', () => {
      const peer = started({ side: 'server', version });
      peer.synStream({ streamId: 1, flags: Flag.FIN });
      const a = peer.session.submitPush(1, { requestHeaders: PUSHED, responseHeaders: OK, body: () => 'deferred' });
      const b = peer.session.submitPush(1, { requestHeaders: { ...PUSHED, ':path': '/b.js' }, responseHeaders: OK, body: () => 'deferred' });
      peer.read();
      peer.rst(a, RstStatus.CANCEL);
      expect(peer.eventsOf('streamClosed').map((e) => e.streamId)).toEqual([a]);
      expect(peer.session.streamState(b)).not.toBe('closed');
      expect(peer.session.streamState(1)).toBe('half-closed-remote');
    });
  });

  describe('client side', () => {
    function withRequest() {
      const peer = started({ side: 'client', version });
      const id = peer.session.submitRequest({ headers: GET });
      peer.flush();
      return { peer, id };
    }

    it('3.3.2: a valid push is reported with its associated stream and the resource in the v3 form', () => {
      const { peer, id } = withRequest();
      peer.synStream({ streamId: 2, associatedStreamId: id, flags: Flag.UNIDIRECTIONAL, headers: peer.pushHeaders('/app.js') });
      const pushes = peer.eventsOf('pushReceived');
      expect(pushes).toHaveLength(1);
      expect(pushes[0]).toEqual(expect.objectContaining({ streamId: 2, associatedStreamId: id, fin: false }));
      expect(header(pushes[0]!.headers, ':path')).toBe('/app.js');
      expect(header(pushes[0]!.headers, ':host')).toBe('example.com');
      expect(header(pushes[0]!.headers, ':scheme')).toBe('https');
      peer.data(2, 'body', Flag.FIN);
      expect(peer.eventsOf('dataChunkReceived').map((e) => e.streamId)).toEqual([2]);
      expect(peer.read()).toEqual([]);
    });

    it('3.3.2: a push without the resource URL is refused with PROTOCOL_ERROR', () => {
      const { peer, id } = withRequest();
      const headers: Record<string, string> = version === 2 ? { status: '200 OK', version: 'HTTP/1.1' } : { ':scheme': 'https', ':host': 'example.com', ':status': '200', ':version': 'HTTP/1.1' };
      peer.synStream({ streamId: 2, associatedStreamId: id, flags: Flag.UNIDIRECTIONAL, headers });
      expect(peer.eventsOf('pushReceived')).toEqual([]);
      expect(ofType(peer.read(), 'RST_STREAM')).toEqual([expect.objectContaining({ streamId: 2, status: RstStatus.PROTOCOL_ERROR })]);
    });

    it('3.3.2: a push associated with a stream that is not open is refused', () => {
      const { peer } = withRequest();
      peer.synStream({ streamId: 2, associatedStreamId: 99, flags: Flag.UNIDIRECTIONAL, headers: peer.pushHeaders() });
      expect(peer.eventsOf('pushReceived')).toEqual([]);
      const rst = ofType(peer.read(), 'RST_STREAM');
      expect(rst).toHaveLength(1);
      expect(rst[0]!.streamId).toBe(2);
      expect([RstStatus.INVALID_STREAM, RstStatus.PROTOCOL_ERROR, RstStatus.REFUSED_STREAM]).toContain(rst[0]!.status);
    });

    it('3.3.2: the application refuses one push with RST_STREAM CANCEL; data in flight for it is dropped quietly', () => {
      const { peer, id } = withRequest();
      peer.synStream({ streamId: 2, associatedStreamId: id, flags: Flag.UNIDIRECTIONAL, headers: peer.pushHeaders() });
      peer.session.submitRstStream(2, RstStatus.CANCEL);
      expect(ofType(peer.read(), 'RST_STREAM')).toEqual([expect.objectContaining({ streamId: 2, status: RstStatus.CANCEL })]);
      peer.data(2, 'in flight');
      peer.data(2, 'in flight', Flag.FIN);
      expect(ofType(peer.read(), 'RST_STREAM')).toEqual([]);
      expect(peer.eventsOf('dataChunkReceived')).toEqual([]);
    });

    it('3.3.2: cancelling the associated stream cancels all its pushes', () => {
      const { peer, id } = withRequest();
      peer.synStream({ streamId: 2, associatedStreamId: id, flags: Flag.UNIDIRECTIONAL, headers: peer.pushHeaders('/a.js') });
      peer.synStream({ streamId: 4, associatedStreamId: id, flags: Flag.UNIDIRECTIONAL, headers: peer.pushHeaders('/b.js') });
      peer.session.submitRstStream(id, RstStatus.CANCEL);
      peer.read();
      expect(peer.eventsOf('streamClosed').map((e) => e.streamId).sort()).toEqual([id, 2, 4].sort());
      peer.data(2, 'late');
      expect(peer.eventsOf('dataChunkReceived')).toEqual([]);
    });

    it('2.3.2.1: we cannot send on a stream the peer opened unidirectionally', () => {
      const { peer, id } = withRequest();
      peer.synStream({ streamId: 2, associatedStreamId: id, flags: Flag.UNIDIRECTIONAL, headers: peer.pushHeaders() });
      expect(peer.session.streamState(2)).toBe('half-closed-local');
      expect(() => peer.session.submitData(2, 'no')).toThrow(SessionStateError);
      expect(() => peer.session.submitSynReply(2, OK)).toThrow(SessionStateError);
    });
  });
});

describe.each(FLOW_VERSIONS)('SPDY/%s', (version) => {
  it('3.3.1: push response headers may follow in HEADERS; DATA before any response headers is refused', () => {
    const peer = started({ side: 'client', version });
    const id = peer.session.submitRequest({ headers: GET });
    peer.flush();
    peer.synStream({ streamId: 2, associatedStreamId: id, flags: Flag.UNIDIRECTIONAL, headers: { ':scheme': 'https', ':host': 'example.com', ':path': '/a.js' } });
    expect(peer.eventsOf('pushReceived')).toHaveLength(1);
    peer.headers(2, { ':status': '200', ':version': 'HTTP/1.1' });
    expect(peer.eventsOf('headersReceived')).toEqual([expect.objectContaining({ streamId: 2 })]);
    peer.data(2, 'ok', Flag.FIN);
    expect(peer.eventsOf('dataChunkReceived')).toHaveLength(1);
    peer.synStream({ streamId: 4, associatedStreamId: id, flags: Flag.UNIDIRECTIONAL, headers: { ':scheme': 'https', ':host': 'example.com', ':path': '/b.js' } });
    peer.data(4, 'too early');
    expect(ofType(peer.read(), 'RST_STREAM')).toEqual([expect.objectContaining({ streamId: 4, status: RstStatus.PROTOCOL_ERROR })]);
  });

  it('3.3.1: later HEADERS of a push must not change the resource (:path) — PROTOCOL_ERROR', () => {
    const peer = started({ side: 'client', version });
    const id = peer.session.submitRequest({ headers: GET });
    peer.flush();
    peer.synStream({ streamId: 2, associatedStreamId: id, flags: Flag.UNIDIRECTIONAL, headers: { ':scheme': 'https', ':host': 'example.com', ':path': '/a.js' } });
    peer.headers(2, { ':status': '200', ':version': 'HTTP/1.1', ':path': '/other.js' });
    expect(ofType(peer.read(), 'RST_STREAM')).toEqual([expect.objectContaining({ streamId: 2, status: RstStatus.PROTOCOL_ERROR })]);
    expect(peer.eventsOf('headersReceived')).toEqual([]);
  });

  it('3.3.2: a push HEADERS frame repeating a header of an earlier HEADERS frame is PROTOCOL_ERROR', () => {
    const peer = started({ side: 'client', version });
    const id = peer.session.submitRequest({ headers: GET });
    peer.flush();
    peer.synStream({ streamId: 2, associatedStreamId: id, flags: Flag.UNIDIRECTIONAL, headers: { ':scheme': 'https', ':host': 'example.com', ':path': '/a.js' } });
    peer.headers(2, { ':status': '200', ':version': 'HTTP/1.1', 'content-type': 'text/javascript' });
    expect(ofType(peer.read(), 'RST_STREAM')).toEqual([]);
    peer.headers(2, { 'content-type': 'text/plain' });
    expect(ofType(peer.read(), 'RST_STREAM')).toEqual([expect.objectContaining({ streamId: 2, status: RstStatus.PROTOCOL_ERROR })]);
    expect(peer.eventsOf('headersReceived')).toHaveLength(1);
  });
});

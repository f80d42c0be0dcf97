/**
 * HTTP layering (draft 3 §3.2, draft 2 "HTTP Layering over SPDY"): required
 * headers, connection-specific headers, the v2 <-> v3 name mapping; and the
 * body side of the API: data providers, deferral and resumeData.
 */

import { Flag, RstStatus } from '@spdy/frames';
import { describe, expect, it } from 'vitest';
import { ALL_VERSIONS, FLOW_VERSIONS, header, ofType, started } from './support/peer.js';

const GET = { ':method': 'GET', ':path': '/index.html', ':version': 'HTTP/1.1', ':scheme': 'https', ':host': 'example.com' };
const OK = { ':status': '200', ':version': 'HTTP/1.1' };
const text = (parts: readonly { data: Uint8Array }[]) => new TextDecoder().decode(Buffer.concat(parts.map((p) => p.data)));

describe.each(ALL_VERSIONS)('SPDY/%s', (version) => {
  describe('headers', () => {
    it(`${version === 2 ? 'draft 2' : '3.2.1'}: request names go on the wire in the version's form`, () => {
      const peer = started({ side: 'client', version });
      peer.session.submitRequest({ headers: { ...GET, accept: '*/*' } });
      const syn = ofType(peer.read(), 'SYN_STREAM')[0]!;
      const names = syn.headers!.map(([n]) => n);
      if (version === 2) {
        expect(header(syn.headers, 'method')).toBe('GET');
        expect(header(syn.headers, 'url')).toBe('/index.html');
        expect(header(syn.headers, 'version')).toBe('HTTP/1.1');
        expect(header(syn.headers, 'scheme')).toBe('https');
        expect(header(syn.headers, 'host')).toBe('example.com');
        expect(names.some((n) => n.startsWith(':'))).toBe(false);
      } else {
        expect(Object.fromEntries(syn.headers!)).toEqual({ ...GET, accept: '*/*' });
      }
    });

    it('3.2.1: a received request reaches the application in the v3 form', () => {
      const peer = started({ side: 'server', version });
      peer.synStream({ streamId: 1, flags: Flag.FIN, headers: peer.requestHeaders({ ':path': '/', 'user-agent': 'test' }) });
      const opened = peer.eventsOf('streamOpened');
      expect(opened).toHaveLength(1);
      expect(opened[0]!.fin).toBe(true);
      const h = opened[0]!.headers;
      expect(header(h, ':method')).toBe('GET');
      expect(header(h, ':path')).toBe('/');
      expect(header(h, ':version')).toBe('HTTP/1.1');
      expect(header(h, 'user-agent')).toBe('test');
      expect(peer.eventsOf('requestReceived')).toEqual([{ type: 'requestReceived', streamId: 1 }]);
    });

    it('3.2.2: response names go on the wire in the version\'s form and come back in the v3 form', () => {
      const peer = started({ side: 'server', version });
      peer.synStream({ streamId: 1, flags: Flag.FIN });
      peer.session.submitResponse(1, { ...OK, 'content-type': 'text/plain' }, 'hi');
      const reply = ofType(peer.read(), 'SYN_REPLY')[0]!;
      const statusName = version === 2 ? 'status' : ':status';
      expect(header(reply.headers, statusName)).toMatch(/^200/);
      expect(header(reply.headers, version === 2 ? 'version' : ':version')).toBe('HTTP/1.1');
      expect(header(reply.headers, 'content-type')).toBe('text/plain');

      const client = started({ side: 'client', version });
      const id = client.session.submitRequest({ headers: GET });
      client.flush();
      client.synReply(id, client.responseHeaders({ 'content-type': 'text/plain' }));
      const response = client.eventsOf('responseReceived');
      expect(response).toHaveLength(1);
      expect(header(response[0]!.headers, ':status')).toBe('200 OK');
      expect(header(response[0]!.headers, ':version')).toBe('HTTP/1.1');
    });

    it('3.2.2: a SYN_REPLY without :status or :version is answered with RST_STREAM PROTOCOL_ERROR', () => {
      const peer = started({ side: 'client', version });
      const id = peer.session.submitRequest({ headers: GET });
      peer.flush();
      peer.synReply(id, version === 2 ? { version: 'HTTP/1.1' } : { ':version': 'HTTP/1.1' });
      expect(peer.eventsOf('responseReceived')).toEqual([]);
      expect(ofType(peer.read(), 'RST_STREAM')).toEqual([expect.objectContaining({ streamId: id, status: RstStatus.PROTOCOL_ERROR })]);
    });

    it('3.2.1: a request missing a required header is answered by the session with HTTP 400, unseen by the application', () => {
      const peer = started({ side: 'server', version });
      const headers = peer.requestHeaders();
      delete headers[version === 2 ? 'method' : ':method'];
      peer.synStream({ streamId: 1, flags: Flag.FIN, headers });
      expect(peer.eventsOf('streamOpened')).toEqual([]);
      const replies = ofType(peer.read(), 'SYN_REPLY');
      expect(replies).toEqual([expect.objectContaining({ streamId: 1, flags: Flag.FIN })]);
      expect(header(replies[0]!.headers, version === 2 ? 'status' : ':status')).toMatch(/^400/);
    });

    it('3.2: a request on a unidirectional stream cannot be answered, so the server refuses it unseen by the application', () => {
      const peer = started({ side: 'server', version });
      peer.synStream({ streamId: 1, flags: Flag.FIN | Flag.UNIDIRECTIONAL });
      expect(peer.eventsOf('streamOpened')).toEqual([]);
      expect(peer.eventsOf('requestReceived')).toEqual([]);
      expect(ofType(peer.read(), 'RST_STREAM')).toEqual([expect.objectContaining({ streamId: 1, status: RstStatus.PROTOCOL_ERROR })]);
      // The session goes on: the next request is served.
      peer.synStream({ streamId: 3, flags: Flag.FIN });
      expect(peer.eventsOf('streamOpened').map((e) => e.streamId)).toEqual([3]);
    });

    it('3.2.1: submitting a request without a required header is a caller error', () => {
      const peer = started({ side: 'client', version });
      expect(() => peer.session.submitRequest({ headers: { ':method': 'GET', ':version': 'HTTP/1.1' } })).toThrow();
      expect(ofType(peer.read(), 'SYN_STREAM')).toEqual([]);
    });

    it('3.2.1: header names must be lowercase (a caller error on submit)', () => {
      const peer = started({ side: 'client', version });
      expect(() => peer.session.submitRequest({ headers: { ...GET, Accept: '*/*' } })).toThrow(TypeError);
    });

    it('§3 is HTTP only: validateHttp: false lets any header set through (for non-HTTP uses such as port forwarding)', () => {
      const peer = started({ side: 'server', version, validateHttp: false });
      peer.synStream({ streamId: 1, headers: { streamtype: 'data', port: '80' } });
      expect(peer.eventsOf('streamOpened')).toHaveLength(1);
      expect(ofType(peer.read(), 'RST_STREAM')).toEqual([]);
      peer.session.submitSynReply(1, { ok: 'yes' });
      expect(ofType(peer.read(), 'SYN_REPLY')).toHaveLength(1);
    });
  });

  describe('bodies', () => {
    it('2.2.2: a byte body leaves as DATA frames of at most maxOutboundDataFrameSize, FIN on the last', () => {
      const peer = started({ side: 'server', version, maxOutboundDataFrameSize: 1000 });
      peer.synStream({ streamId: 1, flags: Flag.FIN });
      const body = new Uint8Array(4500).map((_, i) => i & 0xff);
      peer.session.submitResponse(1, OK, body);
      const data = ofType(peer.read(), 'DATA');
      expect(data.map((d) => d.data.length)).toEqual([1000, 1000, 1000, 1000, 500]);
      expect(data.map((d) => d.flags & Flag.FIN)).toEqual([0, 0, 0, 0, Flag.FIN]);
      expect(Buffer.concat(data.map((d) => d.data)).equals(Buffer.from(body))).toBe(true);
    });

    it('3.2.2: a response without a body carries FIN on the SYN_REPLY', () => {
      const peer = started({ side: 'server', version });
      peer.synStream({ streamId: 1, flags: Flag.FIN });
      peer.session.submitResponse(1, { ':status': '204', ':version': 'HTTP/1.1' });
      const out = peer.read();
      expect(ofType(out, 'SYN_REPLY')).toEqual([expect.objectContaining({ streamId: 1, flags: Flag.FIN })]);
      expect(ofType(out, 'DATA')).toEqual([]);
    });

    it('3.2.1: a request without a body carries FIN on the SYN_STREAM, one with a body on its last DATA', () => {
      const peer = started({ side: 'client', version });
      peer.session.submitRequest({ headers: GET });
      peer.session.submitRequest({ headers: { ...GET, ':method': 'POST' }, body: 'a=1' });
      const out = peer.read();
      expect(ofType(out, 'SYN_STREAM').map((f) => f.flags & Flag.FIN)).toEqual([Flag.FIN, 0]);
      expect(ofType(out, 'DATA')).toEqual([expect.objectContaining({ streamId: 3, flags: Flag.FIN })]);
    });

    it('spdylay submit_response: a string body is sent as UTF-8', () => {
      const peer = started({ side: 'server', version });
      peer.synStream({ streamId: 1, flags: Flag.FIN });
      peer.session.submitResponse(1, OK, 'héllo ✓');
      expect(text(ofType(peer.read(), 'DATA'))).toBe('héllo ✓');
    });

    it('spdylay DataProvider read_cb: a data provider hands out chunks; FIN goes on the frame carrying `end`', () => {
      const peer = started({ side: 'server', version });
      peer.synStream({ streamId: 1, flags: Flag.FIN });
      const chunks = ['one', 'two', 'three'];
      const seen: number[] = [];
      peer.session.submitResponse(1, OK, (maxLength, streamId) => {
        seen.push(streamId);
        expect(maxLength).toBeGreaterThan(0);
        const next = chunks.shift()!;
        return { data: new TextEncoder().encode(next), end: chunks.length === 0 };
      });
      const data = ofType(peer.read(), 'DATA');
      expect(text(data)).toBe('onetwothree');
      expect(data.at(-1)!.flags & Flag.FIN).toBe(Flag.FIN);
      expect(data.slice(0, -1).every((d) => (d.flags & Flag.FIN) === 0)).toBe(true);
      expect(new Set(seen)).toEqual(new Set([1]));
    });

    it('spdylay DataProvider DEFERRED and resume_data: nothing is sent until resumeData(), then it continues', () => {
      const peer = started({ side: 'server', version });
      peer.synStream({ streamId: 1, flags: Flag.FIN });
      let ready: string | undefined;
      peer.session.submitResponse(1, OK, () => (ready === undefined ? 'deferred' : { data: new TextEncoder().encode(ready), end: true }));
      expect(ofType(peer.read(), 'DATA')).toEqual([]);
      expect(peer.session.wantWrite()).toBe(false);
      ready = 'now';
      expect(peer.session.resumeData(1)).toBe(true);
      expect(peer.session.wantWrite()).toBe(true);
      const data = ofType(peer.read(), 'DATA');
      expect(text(data)).toBe('now');
      expect(data.at(-1)!.flags & Flag.FIN).toBe(Flag.FIN);
      expect(peer.session.resumeData(1)).toBe(false);
    });

    it('spdylay DataProvider read_cb: a provider handing out more than maxLength: the rest follows in the next frames', () => {
      const peer = started({ side: 'server', version, maxOutboundDataFrameSize: 1000 });
      peer.synStream({ streamId: 1, flags: Flag.FIN });
      let calls = 0;
      peer.session.submitResponse(1, OK, () => {
        calls++;
        return { data: new Uint8Array(2500).fill(7), end: true };
      });
      const data = ofType(peer.read(), 'DATA');
      expect(data.map((d) => d.data.length)).toEqual([1000, 1000, 500]);
      expect(data.at(-1)!.flags & Flag.FIN).toBe(Flag.FIN);
      expect(calls).toBe(1);
    });

    it('spdylay DataProvider read_cb: a provider that throws: its stream is reset with INTERNAL_ERROR, the error reaches the caller of pull(), nothing else is lost', () => {
      const peer = started({ side: 'server', version });
      peer.synStream({ streamId: 1, flags: Flag.FIN });
      peer.synStream({ streamId: 3, flags: Flag.FIN });
      peer.session.submitResponse(1, OK, () => {
        throw new Error('provider failed');
      });
      peer.session.submitResponse(3, OK, 'fine');
      expect(() => peer.read()).toThrow('provider failed');
      const out = peer.read();
      expect(ofType(out, 'RST_STREAM')).toEqual([expect.objectContaining({ streamId: 1, status: RstStatus.INTERNAL_ERROR })]);
      expect(text(ofType(out, 'DATA').filter((d) => d.streamId === 3))).toBe('fine');
      expect(peer.eventsOf('streamClosed').map((e) => [e.streamId, e.status])).toEqual([
        [1, RstStatus.INTERNAL_ERROR],
        [3, 0],
      ]);
      expect(peer.session.isClosed).toBe(false);
    });

    it('spdylay resume_data: false on a stream that is not deferred', () => {
      const peer = started({ side: 'server', version });
      peer.synStream({ streamId: 1, flags: Flag.FIN });
      expect(peer.session.resumeData(1)).toBe(false);
      expect(peer.session.resumeData(99)).toBe(false);
    });

    it('spdylay submit_data: calls queue in order; FIN on the last one', () => {
      const peer = started({ side: 'client', version });
      const id = peer.session.submitSynStream({ headers: { ...GET, ':method': 'POST' } });
      peer.session.submitData(id, 'a');
      peer.session.submitData(id, new Uint8Array([0x62]));
      peer.session.submitData(id, 'c', { fin: true });
      const data = ofType(peer.read(), 'DATA');
      expect(text(data)).toBe('abc');
      expect(data.at(-1)!.flags & Flag.FIN).toBe(Flag.FIN);
    });

    it('2.3.6: HEADERS with FIN ends our side (trailers)', () => {
      const peer = started({ side: 'client', version });
      const id = peer.session.submitSynStream({ headers: { ...GET, ':method': 'POST' } });
      peer.session.submitData(id, 'body');
      peer.session.submitHeaders(id, { 'x-trailer': 'yes' }, { fin: true });
      const out = peer.read().filter((f) => f.type !== 'SETTINGS');
      expect(out.map((f) => f.type)).toEqual(['SYN_STREAM', 'DATA', 'HEADERS']);
      expect(out[2]!.flags & Flag.FIN).toBe(Flag.FIN);
      expect(peer.session.streamState(id)).toBe('half-closed-local');
    });
  });
});

describe.each(FLOW_VERSIONS)('SPDY/%s', (version) => {
  it('3.2.1: connection-specific headers are refused, received or submitted', () => {
    const peer = started({ side: 'server', version });
    peer.synStream({ streamId: 1, flags: Flag.FIN, headers: peer.requestHeaders({ connection: 'keep-alive' }) });
    expect(peer.eventsOf('streamOpened')).toEqual([]);
    const replies = ofType(peer.read(), 'SYN_REPLY');
    expect(replies).toEqual([expect.objectContaining({ streamId: 1, flags: Flag.FIN })]);
    expect(header(replies[0]!.headers, ':status')).toMatch(/^400/);
    peer.synStream({ streamId: 3, flags: Flag.FIN });
    expect(() => peer.session.submitResponse(3, { ...OK, 'transfer-encoding': 'chunked' })).toThrow();
    const client = started({ side: 'client', version });
    expect(() => client.session.submitRequest({ headers: { ...GET, 'keep-alive': '300' } })).toThrow();
  });

  it('3.2.1: a request body that does not match its content-length is answered with HTTP 400', () => {
    const peer = started({ side: 'server', version });
    peer.synStream({ streamId: 1, headers: peer.requestHeaders({ ':method': 'POST', 'content-length': '10' }) });
    peer.data(1, 'short', Flag.FIN);
    expect(peer.eventsOf('requestReceived')).toEqual([]);
    const replies = ofType(peer.read(), 'SYN_REPLY');
    expect(replies).toEqual([expect.objectContaining({ streamId: 1, flags: Flag.FIN })]);
    expect(header(replies[0]!.headers, ':status')).toMatch(/^400/);
    expect(peer.eventsOf('streamClosed')).toEqual([expect.objectContaining({ streamId: 1, status: RstStatus.PROTOCOL_ERROR, resetBy: 'local' })]);
  });

  it('3.2.1: a request body that matches its content-length is delivered', () => {
    const peer = started({ side: 'server', version });
    peer.synStream({ streamId: 1, headers: peer.requestHeaders({ ':method': 'POST', 'content-length': '10' }) });
    peer.data(1, 'exactly10!', Flag.FIN);
    expect(peer.eventsOf('requestReceived')).toEqual([{ type: 'requestReceived', streamId: 1 }]);
    expect(peer.read()).toEqual([]);
  });

  it('3.2.2: a client ignores a content-length its response body does not match', () => {
    const peer = started({ side: 'client', version });
    const id = peer.session.submitRequest({ headers: GET });
    peer.flush();
    peer.synReply(id, peer.responseHeaders({ 'content-length': '100' }));
    peer.data(id, 'only this', Flag.FIN);
    expect(text(peer.eventsOf('dataChunkReceived'))).toBe('only this');
    expect(peer.eventsOf('streamClosed')).toEqual([expect.objectContaining({ streamId: id, status: 0 })]);
    expect(ofType(peer.read(), 'RST_STREAM')).toEqual([]);
  });
});

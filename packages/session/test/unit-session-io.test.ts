import { FrameDecoder, SpdyProtocolError } from '@spdy/frames';
import { describe, expect, it } from 'vitest';
import { Session } from '../src/index.js';

const GET = { ':method': 'GET', ':path': '/', ':version': 'HTTP/1.1', ':scheme': 'https', ':host': 'h' };

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) (out.set(p, o), (o += p.length));
  return out;
}

describe('output', () => {
  it('send() offers bytes until the callback takes none, and offers the rest first next time', () => {
    const taken: Uint8Array[] = [];
    let budget = 10;
    const client = new Session({
      side: 'client',
      version: 3,
      send: (bytes) => {
        const n = Math.min(budget, bytes.length, 7); // partial writes of at most 7 bytes
        budget -= n;
        taken.push(bytes.slice(0, n));
        return n;
      },
    });
    client.submitRequest({ headers: GET, body: new Uint8Array(5000).fill(9) });
    expect(client.send()).toBe(10);
    expect(client.wantWrite()).toBe(true);
    budget = Infinity;
    const rest = client.send();
    expect(client.wantWrite()).toBe(false);
    const all = concat(taken);
    expect(all.length).toBe(10 + rest);

    const decoder = new FrameDecoder({ version: 3 });
    decoder.push(all);
    const types: string[] = [];
    for (let f = decoder.next(); f !== undefined; f = decoder.next()) {
      if (f instanceof SpdyProtocolError) throw f;
      types.push(f.type);
    }
    expect(types).toEqual(['SETTINGS', 'SYN_STREAM', 'DATA']);
  });

  it('pull(maxBytes) splits a frame only when it alone exceeds maxBytes', () => {
    const client = new Session({ side: 'client', version: 3 });
    client.submitRequest({ headers: GET });
    // SETTINGS with one entry is 20 bytes; the SYN_STREAM that follows is larger than 25.
    const first = client.pull(25)!;
    expect(first.length).toBe(20);
    const parts: Uint8Array[] = [];
    for (let p = client.pull(25); p !== undefined; p = client.pull(25)) parts.push(p);
    expect(parts.length).toBeGreaterThan(1);
    expect(parts.slice(0, -1).every((p) => p.length === 25)).toBe(true);
    const decoder = new FrameDecoder({ version: 3 });
    decoder.push(first);
    for (const p of parts) decoder.push(p);
    const types: string[] = [];
    for (let f = decoder.next(); f !== undefined; f = decoder.next()) if (!(f instanceof SpdyProtocolError)) types.push(f.type);
    expect(types).toEqual(['SETTINGS', 'SYN_STREAM']);
  });
});

describe('application exceptions', () => {
  it('a throwing listener does not stop the engine: the input is processed, then the error surfaces', () => {
    const client = new Session({ side: 'client', version: 3 });
    const server = new Session({ side: 'server', version: 3 });
    client.submitRequest({ headers: GET });
    client.submitRequest({ headers: GET });
    const opened: number[] = [];
    server.on('streamOpened', (e) => {
      opened.push(e.streamId);
      throw new Error(`app bug on ${e.streamId}`);
    });
    expect(() => server.receive(client.pull()!)).toThrow('app bug on 1');
    // Both requests were taken in, and the session carries on.
    expect(opened).toEqual([1, 3]);
    expect(server.streamState(3)).toBe('half-closed-remote');
    expect(server.isClosed).toBe(false);
    server.submitResponse(1, { ':status': '200', ':version': 'HTTP/1.1' }, 'ok');
    expect(server.pull()).toBeDefined();
  });

  it('a throwing data provider resets its stream and the error reaches the caller of pull()', () => {
    const client = new Session({ side: 'client', version: 3 });
    const id = client.submitRequest({
      headers: { ...GET, ':method': 'POST' },
      body: () => {
        throw new Error('disk gone');
      },
    });
    const closed: number[] = [];
    client.on('streamClosed', (e) => closed.push(e.status));
    expect(() => client.pull()).toThrow('disk gone');
    expect(closed).toEqual([6]); // INTERNAL_ERROR
    expect(client.streamState(id)).toBeUndefined();
    // The frames chosen before the failure are not lost.
    const decoder = new FrameDecoder({ version: 3 });
    for (let p = client.pull(); p !== undefined; p = client.pull()) decoder.push(p);
    const types: string[] = [];
    for (let f = decoder.next(); f !== undefined; f = decoder.next()) if (!(f instanceof SpdyProtocolError)) types.push(f.type);
    expect(types).toEqual(['SETTINGS', 'SYN_STREAM', 'RST_STREAM']);
  });
});

describe('without HTTP layering', () => {
  it('either side opens plain streams (spdystream style) and both directions carry data', () => {
    const options = { version: 3.1 as const, validateHttp: false };
    const client = new Session({ ...options, side: 'client' });
    const server = new Session({ ...options, side: 'server' });
    const move = () => {
      for (let moved = true, turns = 0; moved && turns < 100; turns++) {
        moved = false;
        for (let b = client.pull(); b; b = client.pull()) (server.receive(b), (moved = true));
        for (let b = server.pull(); b; b = server.pull()) (client.receive(b), (moved = true));
      }
    };
    const got: string[] = [];
    client.on('streamOpened', (e) => {
      got.push(`client opened ${e.streamId} ${e.headers.map(([n, v]) => `${n}=${v}`).join(',')}`);
      client.submitSynReply(e.streamId, { ok: '1' });
      client.submitData(e.streamId, 'pong', { fin: true });
    });
    client.on('dataChunkReceived', (e) => got.push(`client data ${new TextDecoder().decode(e.data)}`));
    server.on('responseReceived', (e) => got.push(`server reply ${e.streamId}`));
    server.on('dataChunkReceived', (e) => got.push(`server data ${new TextDecoder().decode(e.data)}`));
    server.on('streamClosed', (e) => got.push(`server closed ${e.streamId} ${e.status}`));
    move();
    const id = server.submitSynStream({ headers: { channel: 'stdin' } });
    server.submitData(id, 'ping', { fin: true });
    move();
    expect(got).toEqual(['client opened 2 channel=stdin', 'client data ping', 'server reply 2', 'server data pong', 'server closed 2 0']);
  });
});

describe('3.2.1: content-length of requests', () => {
  function exchange(contentLength: string, body: string | undefined) {
    const client = new Session({ side: 'client', version: 3 });
    const server = new Session({ side: 'server', version: 3 });
    const seen: string[] = [];
    server.on('streamOpened', (e) => seen.push(`opened ${e.streamId}`));
    server.on('dataChunkReceived', (e) => seen.push(`data ${new TextDecoder().decode(e.data)}`));
    server.on('requestReceived', (e) => {
      seen.push(`request ${e.streamId}`);
      server.submitResponse(e.streamId, { ':status': '200', ':version': 'HTTP/1.1' });
    });
    server.on('streamClosed', (e) => seen.push(`closed ${e.streamId} ${e.status} ${e.resetBy ?? ''}`));
    const statuses: string[] = [];
    client.on('responseReceived', (e) => statuses.push(e.headers.find(([n]) => n === ':status')![1]));
    client.on('streamReset', (e) => statuses.push(`reset ${e.status}`));
    client.submitRequest({ headers: { ...GET, ':method': 'POST', 'content-length': contentLength }, ...(body !== undefined && { body }) });
    for (let moved = true, turns = 0; moved && turns < 50; turns++) {
      moved = false;
      for (let b = client.pull(); b; b = client.pull()) (server.receive(b), (moved = true));
      for (let b = server.pull(); b; b = server.pull()) (client.receive(b), (moved = true));
    }
    return { seen, statuses };
  }

  it('a body of the announced length is a normal request', () => {
    expect(exchange('3', 'abc')).toEqual({ seen: ['opened 1', 'data abc', 'request 1', 'closed 1 0 '], statuses: ['200'] });
  });

  it('a shorter body gets 400 and the application sees the stream close', () => {
    expect(exchange('5', 'abc')).toEqual({ seen: ['opened 1', 'closed 1 1 local'], statuses: ['400 Bad Request'] });
  });

  it('a longer body gets 400 at once, and the rest is dropped without RST_STREAM', () => {
    const { seen, statuses } = exchange('2', 'abcd');
    expect(seen).toEqual(['opened 1', 'closed 1 1 local']);
    expect(statuses).toEqual(['400 Bad Request']);
  });

  it('a content-length that is not a number gets 400 before the application sees anything', () => {
    expect(exchange('ten', 'abc')).toEqual({ seen: [], statuses: ['400 Bad Request'] });
    expect(exchange('3', undefined)).toEqual({ seen: [], statuses: ['400 Bad Request'] });
  });
});

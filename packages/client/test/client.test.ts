/**
 * The client against a server scripted from a server `Session` over TCP:
 * every version, bodies both ways, concurrency, cancellation, GOAWAY
 * retries, and a connection dying mid-stream.
 */

import { createHash } from 'node:crypto';
import { once } from 'node:events';
import * as net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeFrame, GoawayStatus, RstStatus, SpdyProtocolError, wireVersion, type ProtocolVersion } from '@spdy/frames';
import { connect, fetch, SessionPool, SpdyClientError, type SpdyPush } from '../src/index.js';
import { engineServer, listen, readAll, type EngineStream, type Listening } from './helpers.js';

const sha256 = (data: Uint8Array): string => createHash('sha256').update(data).digest('hex');
const header = (stream: EngineStream, name: string): string | undefined => stream.headers.find(([n]) => n === name)?.[1];

/** Answers every request with its method, path and the hash of its body. */
function echo(stream: EngineStream): void {
  stream.session.submitResponse(stream.streamId, [[':status', '200'], [':version', 'HTTP/1.1'], ['content-type', 'text/plain']], `${header(stream, ':method')} ${header(stream, ':path')} ${stream.body.length} ${sha256(stream.body)}`);
  stream.flush();
}

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function server(version: ProtocolVersion, onRequest: (stream: EngineStream) => void = echo, options?: Parameters<typeof engineServer>[2]): Promise<Listening> {
  const listening = await engineServer(version, onRequest, options);
  cleanup.push(() => listening.close());
  return listening;
}

describe.each([2, 3, 3.1] as const)('SPDY/%s over plain TCP', (version) => {
  it('GETs a resource and reads status, headers and body', async () => {
    const { origin } = await server(version);
    const session = await connect(origin, { spdy: version });
    cleanup.push(() => session.destroy());
    const response = await session.request('/index.html?x=1').end().response;
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('text/plain');
    expect(response.httpVersion).toBe('HTTP/1.1');
    expect(await response.text()).toBe(`GET /index.html?x=1 0 ${sha256(new Uint8Array())}`);
  });

  it('streams a 3 MiB request body in many writes, checked by hash', async () => {
    const { origin } = await server(version);
    const session = await connect(origin, { spdy: version });
    cleanup.push(() => session.destroy());
    const body = Buffer.alloc(3 * 1024 * 1024);
    for (let i = 0; i < body.length; i += 1) body[i] = (i * 31) & 0xff;
    const request = session.request('/upload', { method: 'POST' });
    for (let offset = 0; offset < body.length; offset += 50_000) {
      if (!request.write(body.subarray(offset, offset + 50_000))) await once(request, 'drain');
    }
    request.end();
    const response = await request.response;
    expect(await response.text()).toBe(`POST /upload ${body.length} ${sha256(body)}`);
  });

  it('downloads an 8 MiB body, checked by hash, with flow control driven by reading', async () => {
    const big = Buffer.alloc(8 * 1024 * 1024);
    for (let i = 0; i < big.length; i += 1) big[i] = (i * 7 + 3) & 0xff;
    const { origin } = await server(version, (stream) => {
      stream.session.submitResponse(stream.streamId, [[':status', '200'], [':version', 'HTTP/1.1']], big);
      stream.flush();
    });
    const session = await connect(origin, { spdy: version });
    cleanup.push(() => session.destroy());
    const response = await session.request('/big').end().response;
    expect(sha256(await response.bytes())).toBe(sha256(big));
  });

  it('runs 300 concurrent requests on one session (more than the server allows at once)', async () => {
    const { origin } = await server(version);
    const session = await connect(origin, { spdy: version });
    cleanup.push(() => session.destroy());
    const texts = await Promise.all(
      Array.from({ length: 300 }, async (_, i) => (await session.request(`/r/${i}`, { priority: i % 8 }).end().response).text()),
    );
    texts.forEach((text, i) => expect(text.startsWith(`GET /r/${i} 0 `)).toBe(true));
    expect(session.activeStreams).toBe(0);
  });
});

it('receives trailers sent in a HEADERS frame after the body', async () => {
  // The trailers wait for the test's signal: sent on a timer they could share
  // a socket read with the body and arrive before the response is awaited.
  let sendTrailers!: () => void;
  const trailersAllowed = new Promise<void>((resolve) => (sendTrailers = resolve));
  const { origin } = await server(3.1, (stream) => {
    stream.session.submitSynReply(stream.streamId, [[':status', '200'], [':version', 'HTTP/1.1']]);
    stream.session.submitData(stream.streamId, 'some body');
    stream.flush();
    void trailersAllowed.then(() => {
      stream.session.submitHeaders(stream.streamId, [['x-checksum', 'abc']], { fin: true });
      stream.flush();
    });
  });
  const session = await connect(origin, { spdy: 3.1 });
  cleanup.push(() => session.destroy());
  const request = session.request('/trailers').end();
  const trailers = new Promise((resolve) => request.once('trailers', resolve));
  const response = await request.response;
  // Taken before the trailers arrive: the same objects are filled in.
  const early = response.trailers;
  const earlyRaw = response.rawTrailers;
  expect(early).toEqual({});
  sendTrailers();
  expect((await response.bytes()).toString()).toBe('some body');
  expect(response.trailers).toBe(early);
  expect(response.rawTrailers).toBe(earlyRaw);
  expect(early).toEqual({ 'x-checksum': 'abc' });
  expect(earlyRaw).toEqual([['x-checksum', 'abc']]);
  expect(await trailers).toEqual([['x-checksum', 'abc']]);
});

it('delivers pushes to the request and to the session, and refuses them when nobody listens', async () => {
  const push = (stream: EngineStream): void => {
    const id = stream.session.submitPush(stream.streamId, {
      requestHeaders: [[':scheme', 'http'], [':host', header(stream, ':host') ?? ''], [':path', '/style.css']],
      responseHeaders: [[':status', '200'], [':version', 'HTTP/1.1'], ['content-type', 'text/css']],
      body: 'h1 {}',
    });
    expect(id % 2).toBe(0);
    echo(stream);
  };
  const { origin } = await server(3.1, push);
  const session = await connect(origin, { spdy: 3.1 });
  cleanup.push(() => session.destroy());

  const sessionPushes: SpdyPush[] = [];
  const request = session.request('/page');
  const requestPush = new Promise<SpdyPush>((resolve) => request.once('push', resolve));
  session.on('push', (p: SpdyPush) => sessionPushes.push(p));
  request.end();
  const pushed = await requestPush;
  expect(pushed.url.href).toBe(`${origin}/style.css`);
  expect(pushed.response.status).toBe(200);
  expect(pushed.response.headers['content-type']).toBe('text/css');
  expect((await readAll(pushed.response.body)).toString()).toBe('h1 {}');
  await (await request.response).text();
  expect(sessionPushes).toEqual([pushed]);

  session.removeAllListeners('push');
  const unwanted = await session.request('/page2').end().response;
  expect((await unwanted.text()).startsWith('GET /page2')).toBe(true);
});

it('cancels a request with an AbortSignal: RST_STREAM CANCEL, the response rejects', async () => {
  const resets: number[] = [];
  let arrived!: () => void;
  const requestArrived = new Promise<void>((resolve) => (arrived = resolve));
  const { origin } = await server(3.1, () => arrived(), {
    onConnection: (_socket, session) => session.on('streamReset', (e) => resets.push(e.status)),
  });
  const session = await connect(origin, { spdy: 3.1 });
  cleanup.push(() => session.destroy());
  const controller = new AbortController();
  const request = session.request('/never', { signal: controller.signal }).end();
  await requestArrived;
  controller.abort();
  await expect(request.response).rejects.toMatchObject({ name: 'AbortError' });
  // The session stays usable, and the server saw the CANCEL before the PING.
  await expect(session.ping()).resolves.toBeGreaterThanOrEqual(0);
  expect(resets).toEqual([RstStatus.CANCEL]);
});

it('never sends a request aborted before it left', async () => {
  let requests = 0;
  const { origin } = await server(3.1, () => (requests += 1));
  const session = await connect(origin, { spdy: 3.1 });
  cleanup.push(() => session.destroy());
  const request = session.request('/gone', { signal: AbortSignal.abort() }).end();
  await expect(request.response).rejects.toMatchObject({ name: 'AbortError' });
  await session.ping();
  expect(requests).toBe(0);
});

it('fails every pending request when the connection dies mid-stream, and nothing hangs', async () => {
  let waiting = 0;
  const { origin } = await server(3.1, (stream) => {
    if (header(stream, ':path') === '/partial') {
      stream.session.submitResponse(stream.streamId, [[':status', '200'], [':version', 'HTTP/1.1']], (max) => ({ data: new Uint8Array(Math.min(max, 1000)) }));
      stream.flush();
      // Die once the partial body is out, with the second request unanswered.
      setImmediate(() => stream.socket.destroy());
    }
    waiting += 1;
  });
  const session = await connect(origin, { spdy: 3.1 });
  const closed = once(session, 'close');
  const silent = session.request('/silent').end();
  const partial = session.request('/partial').end();
  const response = await partial.response;
  const bodyError = readAll(response.body).then(
    () => undefined,
    (error: unknown) => error,
  );
  await expect(silent.response).rejects.toMatchObject({ code: 'ERR_SPDY_CONNECTION_CLOSED' });
  expect(await bodyError).toBeInstanceOf(SpdyClientError);
  await closed;
  expect(session.isClosed).toBe(true);
  expect(waiting).toBe(2);
  // A new request on the dead session fails at once instead of waiting.
  await expect(session.request('/late').end().response).rejects.toBeInstanceOf(SpdyClientError);
});

it('moves requests a GOAWAY left unprocessed to a new session of the pool', async () => {
  let connections = 0;
  const saidGoodbye = new WeakSet<object>();
  const { origin } = await server(
    3.1,
    (stream) => {
      if (saidGoodbye.has(stream.socket)) return; // the refused streams are never answered here
      if (header(stream, ':path') === '/first') {
        // GOAWAY with only this stream processed: the others are refused.
        saidGoodbye.add(stream.socket);
        stream.socket.write(encodeFrame({ type: 'GOAWAY', flags: 0, lastGoodStreamId: stream.streamId, status: GoawayStatus.OK }, wireVersion(3.1)));
      }
      echo(stream);
    },
    { onConnection: () => (connections += 1) },
  );
  const pool = new SessionPool({ spdy: 3.1 });
  cleanup.push(() => pool.destroy());
  const session = await pool.get(origin);
  const goaway = once(session, 'goaway');
  const first = pool.request(`${origin}/first`).end();
  const others = [pool.request(`${origin}/second`, { method: 'POST', body: 'payload' }), pool.request(`${origin}/third`).end()];
  expect((await (await first.response).text()).startsWith('GET /first')).toBe(true);
  const texts = await Promise.all(others.map(async (r) => (await r.response).text()));
  expect(texts[0]).toBe(`POST /second 7 ${sha256(Buffer.from('payload'))}`);
  expect(texts[1]?.startsWith('GET /third')).toBe(true);
  const [info] = (await goaway) as [{ unprocessedStreamIds: number[] }];
  expect(info.unprocessedStreamIds.length).toBeGreaterThan(0);
  expect(others.every((r) => r.retries === 1)).toBe(true);
  expect(connections).toBe(2);
  expect(await pool.get(origin)).not.toBe(session);
});

it('reuses one session per origin in a pool, and close() says GOAWAY', async () => {
  let connections = 0;
  let goaway!: (status: number) => void;
  const goawayStatus = new Promise<number>((resolve) => (goaway = resolve));
  const { origin } = await server(3, echo, {
    onConnection: (_socket, session) => {
      connections += 1;
      session.on('goawayReceived', (e) => goaway(e.status));
    },
  });
  const pool = new SessionPool({ spdy: 3 });
  const [a, b] = await Promise.all([pool.get(origin), pool.get(origin)]);
  expect(a).toBe(b);
  await Promise.all([pool.request(`${origin}/1`).end().response, pool.request(`${origin}/2`).end().response]);
  expect(connections).toBe(1);
  await pool.close();
  expect(a?.isClosed).toBe(true);
  expect(await goawayStatus).toBe(GoawayStatus.OK);
});

it('reports a reset by the server as ERR_SPDY_STREAM_RESET with its status, without an unhandled error', async () => {
  const { origin } = await server(3.1, (stream) => {
    stream.session.submitRstStream(stream.streamId, RstStatus.REFUSED_STREAM);
    stream.flush();
  });
  const session = await connect(origin, { spdy: 3.1 });
  cleanup.push(() => session.destroy());
  const request = session.request('/refused').end();
  await expect(request.response).rejects.toMatchObject({ code: 'ERR_SPDY_STREAM_RESET', status: RstStatus.REFUSED_STREAM });
});

describe('response bodies', () => {
  /** A server whose responses send 100 bytes and then wait; records the resets it receives. */
  async function stalled(): Promise<{ origin: string; resets: Array<Promise<number>> }> {
    const resets: Array<Promise<number>> = [];
    const { origin } = await server(
      3.1,
      (stream) => {
        let sent = false;
        stream.session.submitResponse(stream.streamId, [[':status', '200'], [':version', 'HTTP/1.1']], (max) => {
          if (sent) return 'deferred';
          sent = true;
          return { data: new Uint8Array(Math.min(max, 100)) };
        });
        stream.flush();
      },
      {
        onConnection: (_socket, session) =>
          resets.push(new Promise((resolve) => session.on('streamReset', (e) => resolve(e.status)))),
      },
    );
    return { origin, resets };
  }

  it('cancelling a fetch body resets the stream with CANCEL', async () => {
    const { origin, resets } = await stalled();
    const pool = new SessionPool({ spdy: 3.1 });
    cleanup.push(() => pool.destroy());
    const response = await fetch(`${origin}/stalled`, { pool });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    expect((await reader.read()).value?.length).toBe(100);
    await reader.cancel();
    expect(await resets[0]).toBe(RstStatus.CANCEL);
  });

  it('destroying a Readable body before its end resets the stream with CANCEL', async () => {
    const { origin, resets } = await stalled();
    const session = await connect(origin, { spdy: 3.1 });
    cleanup.push(() => session.destroy());
    const request = session.request('/stalled').end();
    const response = await request.response;
    await once(response.body, 'data');
    response.body.destroy();
    expect(await resets[0]).toBe(RstStatus.CANCEL);
    await expect(request.response).resolves.toBe(response);
  });

  it('has one reader: a second way of reading the body throws', async () => {
    const { origin } = await server(3.1);
    const session = await connect(origin, { spdy: 3.1 });
    cleanup.push(() => session.destroy());
    const response = await session.request('/once').end().response;
    const text = await response.text();
    expect(text.startsWith('GET /once')).toBe(true);
    expect(() => response.body).toThrow(/already being read/);
    expect(() => response.webBody()).toThrow(/already being read/);
  });
});

it.each([
  // A PING of 3 bytes: a session error at once (GOAWAY PROTOCOL_ERROR).
  ['a malformed control frame', Buffer.from([0x80, 0x03, 0x00, 0x06, 0, 0, 0, 3, 1, 2, 3]), false],
  // An HTTP/1.1 answer reads as the start of a huge DATA frame: only the close ends it.
  ['an HTTP/1.1 answer, then close', Buffer.from('HTTP/1.1 400 Bad Request\r\n\r\n'), true],
])('fails pending requests when the server sends %s', async (_name, garbage, thenClose) => {
  const raw = net.createServer((socket) => {
    socket.once('data', () => {
      socket.write(garbage);
      if (thenClose) socket.end();
    });
    socket.on('error', () => {});
  });
  const listening = await listen(raw, 'http');
  cleanup.push(() => listening.close());
  const session = await connect(listening.origin, { spdy: 3.1 });
  const closed = once(session, 'close');
  const request = session.request('/').end();
  const error = await request.response.catch((e: unknown) => e);
  expect(error).toMatchObject({ code: 'ERR_SPDY_CONNECTION_CLOSED' });
  if (!thenClose) expect((error as Error).cause).toBeInstanceOf(SpdyProtocolError);
  await closed;
  expect(session.isClosed).toBe(true);
});

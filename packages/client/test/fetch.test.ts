/** fetch(): WHATWG Request/Response semantics over SPDY. */

import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetch, SessionPool } from '../src/index.js';
import { engineServer, type EngineStream, type Listening } from './helpers.js';

const header = (stream: EngineStream, name: string): string | undefined => stream.headers.find(([n]) => n === name)?.[1];
const status = (code: string, headers: Array<[string, string]> = []): Array<[string, string]> => [[':status', code], [':version', 'HTTP/1.1'], ...headers];

function respond(stream: EngineStream): void {
  const path = header(stream, ':path') ?? '/';
  const { session, streamId } = stream;
  if (path === '/empty') {
    session.submitResponse(streamId, status('204 No Content'));
  } else if (path === '/old') {
    session.submitResponse(streamId, status('302 Found', [['location', '/new']]));
  } else if (path === '/see-other') {
    session.submitResponse(streamId, status('303 See Other', [['location', '/new?after=post']]));
  } else if (path === '/push') {
    const host = header(stream, ':host') ?? '';
    // Response headers in the SYN_STREAM...
    session.submitPush(streamId, {
      requestHeaders: [[':scheme', 'http'], [':host', host], [':path', '/app.js']],
      responseHeaders: status('200', [['content-type', 'text/javascript']]),
      body: 'run()',
    });
    // ...or in a HEADERS frame after it (draft 3 §3.3.1), the SYN_STREAM's other headers being the request's.
    const later = session.submitPush(streamId, { requestHeaders: [[':scheme', 'http'], [':host', host], [':path', '/data.json'], ['accept', 'application/json']] });
    session.submitResponse(streamId, status('200'), 'with push');
    session.submitHeaders(later, status('200', [['content-type', 'application/json']]));
    session.submitData(later, '[]', { fin: true });
  } else if (path === '/slow') {
    // Part of a body, then nothing: the reader is left waiting.
    let sent = false;
    session.submitResponse(streamId, status('200'), (max) => {
      if (sent) return 'deferred';
      sent = true;
      return { data: new Uint8Array(Math.min(max, 100)) };
    });
  } else {
    const info = {
      method: header(stream, ':method'),
      path,
      contentType: header(stream, 'content-type') ?? null,
      contentLength: header(stream, 'content-length') ?? null,
      length: stream.body.length,
      sha256: createHash('sha256').update(stream.body).digest('hex'),
      priority: stream.priority,
    };
    session.submitResponse(streamId, status('200 OK', [['content-type', 'application/json'], ['set-cookie', 'a=1'], ['set-cookie', 'b=2'], ['x-multi', 'x'], ['x-multi', 'y']]), JSON.stringify(info));
  }
  stream.flush();
}

/** Polls `probe` on each turn of the event loop until it gives a value. */
async function waitFor<T>(probe: () => T | undefined): Promise<T> {
  for (let turn = 0; turn < 10_000; turn += 1) {
    const value = probe();
    if (value !== undefined) return value;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error('waitFor: gave up');
}

let server: Listening;
let pool: SessionPool;
beforeAll(async () => {
  server = await engineServer(3.1, respond);
  pool = new SessionPool({ spdy: 3.1 });
});
afterAll(async () => {
  pool.destroy();
  await server.close();
});

describe('fetch', () => {
  it('returns a Response with status, headers, url and a streaming body', async () => {
    const response = await fetch(`${server.origin}/info?q=1`, { pool });
    expect(response).toBeInstanceOf(Response);
    expect(response.ok).toBe(true);
    expect(response.status).toBe(200);
    expect(response.statusText).toBe('OK');
    expect(response.url).toBe(`${server.origin}/info?q=1`);
    expect(response.redirected).toBe(false);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.headers.get('x-multi')).toBe('x, y');
    expect(response.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    expect(response.body).toBeInstanceOf(ReadableStream);
    expect(await response.json()).toMatchObject({ method: 'GET', path: '/info?q=1', length: 0 });
  });

  it('gives a null body for 204 and HEAD', async () => {
    const empty = await fetch(`${server.origin}/empty`, { pool });
    expect(empty.status).toBe(204);
    expect(empty.body).toBeNull();
    const head = await fetch(`${server.origin}/info`, { method: 'HEAD', pool });
    expect(head.body).toBeNull();
  });

  it.each([
    ['a string', 'héllo', 'text/plain;charset=UTF-8', Buffer.from('héllo')],
    ['bytes', new Uint8Array([1, 2, 3]), null, Buffer.from([1, 2, 3])],
    ['URLSearchParams', new URLSearchParams({ a: '1', b: 'x y' }), 'application/x-www-form-urlencoded;charset=UTF-8', Buffer.from('a=1&b=x+y')],
    ['a Blob', new Blob(['blob!'], { type: 'text/x-blob' }), 'text/x-blob', Buffer.from('blob!')],
  ])('sends %s as the request body, with its content type and length', async (_name, body, contentType, bytes) => {
    const response = await fetch(`${server.origin}/echo`, { method: 'POST', body, pool });
    expect(await response.json()).toMatchObject({
      method: 'POST',
      contentType,
      contentLength: String(bytes.length),
      length: bytes.length,
      sha256: createHash('sha256').update(bytes).digest('hex'),
    });
  });

  it('streams a ReadableStream request body', async () => {
    const parts = Array.from({ length: 50 }, (_, i) => new Uint8Array(10_000).fill(i));
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        const next = parts.shift();
        if (next === undefined) controller.close();
        else controller.enqueue(next);
      },
    });
    const all = Buffer.concat(Array.from({ length: 50 }, (_, i) => new Uint8Array(10_000).fill(i)));
    const response = await fetch(`${server.origin}/stream`, { method: 'PUT', body, duplex: 'half', pool } as RequestInit & { pool: SessionPool });
    expect(await response.json()).toMatchObject({ method: 'PUT', contentLength: null, length: all.length, sha256: createHash('sha256').update(all).digest('hex') });
  });

  it('sends the SPDY priority given in init', async () => {
    const response = await fetch(`${server.origin}/prio`, { priority: 1, pool });
    expect(await response.json()).toMatchObject({ priority: 1 });
  });

  it('follows redirects like WHATWG fetch (303 turns POST into GET)', async () => {
    const moved = await fetch(`${server.origin}/old`, { pool });
    expect(moved.redirected).toBe(true);
    expect(moved.url).toBe(`${server.origin}/new`);
    expect(await moved.json()).toMatchObject({ path: '/new' });
    const seeOther = await fetch(`${server.origin}/see-other`, { method: 'POST', body: 'x', pool });
    expect(await seeOther.json()).toMatchObject({ method: 'GET', path: '/new?after=post', length: 0, contentType: null });
    const manual = await fetch(`${server.origin}/old`, { redirect: 'manual', pool });
    expect(manual.status).toBe(302);
    expect(manual.headers.get('location')).toBe('/new');
  });

  it('hands pushed resources to onPush as a Request and a Response', async () => {
    const pushed: Array<[Request, Response]> = [];
    const response = await fetch(`${server.origin}/push`, { pool, onPush: (request, res) => pushed.push([request, res]) });
    expect(await response.text()).toBe('with push');
    const [[scriptRequest, script], [dataRequest, data]] = await waitFor(() => (pushed.length === 2 ? pushed : undefined));
    expect(scriptRequest.url).toBe(`${server.origin}/app.js`);
    expect(scriptRequest.method).toBe('GET');
    expect(script.status).toBe(200);
    expect(script.url).toBe(`${server.origin}/app.js`);
    expect(script.headers.get('content-type')).toBe('text/javascript');
    expect(await script.text()).toBe('run()');
    expect(dataRequest.url).toBe(`${server.origin}/data.json`);
    expect(dataRequest.headers.get('accept')).toBe('application/json');
    expect(data.headers.get('content-type')).toBe('application/json');
    expect(await data.json()).toEqual([]);
  });

  it('aborts while the body streams: the body errors with the abort reason', async () => {
    const controller = new AbortController();
    const response = await fetch(`${server.origin}/slow`, { pool, signal: controller.signal });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    expect((await reader.read()).value?.length).toBe(100);
    controller.abort(new Error('enough'));
    await expect(reader.read()).rejects.toThrow('enough');
  });

  it('follows the signal of a Request given as input', async () => {
    const controller = new AbortController();
    const response = await fetch(new Request(`${server.origin}/slow`, { signal: controller.signal }), { pool });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    expect((await reader.read()).value?.length).toBe(100);
    controller.abort(new Error('enough'));
    await expect(reader.read()).rejects.toThrow('enough');
  });

  it('rejects with an already aborted signal, and with TypeError("fetch failed") when nothing listens', async () => {
    await expect(fetch(`${server.origin}/info`, { pool, signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
    const closed = await engineServer(3.1, respond);
    await closed.close();
    const error = await fetch(`${closed.origin}/`, { pool }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TypeError);
    expect((error as TypeError).message).toBe('fetch failed');
    expect(((error as TypeError).cause as NodeJS.ErrnoException).code).toBe('ECONNREFUSED');
  });
});

/**
 * `fetch()` over SPDY, returning WHATWG `Response` objects (Node's globals).
 * When a TLS server negotiates HTTP/1.1, the request goes over node:https
 * instead, so callers need not know what the server speaks.
 */

import type { IncomingMessage } from 'node:http';
import * as https from 'node:https';
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { SpdyClientError } from './errors.js';
import { globalPool, type SessionPool } from './pool.js';
import { ClientRequest, type SpdyPush } from './request.js';
import type { SpdyResponse } from './response.js';

export interface SpdyRequestInit extends RequestInit {
  /** SPDY priority, 0 (highest) to 7 (lowest). */
  priority?: number;
  /** The session pool to use; default the global one. */
  pool?: SessionPool;
  /** Called for each resource the server pushes with this request (refused when absent). */
  onPush?: (request: Request, response: Response) => void;
}

const NULL_BODY_STATUS = new Set([101, 103, 204, 205, 304]);
const REDIRECT_STATUS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 20;

type OutboundBody = Uint8Array | ReadableStream<Uint8Array> | undefined;

interface Attempt {
  url: URL;
  method: string;
  headers: Headers;
  body: OutboundBody;
}

/** Fetches `input` over SPDY (or HTTP/1.1 when the server offers nothing else). */
export async function fetch(input: string | URL | Request, init: SpdyRequestInit = {}): Promise<Response> {
  const { pool = globalPool(), onPush, priority, ...rest } = init;
  const request = new Request(input, { ...rest, duplex: 'half' } as RequestInit);
  // The Request's own signal follows the caller's, if any: without one it never
  // aborts, and listening to it (an EventTarget) would only cost time.
  const signal = init.signal != null || input instanceof Request ? request.signal : undefined;
  signal?.throwIfAborted();
  const streamed = isReadableStream(init.body);
  let attempt: Attempt = {
    url: new URL(request.url),
    method: request.method,
    headers: new Headers(request.headers),
    body: request.body === null ? undefined : streamed ? request.body : new Uint8Array(await request.arrayBuffer()),
  };
  for (let hop = 0; ; hop += 1) {
    const response = await fetchOnce(pool, attempt, { priority, signal, onPush });
    const location = response.headers.get('location');
    if (request.redirect === 'manual' || !REDIRECT_STATUS.has(response.status) || location === null) {
      return withUrl(response, attempt.url, hop > 0);
    }
    await response.body?.cancel();
    if (request.redirect === 'error') throw new TypeError('fetch failed', { cause: new Error(`redirected to ${location}`) });
    if (hop === MAX_REDIRECTS) throw new TypeError('fetch failed', { cause: new Error('too many redirects') });
    attempt = redirected(attempt, response.status, new URL(location, attempt.url));
  }
}

/** The next request of a redirect chain (WHATWG fetch §4.4, HTTP-redirect fetch). */
function redirected(previous: Attempt, status: number, url: URL): Attempt {
  const headers = new Headers(previous.headers);
  if ((status === 303 && previous.method !== 'HEAD') || ((status === 301 || status === 302) && previous.method === 'POST')) {
    for (const name of ['content-type', 'content-length', 'content-encoding', 'content-language', 'content-location']) headers.delete(name);
    return { url, method: 'GET', headers, body: undefined };
  }
  if (isReadableStream(previous.body)) throw new TypeError('fetch failed', { cause: new Error('cannot replay a streamed body on redirect') });
  return { url, method: previous.method, headers, body: previous.body };
}

async function fetchOnce(
  pool: SessionPool,
  attempt: Attempt,
  options: { priority: number | undefined; signal: AbortSignal | undefined; onPush: SpdyRequestInit['onPush'] },
): Promise<Response> {
  const { url, method, headers, body } = attempt;
  if (body instanceof Uint8Array) headers.set('content-length', String(body.length));
  let session;
  try {
    session = await (options.signal === undefined ? pool.get(url) : abortable(pool.get(url), options.signal));
  } catch (error) {
    if (error instanceof SpdyClientError && error.code === 'ERR_SPDY_NOT_NEGOTIATED') return fetchHttp1(pool, attempt, options.signal);
    throw networkError(error, options.signal);
  }
  const request = new ClientRequest(url, {
    method,
    headers,
    priority: options.priority,
    signal: options.signal,
    ...(body instanceof Uint8Array ? { body } : {}),
  });
  const onPush = options.onPush;
  if (onPush !== undefined) request.on('push', (push: SpdyPush) => onPush(pushedRequest(push), toWebResponse(push.response, 'GET')));
  session.adopt(request);
  if (body === undefined) request.end();
  else if (!(body instanceof Uint8Array)) sendStream(body, request);
  try {
    return toWebResponse(await request.response, method);
  } catch (error) {
    throw networkError(error, options.signal);
  }
}

/** Streams `body` into `sink`; a failing source aborts the request. */
function sendStream(body: ReadableStream<Uint8Array>, sink: ClientRequest | Writable): void {
  pipeline(Readable.fromWeb(body as import('node:stream/web').ReadableStream<Uint8Array>), sink).catch((error: unknown) => {
    if (sink instanceof ClientRequest) sink.abort(error);
    else sink.destroy(error instanceof Error ? error : new Error(String(error)));
  });
}

/** A WHATWG Response over a SPDY response; the body stays a stream (no buffering). */
export function toWebResponse(response: SpdyResponse, method: string): Response {
  const headers = new Headers();
  for (const [name, value] of response.rawHeaders) {
    if (name.startsWith(':')) continue;
    for (const v of value.split('\0')) headers.append(name, v);
  }
  const empty = NULL_BODY_STATUS.has(response.status) || method === 'HEAD';
  if (empty) response.body.resume();
  const web = new Response(empty ? null : response.webBody(), { status: response.status, statusText: response.statusText, headers });
  return withUrl(web, response.url, false);
}

/** The `Request` a server pushed (GET, with the pushed request headers). */
function pushedRequest(push: SpdyPush): Request {
  const headers = new Headers();
  for (const [name, value] of push.rawRequestHeaders) {
    if (!name.startsWith(':')) for (const v of value.split('\0')) headers.append(name, v);
  }
  return new Request(push.url, { headers });
}

function withUrl(response: Response, url: URL, redirected: boolean): Response {
  Object.defineProperty(response, 'url', { value: url.href });
  if (redirected) Object.defineProperty(response, 'redirected', { value: true });
  return response;
}

/** HTTP/1.1 over node:https, for servers whose ALPN chose no SPDY. */
function fetchHttp1(pool: SessionPool, attempt: Attempt, signal: AbortSignal | undefined): Promise<Response> {
  const { url, method, headers, body } = attempt;
  return new Promise((resolve, reject) => {
    const request = https.request(url, { method, headers: Object.fromEntries(headers), agent: pool.http1Agent, ...(signal !== undefined && { signal }) });
    request.on('error', (error) => reject(networkError(error, signal)));
    request.on('response', (res: IncomingMessage) => {
      const responseHeaders = new Headers();
      for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) responseHeaders.append(res.rawHeaders[i] as string, res.rawHeaders[i + 1] as string);
      const status = res.statusCode ?? 0;
      const empty = NULL_BODY_STATUS.has(status) || method === 'HEAD';
      if (empty) res.resume();
      const web = new Response(empty ? null : (Readable.toWeb(res) as ReadableStream<Uint8Array>), {
        status,
        statusText: res.statusMessage ?? '',
        headers: responseHeaders,
      });
      resolve(withUrl(web, url, false));
    });
    if (body === undefined) request.end();
    else if (body instanceof Uint8Array) request.end(body);
    else sendStream(body, request);
  });
}

/** Rejects with the signal's reason as soon as it aborts. */
function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** fetch's convention: network failures are `TypeError('fetch failed')` with the cause; aborts keep their reason. */
function networkError(error: unknown, signal: AbortSignal | undefined): unknown {
  if (signal?.aborted === true) return signal.reason;
  return new TypeError('fetch failed', { cause: error });
}

function isReadableStream(value: unknown): value is ReadableStream<Uint8Array> {
  return typeof value === 'object' && value !== null && typeof (value as ReadableStream).getReader === 'function';
}

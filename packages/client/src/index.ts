/**
 * @spdy/client: SPDY/3.1, 3 and 2 for Node clients.
 *
 * - `connect(origin)` gives a `ClientSession` (TLS with ALPN, plain TCP, or
 *   a socket you hold); `session.request(url)` a streaming `ClientRequest`.
 * - `SessionPool` keeps one session per origin; `request()` and `fetch()`
 *   use the global pool unless given one.
 * - `fetch()` returns WHATWG `Response`s and falls back to HTTP/1.1.
 * - `urlfetch()` with `BaseSPDYStreamHandler` is the reference client.
 * - `SpdyAgent` lets node:https code go over SPDY.
 */

export { connect, alpnList, type ConnectOptions } from './connect.js';
export { ClientSession, type ClientSessionOptions, type GoawayInfo, type SessionTuning } from './session.js';
export { ClientRequest, SpdyPush, type RequestOptions } from './request.js';
export { SpdyResponse, ResponseBody } from './response.js';
export { SessionPool, globalPool, request, type PoolOptions } from './pool.js';
export { fetch, toWebResponse, type SpdyRequestInit } from './fetch.js';
export { urlfetch, BaseSPDYStreamHandler, type StreamHandlerClass, type UrlFetcher, type UrlFetchOptions } from './urlfetch.js';
export { SpdyAgent, type SpdyAgentOptions } from './agent.js';
export { SpdyClientError, type SpdyClientErrorCode, type SpdyClientErrorOptions } from './errors.js';
export { formatTraceEvent, type TraceEvent, type TraceListener } from './trace.js';
export type { HeaderList, RequestHeaders, ResponseHeaders } from './headers.js';

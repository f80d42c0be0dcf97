/**
 * The reference client: `urlfetch(urlOrUrls, StreamHandlerClass)` with
 * `BaseSPDYStreamHandler` (python-spdylay's `spdylay.urlfetch`). One handler
 * per URL; successive URLs of the same origin share one session.
 */

import { finished } from 'node:stream';
import { RstStatus } from '@spdy/frames';
import { connect, type ConnectOptions } from './connect.js';
import { SpdyClientError } from './errors.js';
import type { HeaderList, RequestHeaders } from './headers.js';
import type { ClientSession } from './session.js';

/** The driver a handler belongs to: the session that carries its stream. */
export interface UrlFetcher {
  readonly session: ClientSession;
}

/**
 * Handles one URL retrieval, which is one SPDY stream. Subclass it and
 * override the `on*` methods; the defaults do nothing.
 */
export class BaseSPDYStreamHandler {
  /** The stream id, once the request is submitted. */
  streamId: number | undefined;

  constructor(
    /** The URL to fetch. */
    readonly url: string,
    /** The driver calling this handler (opaque in the reference). */
    readonly fetcher: UrlFetcher,
  ) {}

  /** Name/value pairs received (the response headers, then any later HEADERS). */
  onHeader(_nv: HeaderList): void {}

  /** A chunk of the response body. */
  onData(_data: Uint8Array): void {}

  /** The stream closed: 0 when it completed, else the RST_STREAM status (see `RstStatus`). */
  onClose(_statusCode: number): void {}
}

export type StreamHandlerClass<H extends BaseSPDYStreamHandler> = new (url: string, fetcher: UrlFetcher) => H;

export interface UrlFetchOptions extends ConnectOptions {
  /** Default `GET`. */
  method?: string;
  /** Extra request headers for every URL. */
  headers?: RequestHeaders;
}

/**
 * Fetches every URL, each handled by a new `StreamHandlerClass` instance;
 * resolves with the handlers once every stream is closed. Runs of
 * same-origin URLs go concurrently over one session; runs follow one another.
 * Rejects when a connection cannot be made or a handler throws.
 */
export async function urlfetch<H extends BaseSPDYStreamHandler>(
  urlOrUrls: string | URL | Iterable<string | URL>,
  StreamHandlerClass: StreamHandlerClass<H>,
  options: UrlFetchOptions = {},
): Promise<H[]> {
  const urls = typeof urlOrUrls === 'string' || urlOrUrls instanceof URL ? [urlOrUrls] : [...urlOrUrls];
  const handlers: H[] = [];
  for (const run of sameOriginRuns(urls.map((u) => new URL(u)))) {
    const session = await connect(run[0] as URL, options);
    try {
      const fetcher: UrlFetcher = { session };
      const runHandlers = run.map((url) => new StreamHandlerClass(url.href, fetcher));
      handlers.push(...runHandlers);
      await Promise.all(runHandlers.map((handler) => fetchOne(session, handler, options)));
    } finally {
      await session.close();
    }
  }
  return handlers;
}

/** Groups successive URLs with the same origin. */
function sameOriginRuns(urls: URL[]): URL[][] {
  const runs: URL[][] = [];
  for (const url of urls) {
    const last = runs.at(-1);
    if (last !== undefined && (last[0] as URL).origin === url.origin) last.push(url);
    else runs.push([url]);
  }
  return runs;
}

/** Runs one stream, calling its handler; resolves once it is closed and its body delivered. */
function fetchOne(session: ClientSession, handler: BaseSPDYStreamHandler, options: UrlFetchOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = session.request(handler.url, { method: options.method, headers: options.headers });
    let status: number | undefined;
    let bodyDone = false;
    let failure: unknown;
    const call = (fn: () => void): void => {
      if (failure !== undefined) return;
      try {
        fn();
      } catch (error) {
        failure = error;
        request.abort(error);
      }
    };
    const settle = (): void => {
      if (status === undefined || !bodyDone) return;
      call(() => handler.onClose(status as number));
      if (failure !== undefined) reject(failure);
      else resolve();
    };
    request.once('stream', (id: number) => {
      handler.streamId = id;
    });
    request.on('response', (response) => {
      call(() => handler.onHeader(response.rawHeaders));
      response.body.on('data', (chunk: Buffer) => call(() => handler.onData(chunk)));
      finished(response.body, () => {
        bodyDone = true;
        settle();
      });
    });
    request.on('trailers', (list: HeaderList) => call(() => handler.onHeader(list)));
    request.once('streamClosed', (error: unknown) => {
      status = error === undefined ? 0 : error instanceof SpdyClientError && error.status !== undefined ? error.status : RstStatus.CANCEL;
      if (!request.responseReceived) bodyDone = true;
      settle();
    });
    request.end();
  });
}

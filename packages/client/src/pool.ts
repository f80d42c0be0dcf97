/**
 * One session per origin, reused by every request to that origin. A session
 * that received GOAWAY takes no new requests: the next one opens a new
 * session, and the requests the server left unprocessed move to it.
 */

import * as https from 'node:https';
import { versionToAlpn } from '@spdy/session';
import { SpdyClientError } from './errors.js';
import { connect, originOf, type ConnectOptions } from './connect.js';
import { ClientRequest, type RequestOptions } from './request.js';
import type { ClientSession } from './session.js';

export type PoolOptions = Omit<ConnectOptions, 'socket' | 'signal'>;

export class SessionPool {
  private readonly sessions = new Map<string, ClientSession>();
  private readonly connecting = new Map<string, Promise<ClientSession>>();
  /** Origins whose TLS handshake chose HTTP/1.1: the error to report without reconnecting. */
  private readonly http1Origins = new Map<string, SpdyClientError>();
  private http1: https.Agent | undefined;
  private closed = false;

  constructor(readonly options: PoolOptions = {}) {}

  /**
   * The live session for `origin`, connecting if there is none. Concurrent
   * callers share one connection attempt.
   */
  get(origin: string | URL): Promise<ClientSession> {
    if (this.closed) return Promise.reject(new Error('the session pool is closed'));
    let key: string;
    try {
      key = originOf(origin).origin;
    } catch (error) {
      return Promise.reject(error);
    }
    const live = this.sessions.get(key);
    if (live?.available) return Promise.resolve(live);
    const known = this.http1Origins.get(key);
    if (known !== undefined) return Promise.reject(known);
    let pending = this.connecting.get(key);
    if (pending === undefined) {
      pending = this.open(key);
      this.connecting.set(key, pending);
    }
    return pending;
  }

  /** Whether `origin` is known to speak HTTP/1.1 only (its TLS handshake chose no SPDY). */
  isHttp1(origin: string | URL): boolean {
    return this.http1Origins.has(new URL(origin).origin);
  }

  /** What `origin` is spoken over right now: `spdy/3.1`, `spdy/3`, `spdy/2`, `http/1.1`, or undefined if unknown. */
  protocol(origin: string | URL): string | undefined {
    const key = new URL(origin).origin;
    if (this.http1Origins.has(key)) return 'http/1.1';
    const session = this.sessions.get(key);
    return session === undefined ? undefined : versionToAlpn(session.version);
  }

  /** An https.Agent with the pool's TLS options, for HTTP/1.1 fallback. */
  get http1Agent(): https.Agent {
    this.http1 ??= new https.Agent({
      ...this.options.tls,
      keepAlive: true,
      ALPNProtocols: ['http/1.1'],
      rejectUnauthorized: this.options.rejectUnauthorized ?? this.options.tls?.rejectUnauthorized ?? true,
    });
    return this.http1;
  }

  /** Starts a request on the session for its URL's origin. */
  request(url: string | URL, options: RequestOptions = {}): ClientRequest {
    const request = new ClientRequest(url, options);
    this.dispatch(request);
    return request;
  }

  /** Hands `request` to the session of its origin (a new one after GOAWAY). */
  dispatch(request: ClientRequest): void {
    this.get(request.url).then(
      (session) => session.adopt(request),
      (error: unknown) => request.fail(error),
    );
  }

  /** GOAWAY to every session; resolves once they are all closed. */
  async close(): Promise<void> {
    this.closed = true;
    const pending = [...this.connecting.values()].map((p) => p.then((s) => s.close(), () => undefined));
    await Promise.all([...[...this.sessions.values()].map((s) => s.close()), ...pending]);
    this.http1?.destroy();
  }

  /** Closes every connection now. */
  destroy(): void {
    this.closed = true;
    for (const session of this.sessions.values()) session.destroy();
    this.http1?.destroy();
  }

  private async open(key: string): Promise<ClientSession> {
    try {
      const session = await connect(key, this.options);
      this.sessions.set(key, session);
      session.retry = (request) => this.dispatch(request);
      const forget = (): void => {
        if (this.sessions.get(key) === session) this.sessions.delete(key);
      };
      session.once('goaway', forget);
      session.once('close', forget);
      return session;
    } catch (error) {
      if (error instanceof SpdyClientError && error.code === 'ERR_SPDY_NOT_NEGOTIATED') this.http1Origins.set(key, error);
      throw error;
    } finally {
      this.connecting.delete(key);
    }
  }
}

let defaultPool: SessionPool | undefined;

/** The pool used when none is given: default options, idle sessions do not keep the process alive. */
export function globalPool(): SessionPool {
  defaultPool ??= new SessionPool();
  return defaultPool;
}

/** Starts a request through `options.pool` (default: the global pool). */
export function request(url: string | URL, options: RequestOptions & { pool?: SessionPool } = {}): ClientRequest {
  return (options.pool ?? globalPool()).request(url, options);
}

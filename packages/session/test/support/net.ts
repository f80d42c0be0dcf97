/**
 * Tiny Node socket adapters for interop tests: they drive a Session over a
 * real net.Socket (client) or every connection of a net.Server (server).
 * All the protocol lives in the Session; these only move bytes and time.
 */

import net from 'node:net';
import type { ProtocolVersion } from '@spdy/frames';
import type { HeaderList } from '@spdy/zlib-headers';
import { Session } from '../../src/index.js';
import type { SessionEvent, SessionOptions } from '../../src/types.js';

/** A Session bound to a socket. Call `flush()` after submitting anything. */
export class SocketSession {
  readonly session: Session;
  readonly events: SessionEvent[] = [];
  private readonly listeners = new Set<(e: SessionEvent) => void>();
  private timer: NodeJS.Timeout | undefined;
  private readonly start = performance.now();
  closed = false;
  /** End the TCP connection as soon as the session is closed and flushed (default), or leave that to the peer. */
  endWhenClosed = true;

  constructor(
    readonly socket: net.Socket,
    options: SessionOptions,
  ) {
    this.session = new Session({
      ...options,
      now: this.now(),
      onEvent: (e) => {
        this.events.push(e);
        for (const l of this.listeners) l(e);
      },
    });
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      this.session.receive(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length), this.now());
      this.flush();
    });
    socket.on('end', () => {
      this.session.receiveEnd(this.now());
      this.flush();
    });
    socket.on('error', () => {
      // The close that follows ends the session.
    });
    socket.on('close', () => {
      this.closed = true;
      if (this.timer) clearTimeout(this.timer);
      if (!this.session.isClosed) this.session.receiveEnd(this.now());
    });
  }

  now(): number {
    return performance.now() - this.start;
  }

  onEvent(listener: (e: SessionEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Writes everything the session has queued, and arms its next deadline. */
  flush(): void {
    if (this.closed) return;
    for (let i = 0; i < 1_000_000; i++) {
      const out = this.session.pull(undefined, this.now());
      if (out === undefined) break;
      // Copy: the session may reuse its buffer once pull() is called again.
      this.socket.write(Buffer.from(out));
    }
    if (this.session.isClosed && !this.session.wantWrite()) {
      if (this.endWhenClosed) this.socket.end();
      return;
    }
    const deadline = this.session.pollTimeout();
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (deadline !== undefined) {
      this.timer = setTimeout(
        () => {
          this.session.handleTimeout(this.now());
          this.flush();
        },
        Math.max(0, deadline - this.now()),
      );
      this.timer.unref();
    }
  }

  /** Resolves with the first event matching `predicate` (already seen ones included). */
  waitFor<E extends SessionEvent>(predicate: (e: SessionEvent) => e is E): Promise<E>;
  waitFor(predicate: (e: SessionEvent) => boolean): Promise<SessionEvent>;
  waitFor(predicate: (e: SessionEvent) => boolean): Promise<SessionEvent> {
    const seen = this.events.find(predicate);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => {
      const off = this.onEvent((e) => {
        if (predicate(e)) {
          off();
          resolve(e);
        }
      });
    });
  }

  destroy(): void {
    if (this.timer) clearTimeout(this.timer);
    this.socket.destroy();
  }
}

/** Connects a client Session to 127.0.0.1:port. */
export function connectClient(port: number, version: ProtocolVersion, options: Partial<SessionOptions> = {}): Promise<SocketSession> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port }, () => {
      socket.off('error', reject);
      const s = new SocketSession(socket, { ...options, side: 'client', version });
      s.flush();
      resolve(s);
    });
    socket.once('error', reject);
  });
}

/** What one request collected. */
export interface RequestResult {
  streamId: number;
  headers: HeaderList;
  body: Buffer;
  /** Pushed streams associated with this request. */
  pushes: { streamId: number; headers: HeaderList; body: Buffer }[];
  /** RST_STREAM status if the stream was reset. */
  resetStatus?: number;
}

/**
 * Sends one request on a client SocketSession and resolves when it and all
 * its pushes closed.
 */
export function sendRequest(s: SocketSession, init: { headers: Record<string, string>; body?: Uint8Array | string }): Promise<RequestResult> {
  return new Promise((resolve) => {
    const chunks = new Map<number, Buffer[]>();
    const pushHeaders = new Map<number, HeaderList>();
    const open = new Set<number>();
    let headers: HeaderList = [];
    let resetStatus: number | undefined;
    let streamId = 0;
    const off = s.onEvent((e) => {
      switch (e.type) {
        case 'responseReceived':
          if (e.streamId === streamId) headers = e.headers;
          break;
        case 'pushReceived':
          if (e.associatedStreamId === streamId) {
            pushHeaders.set(e.streamId, e.headers);
            open.add(e.streamId);
          }
          break;
        case 'headersReceived':
          if (pushHeaders.has(e.streamId)) pushHeaders.set(e.streamId, [...(pushHeaders.get(e.streamId) ?? []), ...e.headers]);
          break;
        case 'dataChunkReceived': {
          let list = chunks.get(e.streamId);
          if (!list) chunks.set(e.streamId, (list = []));
          list.push(Buffer.from(e.data));
          break;
        }
        case 'streamReset':
          if (e.streamId === streamId) resetStatus = e.status;
          break;
        case 'streamClosed':
          open.delete(e.streamId);
          if (open.size === 0) {
            off();
            resolve({
              streamId,
              headers,
              body: Buffer.concat(chunks.get(streamId) ?? []),
              pushes: [...pushHeaders].map(([id, h]) => ({ streamId: id, headers: h, body: Buffer.concat(chunks.get(id) ?? []) })),
              ...(resetStatus === undefined ? {} : { resetStatus }),
            });
          }
          break;
        default:
          break;
      }
    });
    streamId = s.session.submitRequest({ headers: init.headers, ...(init.body === undefined ? {} : { body: init.body }) });
    open.add(streamId);
    s.flush();
  });
}

/** A net.Server on 127.0.0.1 whose connections each drive a server Session. */
export async function listenServer(
  version: ProtocolVersion,
  onSession: (s: SocketSession) => void,
  options: Partial<SessionOptions> = {},
): Promise<{ port: number; sessions: SocketSession[]; close: () => Promise<void> }> {
  const sessions: SocketSession[] = [];
  const server = net.createServer((socket) => {
    const s = new SocketSession(socket, { ...options, side: 'server', version });
    sessions.push(s);
    onSession(s);
    s.flush();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    port: address.port,
    sessions,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sessions) s.destroy();
        server.close(() => resolve());
      }),
  };
}

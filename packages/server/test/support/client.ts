/**
 * A small SPDY test client: a client-side Session from @spdy/session driven
 * over a real socket (plain TCP or TLS with ALPN). Enough to make requests,
 * collect responses and pushes, and misbehave on purpose.
 */
import type { ProtocolVersion } from '@spdy/frames';
import { Session, versionToAlpn, type HeadersInit, type SessionEvent, type SessionOptions } from '@spdy/session';
import type { HeaderList } from '@spdy/zlib-headers';
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { expect } from 'vitest';

export interface Response {
  streamId: number;
  headers: HeaderList;
  status: string;
  body: Buffer;
  /** RST_STREAM status if the stream was reset, else 0. */
  resetStatus: number;
  trailers: HeaderList;
}

export interface Pushed {
  streamId: number;
  associatedStreamId: number;
  headers: HeaderList;
  body: Buffer;
  closed: Promise<void>;
}

interface Pending {
  headers: HeaderList;
  trailers: HeaderList;
  chunks: Buffer[];
  resolve: (response: Response) => void;
}

export function header(list: HeaderList, name: string): string | undefined {
  return list.find(([n]) => n === name)?.[1];
}

export class TestClient {
  readonly session: Session;
  readonly pushes: Pushed[] = [];
  readonly events: SessionEvent[] = [];
  private readonly pending = new Map<number, Pending>();
  private readonly pushDone = new Map<number, () => void>();
  private readonly pushChunks = new Map<number, Buffer[]>();
  readonly closed: Promise<void>;
  /** The stream id of the latest request. */
  lastStreamId = 0;

  private constructor(
    readonly socket: Socket,
    readonly version: ProtocolVersion,
    options: Partial<SessionOptions>,
  ) {
    this.session = new Session({ side: 'client', version, ...options, onEvent: (event) => this.onEvent(event) });
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('data', (chunk: Buffer) => {
      this.session.receive(chunk, performance.now());
      this.flush();
    });
    socket.on('end', () => {
      this.session.receiveEnd();
      this.flush();
    });
    socket.on('error', () => {});
    this.flush();
  }

  static async connect(port: number, version: ProtocolVersion, options: { tls?: boolean; session?: Partial<SessionOptions> } = {}): Promise<TestClient> {
    const socket: Socket = options.tls
      ? tlsConnect({ host: '127.0.0.1', port, ALPNProtocols: [versionToAlpn(version)], rejectUnauthorized: false })
      : netConnect({ host: '127.0.0.1', port });
    await new Promise<void>((resolve, reject) => {
      socket.once(options.tls ? 'secureConnect' : 'connect', () => resolve());
      socket.once('error', reject);
    });
    if (options.tls && (socket as import('node:tls').TLSSocket).alpnProtocol !== versionToAlpn(version)) {
      throw new Error(`ALPN chose ${String((socket as import('node:tls').TLSSocket).alpnProtocol)}`);
    }
    return new TestClient(socket, version, options.session ?? {});
  }

  /** A client over a socket that is already connected (after an HTTP Upgrade, say). */
  static over(socket: Socket, version: ProtocolVersion): TestClient {
    return new TestClient(socket, version, {});
  }

  flush(): void {
    for (;;) {
      const bytes = this.session.pull(65536, performance.now());
      if (bytes === undefined) break;
      if (!this.socket.destroyed) this.socket.write(bytes);
    }
  }

  /** Sends a request and resolves with the complete response (or the reset). */
  request(path: string, init: { method?: string; headers?: Record<string, string>; body?: Uint8Array | string; priority?: number } = {}): Promise<Response> {
    const method = init.method ?? (init.body === undefined ? 'GET' : 'POST');
    const headers: HeadersInit = {
      ':method': method,
      ':path': path,
      ':version': 'HTTP/1.1',
      ':host': `127.0.0.1:${this.socket.remotePort}`,
      ':scheme': 'http',
      ...init.headers,
    };
    const streamId = this.session.submitRequest({ headers, ...(init.body !== undefined ? { body: init.body } : {}), ...(init.priority !== undefined ? { priority: init.priority } : {}) });
    this.lastStreamId = streamId;
    const promise = new Promise<Response>((resolve) => this.pending.set(streamId, { headers: [], trailers: [], chunks: [], resolve }));
    this.flush();
    return promise;
  }

  private waiters: Array<{ type: SessionEvent['type']; resolve: (event: SessionEvent) => void }> = [];

  /** Resolves with the first event of `type` (already seen or still to come). */
  waitFor(type: SessionEvent['type']): Promise<SessionEvent> {
    const seen = this.events.find((e) => e.type === type);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => this.waiters.push({ type, resolve }));
  }

  private onEvent(event: SessionEvent): void {
    this.events.push(event);
    this.waiters = this.waiters.filter((w) => {
      if (w.type !== event.type) return true;
      w.resolve(event);
      return false;
    });
    switch (event.type) {
      case 'responseReceived': {
        const p = this.pending.get(event.streamId);
        if (p) p.headers = event.headers;
        break;
      }
      case 'headersReceived':
        this.pending.get(event.streamId)?.trailers.push(...event.headers);
        break;
      case 'dataChunkReceived': {
        const copy = Buffer.from(event.data);
        this.pending.get(event.streamId)?.chunks.push(copy);
        this.pushChunks.get(event.streamId)?.push(copy);
        break;
      }
      case 'pushReceived': {
        const chunks: Buffer[] = [];
        this.pushChunks.set(event.streamId, chunks);
        let done!: () => void;
        const closed = new Promise<void>((resolve) => (done = resolve));
        const pushed: Pushed = {
          streamId: event.streamId,
          associatedStreamId: event.associatedStreamId,
          headers: event.headers,
          get body() {
            return Buffer.concat(chunks);
          },
          closed,
        };
        this.pushDone.set(event.streamId, done);
        this.pushes.push(pushed);
        break;
      }
      case 'streamClosed': {
        const p = this.pending.get(event.streamId);
        if (p) {
          this.pending.delete(event.streamId);
          p.resolve({
            streamId: event.streamId,
            headers: p.headers,
            status: header(p.headers, ':status') ?? '',
            body: Buffer.concat(p.chunks),
            resetStatus: event.status,
            trailers: p.trailers,
          });
        }
        this.pushDone.get(event.streamId)?.();
        break;
      }
      case 'sessionClosed':
        // Streams still waiting end with no response.
        for (const [streamId, p] of this.pending) {
          p.resolve({ streamId, headers: p.headers, status: '', body: Buffer.concat(p.chunks), resetStatus: -1, trailers: p.trailers });
        }
        this.pending.clear();
        break;
      default:
        break;
    }
  }

  close(): void {
    this.socket.destroy();
  }
}

/** Asserts that the server on `port` still answers a well-behaved SPDY/3 client (after a hostile one). */
export async function expectStillServing(port: number): Promise<void> {
  const client = await TestClient.connect(port, 3);
  const res = await client.request('/hello');
  expect(res.body.toString()).toBe('hello GET 3');
  client.close();
}

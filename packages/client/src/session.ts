/**
 * ClientSession: a client `Session` (the sans-I/O engine) driven over a
 * socket. Socket bytes go to `receive()`; `pull()` output goes to the socket
 * with backpressure; one timer serves `pollTimeout()`; the end of the
 * transport ends every pending stream with an error its caller can handle.
 */

import { EventEmitter } from 'node:events';
import type { Duplex } from 'node:stream';
import { GoawayStatus, RstStatus, type ProtocolVersion } from '@spdy/frames';
import { Session, StreamTable, type BodyInit, type SessionEvent, type SessionEventType, type SessionOptions } from '@spdy/session';
import { isPlainPath, type HeaderList, type RequestTarget } from './headers.js';
import { SpdyClientError, streamResetError } from './errors.js';
import { ClientRequest, PushStream, type RequestOptions, type SpdyPush, type StreamSink } from './request.js';
import type { TraceListener } from './trace.js';

/** Engine settings a client may tune (the rest is decided by the transport). */
export type SessionTuning = Omit<SessionOptions, 'side' | 'version' | 'send' | 'onEvent' | 'now' | 'flowControl'>;

export interface ClientSessionOptions {
  /** Engine limits and keep-alive; see `SessionOptions` of @spdy/session. */
  session?: SessionTuning;
  /** Receives every frame sent and received (for `-v` logs). */
  trace?: TraceListener;
}

export interface GoawayInfo {
  readonly lastGoodStreamId: number;
  readonly status: number;
  /** Our streams the server never processed (their requests already moved on when a pool owns the session). */
  readonly unprocessedStreamIds: readonly number[];
}

const now = (): number => performance.now();

/**
 * The SPDY/3.1 session receive window we open. Bytes are credited back when
 * the application reads them, so each stream's own window (64 KiB) bounds
 * what an unread response holds; the session window must exceed what all
 * unread streams can hold together, or one unread body stalls every other
 * stream of the session (a deadlock when the caller reads them in order).
 * 100 streams x 64 KiB fit in 8 MiB.
 */
const DEFAULT_SESSION_WINDOW = 8 * 1024 * 1024;

/** Second characters that make a `/`-led URL name a host (`//`, `/\\`) or may (tab, LF, CR: the parser removes them). */
const HOST_AFTER_SLASH = new Set([0x2f, 0x5c, 0x09, 0x0a, 0x0d]);

/**
 * The engine events a session handles. The engine builds an event only when
 * someone listens for its type, so the per-frame ones (frame sent, frame
 * received) are asked for only when a trace listener wants them.
 */
const EVENTS: readonly SessionEventType[] = [
  'responseReceived',
  'headersReceived',
  'dataChunkReceived',
  'streamEnded',
  'streamClosed',
  'pushReceived',
  'goawayReceived',
  'pingAcknowledged',
  'settingsReceived',
  'sessionError',
];
const TRACE_EVENTS: readonly SessionEventType[] = ['controlFrameReceived', 'invalidControlFrameReceived', 'controlFrameSent', 'dataFrameReceived', 'dataSent'];

/** How many times one request may move to another session after being refused unprocessed. */
const MAX_RETRIES = 3;

/**
 * A client session over one connection.
 *
 * Events: 'push' (SpdyPush, for every push), 'goaway' (GoawayInfo),
 * 'retry' (a refused request moving to another session, and its old stream
 * id), 'settings' (entries), 'close' (error | undefined). It never emits 'error':
 * failures reach the requests they concern.
 */
export class ClientSession extends EventEmitter {
  /** The protocol engine, for advanced use (settings, pings, state inspection). */
  readonly engine: Session;
  readonly version: ProtocolVersion;
  /** `scheme://host:port` this session talks to. */
  readonly origin: string;
  readonly socket: Duplex;
  /** The ALPN protocol negotiated, when over TLS. */
  readonly alpnProtocol: string | undefined;
  /**
   * Where requests the server refused unprocessed (GOAWAY, REFUSED_STREAM) go
   * to be sent again; set by a pool. Without it they fail with a retryable
   * ERR_SPDY_STREAM_RESET.
   */
  retry: ((request: ClientRequest) => void) | undefined;

  private readonly streams = new StreamTable<StreamSink>();
  private readonly pings = new Map<number, { resolve: (rtt: number) => void; reject: (error: Error) => void }>();
  private readonly trace: TraceListener | undefined;
  /** `:host` and `:scheme` when `origin` is exactly `scheme://host[:port]`, so that a path can be appended to it. */
  private readonly originTarget: Omit<RequestTarget, 'path'> | undefined;
  private input: ArrayBufferLike | undefined;
  private writeBlocked = false;
  private flushScheduled = false;
  private timer: NodeJS.Timeout | undefined;
  private timerAt: number | undefined;
  private transportEnded = false;
  private closeError: Error | undefined;
  private endingTransport = false;
  private goaway: GoawayInfo | undefined;
  private closed = false;
  private goawaySent = false;
  private closing = false;
  private idle = false;

  constructor(socket: Duplex, options: ClientSessionOptions & { version: ProtocolVersion; origin: string; alpnProtocol?: string }) {
    super();
    this.socket = socket;
    this.version = options.version;
    this.origin = options.origin;
    const originUrl = URL.canParse(this.origin) ? new URL(this.origin) : undefined;
    this.originTarget = originUrl?.origin === this.origin ? { host: originUrl.host, scheme: originUrl.protocol.slice(0, -1) } : undefined;
    this.alpnProtocol = options.alpnProtocol;
    this.trace = options.trace;
    this.engine = new Session({
      sessionWindowSize: DEFAULT_SESSION_WINDOW,
      ...options.session,
      side: 'client',
      version: options.version,
      // Received bytes are credited back when the application reads them, so
      // a response nobody reads stops the server instead of filling memory.
      flowControl: 'manual',
      now: now(),
    });
    const onEvent = (event: SessionEvent): void => this.onEvent(event);
    for (const type of EVENTS) this.engine.on(type, onEvent);
    if (this.trace !== undefined) for (const type of TRACE_EVENTS) this.engine.on(type, onEvent);
    socket.on('data', (chunk: Buffer) => this.onSocketData(chunk));
    socket.on('drain', () => {
      this.writeBlocked = false;
      this.flush();
    });
    socket.on('end', () => this.onTransportEnd());
    socket.on('error', (error: Error) => this.onTransportEnd(error));
    socket.on('close', () => this.onTransportEnd());
    this.updateIdle();
    this.flush();
  }

  /** Whether new requests can go on this session (no GOAWAY either way, not closed). */
  get available(): boolean {
    return !this.closed && this.goaway === undefined && !this.goawaySent && !this.engine.isClosed;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Streams open on this session (requests and pushes). */
  get activeStreams(): number {
    return this.streams.size;
  }

  /** Starts a request on this session; `url` may be a path relative to the origin. */
  request(url: string | URL, options: RequestOptions = {}): ClientRequest {
    const origin = this.originTarget;
    const request =
      origin !== undefined && typeof url === 'string' && isPlainPath(url)
        ? // The URL is the origin and the path as they are: parsed only if someone asks for request.url.
          new ClientRequest(this.origin + url, options, { path: url, host: origin.host, scheme: origin.scheme })
        : new ClientRequest(this.resolve(url), options);
    this.adopt(request);
    return request;
  }

  /**
   * `url` against the origin. A path (`/...`, but not `//host` or `/\\host`,
   * which name another host; the URL parser drops tabs and newlines first) is appended to a bare origin: the same URL,
   * without parsing the origin again per request.
   */
  private resolve(url: string | URL): URL {
    if (this.originTarget !== undefined && typeof url === 'string' && url.charCodeAt(0) === 0x2f && !HOST_AFTER_SLASH.has(url.charCodeAt(1))) {
      return new URL(this.origin + url);
    }
    return new URL(url, this.origin);
  }

  /** Carries a request created elsewhere (a pool, a retry after GOAWAY). */
  adopt(request: ClientRequest): void {
    request.attach(this);
  }

  /** Sends a PING; resolves with the round-trip time in ms. */
  ping(): Promise<number> {
    return new Promise((resolve, reject) => {
      if (this.closed || this.engine.isClosed) {
        reject(this.connectionClosedError());
        return;
      }
      const id = this.engine.submitPing(now());
      this.pings.set(id, { resolve, reject });
      this.updateIdle();
      this.scheduleFlush();
    });
  }

  /** Graceful close: GOAWAY, streams in flight finish, then the connection closes. */
  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.closed) {
        resolve();
        return;
      }
      this.once('close', () => resolve());
      this.closing = true;
      this.updateIdle();
      if (this.engine.isClosed) {
        this.endTransport();
        return;
      }
      if (!this.goawaySent) {
        this.goawaySent = true;
        this.engine.submitGoaway(GoawayStatus.OK);
      }
      this.flush();
    });
  }

  /** Closes the connection now; pending requests fail with `error` (or ERR_SPDY_CONNECTION_CLOSED). */
  destroy(error?: Error): void {
    if (this.closed) return;
    this.onTransportEnd(error);
  }

  // ---- called by requests ------------------------------------------------

  /** Submits a stream; returns its id. Throws when the session cannot take new streams. */
  submit(sink: StreamSink, headers: HeaderList, priority: number | undefined, body: BodyInit | undefined): number {
    if (!this.available) {
      throw new SpdyClientError('ERR_SPDY_GOAWAY', `the session with ${this.origin} is closing`, { retryable: true });
    }
    const id = this.engine.submitRequest({ headers, priority: this.scalePriority(priority), body });
    this.streams.set(id, sink);
    this.updateIdle();
    this.scheduleFlush();
    return id;
  }

  /** More body bytes are queued for `streamId`. */
  resume(streamId: number): void {
    if (this.closed || this.engine.isClosed) return;
    this.engine.resumeData(streamId);
    this.scheduleFlush();
  }

  /** The application read `length` bytes of `streamId`: open the window again. */
  credit(streamId: number, length: number): void {
    if (this.closed || this.engine.isClosed || length === 0) return;
    this.engine.consume(streamId, length);
    this.scheduleFlush();
  }

  /** Resets `streamId` (CANCEL for aborts). */
  reset(streamId: number, status: number): void {
    if (this.closed || !this.streams.has(streamId)) return;
    this.engine.submitRstStream(streamId, status);
    this.scheduleFlush();
  }

  // ---- I/O ---------------------------------------------------------------

  private onSocketData(chunk: Buffer): void {
    if (this.closed) return;
    this.input = chunk.buffer;
    this.engine.receive(chunk, now());
    this.input = undefined;
    this.flush();
  }

  private scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    queueMicrotask(() => {
      this.flushScheduled = false;
      this.flush();
    });
  }

  /** Writes what the engine has to send until the socket pushes back. */
  private flush(): void {
    if (this.transportEnded || this.endingTransport) return;
    if (!this.writeBlocked) {
      this.socket.cork();
      let bytes: Uint8Array | undefined;
      while ((bytes = this.engine.pull(undefined, now())) !== undefined) {
        if (!this.socket.write(bytes)) {
          this.writeBlocked = true;
          break;
        }
      }
      this.socket.uncork();
    }
    this.armTimer();
    if (this.engine.isClosed && !this.engine.wantWrite()) this.endTransport();
  }

  private armTimer(): void {
    const at = this.engine.pollTimeout();
    if (at === this.timerAt) return;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = at;
    if (at === undefined) return;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.timerAt = undefined;
        if (this.closed) return;
        this.engine.handleTimeout(now());
        this.flush();
      },
      Math.max(0, Math.ceil(at - now())),
    );
    // Keep-alive and idle timers never hold the process open on their own.
    this.timer.unref();
  }

  /** The engine has nothing more to say: close our side once written. */
  private endTransport(): void {
    if (this.endingTransport) return;
    this.endingTransport = true;
    this.socket.end(() => this.socket.destroy());
  }

  private onTransportEnd(error?: Error): void {
    if (error !== undefined) this.closeError ??= error;
    if (this.transportEnded) return;
    this.transportEnded = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    // The engine closes every open stream; each fails with a connection error.
    this.engine.receiveEnd(now());
    const error_ = this.connectionClosedError();
    for (const [id, sink] of this.streams.entries()) {
      this.streams.delete(id);
      sink.onClose(error_);
    }
    for (const ping of this.pings.values()) ping.reject(error_);
    this.pings.clear();
    this.closed = true;
    if (!this.socket.destroyed) this.socket.destroy();
    this.emit('close', this.closeError);
  }

  /** `status`: the RST_STREAM status the engine closed the stream with, if any. */
  private connectionClosedError(status?: number): SpdyClientError {
    return new SpdyClientError('ERR_SPDY_CONNECTION_CLOSED', `the connection to ${this.origin} closed${this.closeError ? `: ${this.closeError.message}` : ''}`, {
      cause: this.closeError,
      status,
    });
  }

  /**
   * An idle session does not keep the process alive (as node's keep-alive
   * agents); one with streams, pings or a close in progress does.
   */
  private updateIdle(): void {
    const idle = this.streams.size === 0 && this.pings.size === 0 && !this.closing;
    if (idle === this.idle) return;
    this.idle = idle;
    const socket = this.socket as Duplex & { ref?: () => void; unref?: () => void };
    if (idle) socket.unref?.();
    else socket.ref?.();
  }

  private scalePriority(priority: number | undefined): number | undefined {
    if (priority === undefined) return undefined;
    const p = Math.min(7, Math.max(0, Math.round(priority)));
    return this.engine.lowestPriority === 7 ? p : p >> 1;
  }

  // ---- engine events -----------------------------------------------------

  private onEvent(event: SessionEvent): void {
    switch (event.type) {
      case 'responseReceived':
      case 'headersReceived': {
        const sink = this.streams.get(event.streamId);
        if (sink === undefined) return;
        sink.onHeaders(event.headers);
        if (event.fin) sink.onEnd();
        return;
      }
      case 'dataChunkReceived': {
        const sink = this.streams.get(event.streamId);
        if (sink === undefined) {
          this.credit(event.streamId, event.data.length);
          return;
        }
        sink.onData(this.keep(event.data));
        return;
      }
      case 'streamEnded':
        this.streams.get(event.streamId)?.onEnd();
        return;
      case 'streamClosed':
        this.onStreamClosed(event.streamId, event.status, event.resetBy);
        return;
      case 'pushReceived':
        this.onPush(event.streamId, event.associatedStreamId, event.headers, event.fin);
        return;
      case 'goawayReceived':
        this.onGoaway(event);
        return;
      case 'pingAcknowledged': {
        const ping = this.pings.get(event.id);
        this.pings.delete(event.id);
        this.updateIdle();
        ping?.resolve(event.rtt);
        return;
      }
      case 'settingsReceived':
        this.emit('settings', event.entries);
        return;
      case 'sessionError':
        // The session is over (GOAWAY queued): streams closing now die with it.
        this.closeError ??= event.error;
        return;
      case 'controlFrameReceived':
        this.trace?.({ direction: 'recv', kind: 'control', frame: event.frame, headers: event.headers }, this);
        return;
      case 'invalidControlFrameReceived':
        this.trace?.({ direction: 'recv', kind: 'control', frame: event.frame, headers: undefined, error: event.error }, this);
        return;
      case 'controlFrameSent':
        this.trace?.({ direction: 'send', kind: 'control', frame: event.frame, headers: event.headers }, this);
        return;
      case 'dataFrameReceived':
        this.trace?.({ direction: 'recv', kind: 'data', streamId: event.streamId, flags: event.flags, length: event.length }, this);
        return;
      case 'dataSent':
        this.trace?.({ direction: 'send', kind: 'data', streamId: event.streamId, flags: event.flags, length: event.length }, this);
        return;
      default:
        return;
    }
  }

  /** A copy of received bytes, unless they are a view into the socket's own chunk (never reused by Node). */
  private keep(data: Uint8Array): Buffer {
    if (data.buffer === this.input) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    return Buffer.from(data);
  }

  private onStreamClosed(streamId: number, status: number, resetBy: 'local' | 'remote' | undefined): void {
    const sink = this.streams.get(streamId);
    if (sink === undefined) return;
    this.streams.delete(streamId);
    this.updateIdle();
    if (this.transportEnded || this.closeError !== undefined) {
      sink.onClose(this.connectionClosedError(status));
    } else if (status === 0) {
      sink.onClose(undefined);
    } else if (status === RstStatus.REFUSED_STREAM && resetBy === 'remote' && sink instanceof ClientRequest) {
      // Refused means unprocessed (a GOAWAY above this stream, or RST_STREAM
      // REFUSED_STREAM): safe to send again.
      this.retryOrFail(sink, status);
    } else {
      sink.onClose(streamResetError(streamId, status, resetBy));
    }
  }

  private onPush(streamId: number, associatedStreamId: number, headers: HeaderList, fin: boolean): void {
    const parent = this.streams.get(associatedStreamId);
    const wanted = this.listenerCount('push') > 0 || (parent instanceof ClientRequest && parent.listenerCount('push') > 0);
    if (!wanted || !(parent instanceof ClientRequest)) {
      this.engine.submitRstStream(streamId, RstStatus.CANCEL);
      this.scheduleFlush();
      return;
    }
    const push = new PushStream(this, streamId, associatedStreamId, headers, parent.url, (p: SpdyPush) => {
      parent.deliverPush(p);
      this.emit('push', p);
    });
    this.streams.set(streamId, push);
    this.updateIdle();
    if (fin) push.onEnd();
  }

  private onGoaway(event: GoawayInfo): void {
    // The engine has already closed the unprocessed streams as REFUSED_STREAM
    // (see onStreamClosed), so they are on their way to a new session.
    // The engine itself closes once the streams in flight are done, and the
    // connection ends then (see flush).
    this.goaway = { lastGoodStreamId: event.lastGoodStreamId, status: event.status, unprocessedStreamIds: event.unprocessedStreamIds };
    this.emit('goaway', this.goaway);
  }

  private retryOrFail(request: ClientRequest, status: number): void {
    const retry = this.retry;
    if (retry !== undefined && request.retryable && request.retries < MAX_RETRIES) {
      const streamId = request.streamId;
      request.detach();
      // After this event's handlers ran: a GOAWAY must first take this session out of its pool.
      queueMicrotask(() => retry(request));
      this.emit('retry', request, streamId);
      return;
    }
    const error = streamResetError(request.streamId ?? 0, status, 'remote');
    request.fail(
      new SpdyClientError('ERR_SPDY_STREAM_RESET', `${error.message}: the server did not process it`, {
        status,
        streamId: request.streamId,
        retryable: request.retryable,
      }),
    );
  }
}

/**
 * One SPDY session on one transport: socket bytes into `session.receive`,
 * `session.pull` out to the socket with its backpressure, one timer for the
 * session's deadlines, and the request/response objects of its streams.
 *
 * Handlers are never called from inside the session: streams opened while
 * `receive` runs are collected and dispatched once it has returned, and
 * callbacks into application code from the data provider are deferred, so
 * the session is never re-entered.
 */

import { GoawayStatus, RstStatus, type ProtocolVersion, type SpdyProtocolError } from '@spdy/frames';
import { Session, StreamTable, type BodyInit, type HeadersInit, type SessionEvent } from '@spdy/session';
import type { Duplex } from 'node:stream';
import { performance } from 'node:perf_hooks';
import { pinPrototypeChain } from './compat.js';
import type { StreamHost } from './host.js';
import { sessionOptionsFor, type ResolvedOptions } from './options.js';
import { SpdyIncomingMessage } from './request.js';
import { SpdyServerResponse } from './response.js';
import type { FrameTrace } from './trace.js';

/** Largest slice of output taken from the session per socket write. */
const WRITE_SLICE = 65536;

/** How long a peer may keep its side open after our FIN before the socket is destroyed. */
const CLOSE_GRACE_MS = 5000;

/** What a connection reports to the server that owns it. */
export interface ConnectionOwner {
  readonly options: ResolvedOptions;
  dispatch(req: SpdyIncomingMessage, res: SpdyServerResponse): void;
  /** Whether anyone listens to the frame trace (tracing costs an object per frame). */
  tracing(): boolean;
  trace(trace: FrameTrace, connection: SpdyConnection): void;
  sessionError(error: SpdyProtocolError, connection: SpdyConnection): void;
  closed(connection: SpdyConnection): void;
}

interface StreamEntry {
  req: SpdyIncomingMessage;
  res: SpdyServerResponse;
}

const clock = (): number => performance.now();

/** A server-side SPDY session on a socket (what the server's 'session' event gives). */
export class SpdyConnection implements StreamHost {
  readonly session: Session;
  readonly encrypted: boolean;
  /** Not Maps: a Map that churns an entry per request keeps requests alive in the old generation (see StreamTable). */
  private readonly streams = new StreamTable<StreamEntry>();
  private readonly pushes = new StreamTable<() => void>();
  /** Streams opened during the current `receive`, dispatched after it returns. */
  private pending: StreamEntry[] = [];
  private writeBlocked = false;
  private flushScheduled = false;
  private timer: NodeJS.Timeout | undefined;
  private timerDeadline: number | undefined;
  /** Drops a closed session's socket whose peer stopped reading its last frames. */
  private stuckTimer: NodeJS.Timeout | undefined;
  private ended = false;
  private released = false;

  constructor(
    private readonly owner: ConnectionOwner,
    readonly socket: Duplex,
    readonly version: ProtocolVersion,
  ) {
    this.encrypted = (socket as { encrypted?: boolean }).encrypted === true;
    this.session = new Session({
      ...sessionOptionsFor(owner.options, version, clock()),
      onEvent: (event) => this.onEvent(event),
    });
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('end', () => this.receiveEnd());
    socket.on('error', () => this.receiveEnd());
    socket.on('close', () => this.release());
    socket.on('drain', () => {
      this.writeBlocked = false;
      this.flush();
    });
    // SETTINGS (and the 3.1 session window update) go out before any request arrives.
    this.flush();
  }

  /** Remote address and port of the transport, when it is a socket. */
  get remoteAddress(): string | undefined {
    return (this.socket as { remoteAddress?: string }).remoteAddress;
  }

  get remotePort(): number | undefined {
    return (this.socket as { remotePort?: number }).remotePort;
  }

  /** Streams open on this session. */
  get streamCount(): number {
    return this.streams.size;
  }

  /** Sends GOAWAY: streams in flight finish, no new ones are accepted, then the session closes. */
  goaway(): void {
    if (this.session.isClosed) return;
    this.session.submitGoaway(GoawayStatus.OK);
    this.flush();
  }

  /** Closes the transport at once; streams in flight are lost. */
  destroy(): void {
    this.socket.destroy();
  }

  /** Feeds bytes as if received from the socket (the first bytes of a peeked connection). */
  receive(chunk: Uint8Array): void {
    if (this.released) return;
    this.session.receive(chunk, clock());
    this.dispatchPending();
    this.flush();
  }

  private receiveEnd(): void {
    if (this.ended || this.released) return;
    this.ended = true;
    this.session.receiveEnd(clock());
    this.flush();
  }

  private dispatchPending(): void {
    if (this.pending.length === 0) return;
    const opened = this.pending;
    this.pending = [];
    for (const { req, res } of opened) {
      if (res.destroyed) continue;
      this.owner.dispatch(req, res);
    }
  }

  /** Writes what the session has queued, up to the socket's backpressure. */
  flush(): void {
    this.flushScheduled = false;
    if (this.released) return;
    const now = clock();
    while (!this.writeBlocked) {
      const bytes = this.session.pull(WRITE_SLICE, now);
      if (bytes === undefined) break;
      if (!this.socket.write(bytes)) this.writeBlocked = true;
    }
    if (this.session.isClosed) {
      if (!this.writeBlocked && !this.session.wantWrite()) {
        this.socket.end();
        this.release();
        return;
      }
      // The session is over (often failed on an abusive peer) but its last frames are stuck behind a
      // peer that does not read: without this, that peer would hold the socket and its buffers forever.
      this.stuckTimer ??= setTimeout(() => this.socket.destroy(), CLOSE_GRACE_MS).unref();
    }
    this.armTimer(now);
  }

  /** Coalesces the flushes asked for by many writes in one tick. */
  private flushSoon(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    queueMicrotask(() => this.flush());
  }

  private armTimer(now: number): void {
    const deadline = this.session.pollTimeout();
    if (deadline === this.timerDeadline) return;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerDeadline = deadline;
    if (deadline === undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timerDeadline = undefined;
      if (this.released) return;
      this.session.handleTimeout(clock());
      this.flush();
    }, Math.max(0, Math.ceil(deadline - now)));
    this.timer.unref();
  }

  /** The session is over or the transport closed: every stream still open is aborted. */
  private release(): void {
    if (this.released) return;
    this.released = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.stuckTimer !== undefined) clearTimeout(this.stuckTimer);
    if (!this.session.isClosed) this.session.receiveEnd(clock());
    for (const { req, res } of this.streams.values()) {
      req.stopTimeout();
      req.abort();
      res.onStreamClosed();
    }
    this.streams.clear();
    for (const close of this.pushes.values()) close();
    this.pushes.clear();
    this.pending = [];
    if (!this.socket.destroyed && this.session.isClosed && this.socket.writableEnded) {
      // Output is flushed and FIN sent; the peer closes its side, or we do after a grace period.
      setTimeout(() => this.socket.destroy(), CLOSE_GRACE_MS).unref();
    } else if (!this.socket.destroyed) {
      this.socket.destroy();
    }
    this.owner.closed(this);
  }

  private onEvent(event: SessionEvent): void {
    switch (event.type) {
      case 'streamOpened': {
        const req = new SpdyIncomingMessage(this, event.streamId, event.headers, event.priority, event.fin);
        const res = new SpdyServerResponse(this, req, this.owner.options.highWaterMark);
        if (this.owner.options.expressCompatible) {
          pinPrototypeChain(req);
          pinPrototypeChain(res);
        }
        const entry = { req, res };
        this.streams.set(event.streamId, entry);
        this.pending.push(entry);
        break;
      }
      case 'dataChunkReceived':
        this.streams.get(event.streamId)?.req.onData(event.data);
        break;
      case 'headersReceived':
        if (event.fin) this.streams.get(event.streamId)?.req.onTrailers(event.headers);
        break;
      case 'streamEnded':
        this.streams.get(event.streamId)?.req.finish();
        break;
      case 'streamClosed': {
        const entry = this.streams.get(event.streamId);
        if (entry !== undefined) {
          this.streams.delete(event.streamId);
          // Deferred: destroying a Writable runs application listeners.
          entry.req.stopTimeout();
          queueMicrotask(() => {
            if (event.status !== 0) entry.req.abort();
            entry.res.onStreamClosed();
          });
        }
        const push = this.pushes.get(event.streamId);
        if (push !== undefined) {
          this.pushes.delete(event.streamId);
          if (event.status !== 0) queueMicrotask(push);
        }
        break;
      }
      case 'sessionError':
        this.owner.sessionError(event.error, this);
        break;
      case 'controlFrameReceived':
        if (this.owner.tracing()) this.owner.trace({ direction: 'recv', frame: event.frame, ...(event.headers ? { headers: event.headers } : {}) }, this);
        break;
      case 'controlFrameSent':
        if (this.owner.tracing()) this.owner.trace({ direction: 'send', frame: event.frame, ...(event.headers ? { headers: event.headers } : {}) }, this);
        break;
      case 'dataFrameReceived':
      case 'dataSent':
        if (event.type === 'dataSent') this.streams.get(event.streamId)?.req.touch();
        if (this.owner.tracing()) {
          const { streamId, flags, length } = event;
          this.owner.trace({ direction: event.type === 'dataSent' ? 'send' : 'recv', frame: { type: 'DATA', streamId, flags, length } }, this);
        }
        break;
      default:
        break;
    }
  }

  // StreamHost: what requests and responses call. Each schedules a flush.

  resumeData(streamId: number): void {
    if (this.released) return;
    this.session.resumeData(streamId);
    this.flushSoon();
  }

  submitResponse(streamId: number, headers: HeadersInit, body: BodyInit | undefined, finOnData = true): void {
    if (this.released || !this.streams.has(streamId)) return;
    if (body === undefined || finOnData) {
      this.session.submitResponse(streamId, headers, body);
    } else {
      this.session.submitSynReply(streamId, headers, { fin: false });
      this.session.submitData(streamId, body, { fin: false });
    }
    this.flushSoon();
  }

  submitTrailers(streamId: number, headers: HeadersInit): void {
    if (this.released || this.session.streamState(streamId) === undefined) return;
    this.session.submitHeaders(streamId, headers, { fin: true });
    this.flushSoon();
  }

  submitPush(associatedStreamId: number, requestHeaders: HeadersInit, responseHeaders: HeadersInit, body: BodyInit): number | undefined {
    if (this.released || this.session.isClosed) return undefined;
    try {
      const id = this.session.submitPush(associatedStreamId, { requestHeaders, responseHeaders, body });
      this.flushSoon();
      return id;
    } catch {
      // Going away, the parent stream half-closed, or stream ids exhausted: nothing was pushed.
      return undefined;
    }
  }

  trackPush(streamId: number, onClose: () => void): void {
    this.pushes.set(streamId, onClose);
  }

  resetStream(streamId: number, status: number = RstStatus.CANCEL): void {
    if (this.released) return;
    const state = this.session.streamState(streamId);
    if (state === undefined || state === 'closed') return;
    this.session.submitRstStream(streamId, status);
    this.flushSoon();
  }

  consume(streamId: number, length: number): void {
    if (this.released || this.session.streamState(streamId) === undefined) return;
    this.session.consume(streamId, length);
    this.flushSoon();
  }
}

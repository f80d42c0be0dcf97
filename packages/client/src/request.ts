/**
 * One request on a SPDY stream: a Writable for the request body (its writes
 * complete as the session sends them, so backpressure follows flow control),
 * a promise and an event for the response, and 'push' events for resources
 * the server pushes along with it.
 */

import { Writable } from 'node:stream';
import { RstStatus } from '@spdy/frames';
import type { DataProviderResult } from '@spdy/session';
import { SpdyClientError, abortError } from './errors.js';
import { buildRequestHeaders, headerValue, targetOf, toHeaderRecord, type HeaderList, type RequestHeaders, type RequestTarget, type ResponseHeaders } from './headers.js';
import { ResponseAssembler, noResponseError, type SpdyResponse } from './response.js';
import type { ClientSession } from './session.js';

/** What a session reports to the owner of one of its streams. */
export interface StreamSink {
  onHeaders(list: HeaderList): void;
  onData(chunk: Buffer): void;
  onEnd(): void;
  /** The stream closed: `error` unset for a normal close. */
  onClose(error: SpdyClientError | undefined): void;
}

export interface RequestOptions {
  /** Default `GET`. */
  method?: string;
  headers?: RequestHeaders;
  /** A whole body, sent and the request ended at once (kept, so the request can be retried after GOAWAY). */
  body?: string | Uint8Array;
  /** SPDY priority, 0 (highest) to 7 (lowest); scaled to 0-3 on SPDY/2. */
  priority?: number;
  /** Aborting resets the stream with CANCEL and rejects the response with `signal.reason`. */
  signal?: AbortSignal;
}

const EMPTY = Buffer.alloc(0);
/** Not destroyed when the body is written: the stream lives until the response ends, and destroy() means cancel. */
const WRITABLE_OPTIONS = { decodeStrings: true, autoDestroy: false } as const;
const noop = (): void => {};

/** A pushed resource: the request the server answered for us, and its response. */
export class SpdyPush {
  constructor(
    readonly url: URL,
    /** The pushed request's regular headers (those of the SYN_STREAM that are not response headers). */
    readonly requestHeaders: ResponseHeaders,
    /** The pushed SYN_STREAM's headers as received. */
    readonly rawRequestHeaders: HeaderList,
    readonly response: SpdyResponse,
    readonly associatedStreamId: number,
    private readonly cancelStream: () => void,
  ) {}

  get streamId(): number {
    return this.response.streamId;
  }

  /** Refuses the rest of the push (RST_STREAM CANCEL). */
  cancel(): void {
    this.cancelStream();
  }
}

/**
 * A client request. Headers leave on the first `write()`, on `end()` (FIN
 * then rides on the SYN_STREAM when there is no body) or on `flushHeaders()`.
 *
 * Failures (reset, dead connection, abort) reject `response`; they are emitted
 * as 'error' only when someone listens, so an ignored request never crashes
 * the process.
 *
 * Events: 'stream' (stream id, once submitted), 'response' (SpdyResponse),
 * 'push' (SpdyPush), 'trailers' (HeaderList), 'streamClosed' (the error, or
 * undefined after a normal close; always emitted once), 'error'.
 */
export class ClientRequest extends Writable implements StreamSink {
  readonly method: string;
  /** The SYN_STREAM headers. */
  readonly rawHeaders: HeaderList;
  readonly priority: number | undefined;
  readonly response: Promise<SpdyResponse>;
  /** The session carrying the request, once one is assigned. */
  session: ClientSession | undefined;
  /** The stream id, once the request is submitted. */
  streamId: number | undefined;
  /** How many times the request moved to a new session after GOAWAY. */
  retries = 0;

  private readonly signal: AbortSignal | undefined;
  private readonly wholeBody: Buffer | undefined;
  private started = false;
  private finished = false;
  private queue: Buffer[] = [];
  private writeCallback: ((error?: Error | null) => void) | undefined;
  private finalCallback: ((error?: Error | null) => void) | undefined;
  private ended = false;
  private bytesTaken = 0;
  private assembler: ResponseAssembler;
  private resolveResponse!: (response: SpdyResponse) => void;
  private rejectResponse!: (error: unknown) => void;
  /** The signal's listener; only a request with a signal needs one. */
  private readonly onAbort: (() => void) | undefined;
  /** `url` once parsed; `href` is parsed on first use when the session already knew the target. */
  private parsedUrl: URL | undefined;
  private readonly href: string;

  /**
   * `target`: for a session's own use, the pseudo-headers of `url` (a string
   * the URL parser would leave as it is), so that it need not be parsed.
   */
  constructor(url: string | URL, options: RequestOptions = {}, target?: RequestTarget) {
    super(WRITABLE_OPTIONS);
    if (typeof url === 'string' && target !== undefined) {
      this.href = url;
    } else {
      this.parsedUrl = typeof url === 'string' ? new URL(url) : url;
      this.href = this.parsedUrl.href;
      target = targetOf(this.parsedUrl);
    }
    this.method = (options.method ?? 'GET').toUpperCase();
    this.rawHeaders = buildRequestHeaders(target, this.method, options.headers);
    this.priority = options.priority;
    this.response = new Promise<SpdyResponse>((resolve, reject) => {
      this.resolveResponse = resolve;
      this.rejectResponse = reject;
    });
    this.assembler = this.newAssembler();
    this.signal = options.signal;
    if (this.signal !== undefined) {
      const onAbort = (): void => this.abort();
      this.onAbort = onAbort;
      if (this.signal.aborted) queueMicrotask(onAbort);
      else this.signal.addEventListener('abort', onAbort, { once: true });
    }
    if (options.body !== undefined) {
      this.wholeBody = typeof options.body === 'string' ? Buffer.from(options.body) : Buffer.from(options.body.buffer, options.body.byteOffset, options.body.byteLength);
      this.end(this.wholeBody);
    }
  }

  get url(): URL {
    this.parsedUrl ??= new URL(this.href);
    return this.parsedUrl;
  }

  /** Whether the response headers arrived. */
  get responseReceived(): boolean {
    return this.assembler.response !== undefined;
  }

  /** Sends the headers now, even before the first body byte. */
  flushHeaders(): void {
    this.start();
  }

  /** Cancels the request: RST_STREAM CANCEL, `response` rejects with `reason`. */
  abort(reason?: unknown): void {
    if (this.finished) return;
    const error = reason ?? (this.signal?.aborted ? abortError(this.signal) : new DOMException('The request was aborted', 'AbortError'));
    this.failAndReset(error, RstStatus.CANCEL);
  }

  // ---- called by ClientSession ------------------------------------------

  /** Binds the request to `session`; the SYN_STREAM leaves once the request has started. */
  attach(session: ClientSession): void {
    if (this.finished) return;
    this.session = session;
    if (this.started) this.submit();
  }

  /**
   * Whether the request may be sent again on another session after the server
   * refused it unprocessed (GOAWAY): nothing of a streamed body is lost.
   */
  get retryable(): boolean {
    return !this.finished && (this.bytesTaken === 0 || this.wholeBody !== undefined);
  }

  /** Forgets the refused stream so that `attach()` can submit the request again. */
  detach(): void {
    this.session = undefined;
    this.streamId = undefined;
    this.retries += 1;
    if (this.bytesTaken > 0 && this.wholeBody !== undefined) {
      this.queue = [this.wholeBody];
      this.bytesTaken = 0;
    }
    this.assembler = this.newAssembler();
  }

  onHeaders(list: HeaderList): void {
    const hadResponse = this.assembler.response !== undefined;
    this.assembler.headers(list);
    if (hadResponse) this.emit('trailers', list);
  }

  onData(chunk: Buffer): void {
    if (!this.assembler.data(chunk)) {
      this.failAndReset(
        new SpdyClientError('ERR_SPDY_BAD_RESPONSE', `DATA before response headers on stream ${this.streamId}`, { streamId: this.streamId }),
        RstStatus.PROTOCOL_ERROR,
      );
    }
  }

  onEnd(): void {
    if (!this.assembler.end()) this.fail(noResponseError(this.streamId ?? 0));
  }

  onClose(error: SpdyClientError | undefined): void {
    if (error !== undefined) {
      this.fail(error);
      return;
    }
    if (this.assembler.response === undefined) {
      this.fail(noResponseError(this.streamId ?? 0));
      return;
    }
    this.finish(undefined);
  }

  /** Fails the request (the session died, GOAWAY refused it...). */
  fail(error: unknown): void {
    if (this.finished) return;
    // The promise is part of the API whether or not the caller awaits it: a
    // rejection nobody asked for must not become an unhandled rejection. The
    // handler goes on only now, so a response that arrives costs no extra
    // promise and reaction.
    this.response.catch(noop);
    this.rejectResponse(error);
    // Finished first: failing the body may call back into abort().
    this.finish(error);
    if (error instanceof Error) this.assembler.fail(error);
    if (!this.destroyed) this.destroy(this.listenerCount('error') > 0 && error instanceof Error ? error : undefined);
  }

  /** Called by the session with each push associated with this request. */
  deliverPush(push: SpdyPush): void {
    this.emit('push', push);
  }

  // ---- Writable ----------------------------------------------------------

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.enqueue([chunk], callback);
  }

  override _writev(chunks: Array<{ chunk: Buffer }>, callback: (error?: Error | null) => void): void {
    this.enqueue(
      chunks.map((c) => c.chunk),
      callback,
    );
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.ended = true;
    if (this.finished) {
      callback();
      return;
    }
    this.finalCallback = callback;
    if (!this.started) this.start();
    else this.resume();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    // Destroying an unfinished request is a cancellation.
    if (!this.finished) this.failAndReset(error ?? new DOMException('The request was destroyed', 'AbortError'), RstStatus.CANCEL);
    callback(error);
  }

  // ---- internals ---------------------------------------------------------

  private newAssembler(): ResponseAssembler {
    return new ResponseAssembler(
      () => this.url,
      () => this.streamId ?? 0,
      (length) => {
        if (this.streamId !== undefined) this.session?.credit(this.streamId, length);
      },
      () => this.abort(),
      (response) => {
        this.resolveResponse(response);
        this.emit('response', response);
      },
    );
  }

  private enqueue(chunks: Buffer[], callback: (error?: Error | null) => void): void {
    if (this.finished) {
      // The stream is gone (reset, or the response already ended it): the
      // bytes have nowhere to go, and that is reported through `response`.
      callback();
      return;
    }
    for (const chunk of chunks) if (chunk.length > 0) this.queue.push(chunk);
    this.writeCallback = callback;
    if (!this.started) this.start();
    else this.resume();
  }

  private start(): void {
    if (this.started) return;
    this.started = true;
    if (this.session !== undefined) this.submit();
  }

  private submit(): void {
    const session = this.session as ClientSession;
    const hasBody = !(this.ended && this.queue.length === 0);
    try {
      // A request without a body (most GETs) needs no data provider.
      this.streamId = session.submit(this, this.rawHeaders, this.priority, hasBody ? (maxLength) => this.provide(maxLength) : undefined);
    } catch (error) {
      this.fail(error);
      return;
    }
    this.emit('stream', this.streamId);
    // Not inside the session's pull(): the callbacks may run now.
    if (!hasBody) this.release(false);
  }

  private resume(): void {
    if (this.streamId !== undefined) this.session?.resume(this.streamId);
  }

  /** The stream's data provider: hands queued body bytes to the session. */
  private provide(maxLength: number): DataProviderResult {
    if (this.queue.length === 0) {
      if (!this.ended) return 'deferred';
      this.release(true);
      return { data: EMPTY, end: true };
    }
    const data = this.take(maxLength);
    this.bytesTaken += data.length;
    const end = this.ended && this.queue.length === 0;
    if (this.queue.length === 0) this.release(true);
    return { data, end };
  }

  /** Up to `maxLength` bytes from the front of the queue, concatenating small chunks. */
  private take(maxLength: number): Buffer {
    const first = this.queue[0] as Buffer;
    if (first.length >= maxLength) {
      if (first.length === maxLength) this.queue.shift();
      else this.queue[0] = first.subarray(maxLength);
      return first.subarray(0, maxLength);
    }
    const parts: Buffer[] = [];
    let length = 0;
    while (this.queue.length > 0 && length < maxLength) {
      const chunk = this.queue[0] as Buffer;
      const room = maxLength - length;
      if (chunk.length <= room) {
        parts.push(chunk);
        length += chunk.length;
        this.queue.shift();
      } else {
        parts.push(chunk.subarray(0, room));
        this.queue[0] = chunk.subarray(room);
        length += room;
      }
    }
    return parts.length === 1 ? (parts[0] as Buffer) : Buffer.concat(parts, length);
  }

  /**
   * Completes the pending write and final callbacks. `deferred` from the data
   * provider: it runs inside the session's pull(), and a callback may write again.
   */
  private release(deferred: boolean): void {
    const write = this.writeCallback;
    const final = this.queue.length === 0 && this.ended ? this.finalCallback : undefined;
    this.writeCallback = undefined;
    if (final !== undefined) this.finalCallback = undefined;
    if (!deferred) {
      write?.();
      final?.();
    } else if (write === undefined) {
      if (final !== undefined) queueMicrotask(final);
    } else {
      queueMicrotask(() => {
        write();
        final?.();
      });
    }
  }

  /** Fails with `error` first (the reset's own close event then finds the request finished), then resets the stream. */
  private failAndReset(error: unknown, status: number): void {
    const { streamId, session } = this;
    this.fail(error);
    if (streamId !== undefined) session?.reset(streamId, status);
  }

  private finish(error: unknown): void {
    if (this.finished) return;
    this.finished = true;
    if (this.onAbort !== undefined) this.signal?.removeEventListener('abort', this.onAbort);
    this.queue = [];
    const write = this.writeCallback;
    const final = this.finalCallback;
    this.writeCallback = undefined;
    this.finalCallback = undefined;
    write?.();
    final?.();
    this.emit('streamClosed', error);
    if (error === undefined) this.destroy();
  }
}

/** A stream the server pushed: collects its response, then announces the push. */
export class PushStream implements StreamSink {
  private readonly assembler: ResponseAssembler;

  constructor(
    session: ClientSession,
    readonly streamId: number,
    readonly associatedStreamId: number,
    synHeaders: HeaderList,
    base: URL,
    announce: (push: SpdyPush) => void,
  ) {
    // Request headers are the SYN_STREAM's unless it also carries `:status`
    // (SPDY/2 style and some v3 servers), in which case its regular headers
    // belong to the response.
    const hasStatus = headerValue(synHeaders, ':status') !== undefined;
    const requestHeaders = hasStatus ? synHeaders.filter(([name]) => isRequestPseudo(name)) : synHeaders;
    const url = pushedUrl(synHeaders, base);
    const cancel = (): void => session.reset(streamId, RstStatus.CANCEL);
    this.assembler = new ResponseAssembler(
      url,
      () => streamId,
      (length) => session.credit(streamId, length),
      cancel,
      (response) => announce(new SpdyPush(url, toHeaderRecord(requestHeaders), requestHeaders, response, associatedStreamId, cancel)),
    );
    if (hasStatus) this.assembler.headers(synHeaders.filter(([name]) => !isRequestPseudo(name)));
  }

  onHeaders(list: HeaderList): void {
    this.assembler.headers(list);
  }

  onData(chunk: Buffer): void {
    // A push without `:status` before its data: treat it as 200, as browsers did.
    if (this.assembler.response === undefined) this.assembler.headers([[':status', '200']]);
    this.assembler.data(chunk);
  }

  onEnd(): void {
    if (this.assembler.response === undefined) this.assembler.headers([[':status', '200']]);
    this.assembler.end();
  }

  onClose(error: SpdyClientError | undefined): void {
    if (error !== undefined) this.assembler.fail(error);
  }
}

function isRequestPseudo(name: string): boolean {
  return name === ':scheme' || name === ':host' || name === ':path' || name === ':method';
}

/** The URL of a push: from `:scheme`/`:host`/`:path` (a v2 `url` maps to an absolute `:path`). */
function pushedUrl(headers: HeaderList, base: URL): URL {
  const path = headerValue(headers, ':path') ?? '/';
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(path)) return new URL(path);
  const scheme = headerValue(headers, ':scheme') ?? base.protocol.slice(0, -1);
  const host = headerValue(headers, ':host') ?? base.host;
  try {
    return new URL(`${scheme}://${host}${path.startsWith('/') ? path : `/${path}`}`);
  } catch {
    return new URL(path, base);
  }
}

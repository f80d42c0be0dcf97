/**
 * A response on a SPDY stream, shaped like node:http's ServerResponse: a
 * Writable body with status, headers, trailers, and server push.
 *
 * Headers go out as SYN_REPLY on the first write (or `end`, `flushHeaders`);
 * `write()` returns false while more than `highWaterMark` bytes wait for the
 * peer's flow-control window or the socket, and 'drain' follows when the
 * session has taken them.
 */

import { RstStatus } from '@spdy/frames';
import type { OutgoingHttpHeader, OutgoingHttpHeaders } from 'node:http';
import { Writable } from 'node:stream';
import { responseHeaderList, toHeaderList, validateHeader } from './headers.js';
import type { StreamHost } from './host.js';
import { OutboundBody } from './outbound.js';
import type { SpdyIncomingMessage } from './request.js';

type Callback = (error?: Error | null) => void;

/** Headers of a pushed resource: the request it answers and the response's own. */
export interface PushOptions {
  /** Request headers the client should assume (`:method` GET, `:host`, `:scheme` default from the parent). */
  request?: OutgoingHttpHeaders;
  /** Response headers (`:status` 200 by default). */
  response?: OutgoingHttpHeaders;
  /** Status code of the pushed response. Default 200. */
  status?: number;
}

function headersSentError(action: string): Error {
  return Object.assign(new Error(`Cannot ${action} after they are sent to the client`), { code: 'ERR_HTTP_HEADERS_SENT' });
}

/** A Writable for the body of one SPDY stream, over an {@link OutboundBody}. */
class BodyWritable extends Writable {
  constructor(
    protected readonly body: OutboundBody,
    highWaterMark: number,
  ) {
    super({ highWaterMark });
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: Callback): void {
    this.body.write(chunk, callback);
  }

  override _final(callback: Callback): void {
    this.body.end(callback);
  }
}

/** The body of a pushed stream; its headers were sent with the push. */
export class SpdyPushStream extends BodyWritable {
  constructor(
    private readonly host: StreamHost,
    readonly streamId: number,
    body: OutboundBody,
    highWaterMark: number,
  ) {
    super(body, highWaterMark);
  }

  override _destroy(error: Error | null, callback: Callback): void {
    if (!this.writableFinished) this.host.resetStream(this.streamId, error ? RstStatus.INTERNAL_ERROR : RstStatus.CANCEL);
    this.body.abandon();
    callback(error);
  }
}

export class SpdyServerResponse extends Writable {
  statusCode = 200;
  statusMessage: string | undefined = undefined;
  /** Kept for node:http compatibility; SPDY responses carry no Date unless set. */
  sendDate = false;
  readonly req: SpdyIncomingMessage;
  readonly streamId: number;

  private readonly outgoing = new Map<string, { name: string; value: OutgoingHttpHeader }>();
  /** The headers are final (writeHead or a write): node:http's `headersSent`. */
  private frozen = false;
  /** SYN_REPLY was submitted to the session. */
  private submitted = false;
  private trailers: OutgoingHttpHeaders | undefined;
  /** The body ends without FIN: a HEADERS frame with the trailers carries it. */
  private trailersMode = false;
  private readonly body: OutboundBody;
  /** HEAD responses have no body: writes are accepted and dropped. */
  private readonly bodyless: boolean;
  private streamClosed = false;

  constructor(
    private readonly host: StreamHost,
    req: SpdyIncomingMessage,
    private readonly highWaterMarkBytes: number,
  ) {
    super({ highWaterMark: highWaterMarkBytes });
    this.req = req;
    this.streamId = req.streamId;
    this.body = new OutboundBody(host, highWaterMarkBytes, req.streamId);
    this.bodyless = req.method === 'HEAD';
    req.response = this;
  }

  /** As node:http's: see {@link SpdyIncomingMessage.setTimeout}; the timer is the stream's. */
  setTimeout(msecs: number, callback?: () => void): this {
    if (callback) this.once('timeout', callback);
    this.req.setTimeout(msecs);
    return this;
  }

  get socket(): StreamHost['socket'] {
    return this.host.socket;
  }

  get connection(): StreamHost['socket'] {
    return this.host.socket;
  }

  get headersSent(): boolean {
    return this.frozen;
  }

  /** node:http's name for `writableEnded`. */
  get finished(): boolean {
    return this.writableEnded;
  }

  setHeader(name: string, value: OutgoingHttpHeader): this {
    if (this.frozen) throw headersSentError('set headers');
    validateHeader(name, value);
    this.outgoing.set(name.toLowerCase(), { name, value });
    return this;
  }

  appendHeader(name: string, value: OutgoingHttpHeader): this {
    const existing = this.outgoing.get(name.toLowerCase());
    if (existing === undefined) return this.setHeader(name, value);
    const before = Array.isArray(existing.value) ? existing.value : [String(existing.value)];
    const added = Array.isArray(value) ? value : [String(value)];
    return this.setHeader(existing.name, [...before, ...added]);
  }

  getHeader(name: string): OutgoingHttpHeader | undefined {
    return this.outgoing.get(name.toLowerCase())?.value;
  }

  removeHeader(name: string): void {
    if (this.frozen) throw headersSentError('remove headers');
    this.outgoing.delete(name.toLowerCase());
  }

  hasHeader(name: string): boolean {
    return this.outgoing.has(name.toLowerCase());
  }

  getHeaders(): OutgoingHttpHeaders {
    const out: OutgoingHttpHeaders = {};
    for (const [lower, { value }] of this.outgoing) out[lower] = value;
    return out;
  }

  getHeaderNames(): string[] {
    return [...this.outgoing.keys()];
  }

  writeHead(statusCode: number, statusMessage?: string | OutgoingHttpHeaders | OutgoingHttpHeader[], headers?: OutgoingHttpHeaders | OutgoingHttpHeader[]): this {
    if (this.frozen) throw headersSentError('write headers');
    if (typeof statusMessage === 'string') this.statusMessage = statusMessage;
    else headers = statusMessage;
    this.statusCode = statusCode;
    if (Array.isArray(headers)) {
      // node:http also accepts a flat [name, value, name, value] list.
      for (let i = 0; i + 1 < headers.length; i += 2) this.appendHeader(String(headers[i]), headers[i + 1] as OutgoingHttpHeader);
    } else if (headers) {
      for (const [name, value] of Object.entries(headers)) if (value !== undefined) this.setHeader(name, value);
    }
    // As node:http: the headers are final now and go out with the first write or end,
    // so `writeHead(204); end()` is one SYN_REPLY with FIN.
    this.frozen = true;
    return this;
  }

  /** Sends the headers now (SYN_REPLY) with the body to follow. */
  flushHeaders(): void {
    this.sendHeaders(true);
  }

  /**
   * Trailers, sent in a HEADERS frame carrying FIN after the body. Declare
   * them with a `trailer` header (or add them before the first write): once
   * the headers are out without that, the body's last DATA frame carries FIN
   * and trailers added later are dropped.
   */
  addTrailers(headers: OutgoingHttpHeaders | ReadonlyArray<[string, string]>): void {
    this.trailers ??= {};
    const entries = Array.isArray(headers) ? headers : Object.entries(headers);
    for (const [name, value] of entries) this.trailers[String(name).toLowerCase()] = value;
  }

  /** node:http sends `100 Continue` here; a SPDY client never waits for it, so there is nothing to send. */
  writeContinue(): void {}

  /**
   * Pushes a resource associated with this request. Returns a Writable for
   * its body, or null when nothing could be pushed (the response already
   * ended, the session is going away, or the client cannot take it).
   */
  push(path: string, options: PushOptions = {}): SpdyPushStream | null {
    if (this.streamClosed || this.writableFinished) return null;
    const req = this.req;
    const { host, ...extra } = options.request ?? {};
    const requestHeaders = toHeaderList(extra, [
      [':method', 'GET'],
      [':path', path],
      [':version', 'HTTP/1.1'],
      [':scheme', req.scheme || (this.host.encrypted ? 'https' : 'http')],
      [':host', String(host ?? req.headers.host ?? '')],
    ]);
    const responseHeaders = responseHeaderList(options.status ?? 200, undefined, options.response ?? {});
    const body = new OutboundBody(this.host, this.highWaterMarkBytes);
    const streamId = this.host.submitPush(this.streamId, requestHeaders, responseHeaders, body.provider);
    if (streamId === undefined) return null;
    body.streamId = streamId;
    const stream = new SpdyPushStream(this.host, streamId, body, this.highWaterMarkBytes);
    this.host.trackPush(streamId, () => {
      body.abandon();
      if (!stream.destroyed && !stream.writableFinished) stream.destroy();
    });
    return stream;
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: Callback): void {
    this.sendHeaders(true);
    if (this.bodyless) callback();
    else this.body.write(chunk, callback);
  }

  override _final(callback: Callback): void {
    if (!this.submitted && this.trailers === undefined) {
      // The whole response is the headers: FIN rides on SYN_REPLY.
      this.sendHeaders(false);
      this.body.abandon();
      callback();
      return;
    }
    this.sendHeaders(true);
    this.body.end(callback);
    if (this.trailersMode) this.host.submitTrailers(this.streamId, toHeaderList(this.trailers ?? {}));
  }

  override _destroy(error: Error | null, callback: Callback): void {
    if (!this.streamClosed) {
      this.streamClosed = true;
      if (!this.writableFinished) this.host.resetStream(this.streamId, error ? RstStatus.INTERNAL_ERROR : RstStatus.CANCEL);
    }
    this.body.abandon();
    callback(error);
  }

  /** The stream closed (finished or reset by either side). */
  onStreamClosed(): void {
    this.streamClosed = true;
    this.body.abandon();
    if (!this.destroyed && !this.writableFinished) this.destroy();
  }

  private sendHeaders(withBody: boolean): void {
    if (this.submitted) return;
    this.submitted = true;
    this.frozen = true;
    try {
      this.submitHeaders(withBody);
    } catch (error) {
      // Headers the session refuses (a bad status message, say): the stream cannot be answered.
      this.host.resetStream(this.streamId, RstStatus.INTERNAL_ERROR);
      this.body.abandon();
      throw error;
    }
  }

  private submitHeaders(withBody: boolean): void {
    const headers = responseHeaderList(this.statusCode, this.statusMessage, this.getHeaders());
    if (!withBody || this.bodyless) {
      this.host.submitResponse(this.streamId, headers, undefined);
      if (this.bodyless && withBody) this.body.abandon();
      return;
    }
    // FIN rides on the last DATA frame unless trailers are expected: declared
    // with a `trailer` header (as HTTP/1.1 asks) or added before the headers went out.
    this.trailersMode = this.trailers !== undefined || this.outgoing.has('trailer');
    this.host.submitResponse(this.streamId, headers, this.body.provider, !this.trailersMode);
  }
}

/**
 * The receiving half of a stream: response headers, a Readable body whose
 * consumption opens the flow-control window (so a slow reader slows the
 * server instead of growing our buffers), and trailers.
 */

import { Readable } from 'node:stream';
import { SpdyClientError } from './errors.js';
import { headerValue, parseStatus, toHeaderRecord, type HeaderList, type ResponseHeaders } from './headers.js';

/**
 * A response body. Bytes count as consumed (and are credited back to the
 * server's send window) when the reader takes them, not when they arrive.
 */
export class ResponseBody extends Readable {
  /** Bytes delivered to the buffer but not yet credited back. */
  private uncredited = 0;

  constructor(private readonly credit: (length: number) => void) {
    super();
  }

  /** Delivers one chunk from the network. */
  deliver(chunk: Buffer): void {
    if (this.destroyed) {
      this.credit(chunk.length);
      return;
    }
    if (this.push(chunk)) this.credit(chunk.length);
    else this.uncredited += chunk.length;
  }

  override _read(): void {
    if (this.uncredited === 0) return;
    const length = this.uncredited;
    this.uncredited = 0;
    this.credit(length);
  }

  /**
   * Ends the body with `error`. An error is emitted only to someone listening:
   * a caller that ignores a body must not crash on the server's CANCEL.
   */
  fail(error: Error): void {
    if (this.destroyed || this.readableEnded) return;
    this.destroy(this.listenerCount('error') > 0 ? error : undefined);
  }
}

/** A SPDY response: status, headers, a Readable body, then trailers. */
export class SpdyResponse {
  /** HTTP status code. */
  readonly status: number;
  /** Reason phrase, when the server sent one. */
  readonly statusText: string;
  /** Regular headers, node:http style (lower-case names, repeated values joined, `set-cookie` an array). */
  readonly headers: ResponseHeaders;
  /** Every header as received, pseudo-headers (`:status`, `:version`) included. */
  readonly rawHeaders: HeaderList;
  /** The body; ends when the server's last DATA frame arrives. */
  readonly body: ResponseBody;
  /** Headers received after the response headers (HEADERS frames); complete once `body` ends. */
  readonly trailers: ResponseHeaders = {};
  readonly rawTrailers: HeaderList = [];

  constructor(
    /** The URL this responds to (for a push, the pushed URL). */
    readonly url: URL,
    /** The SPDY stream carrying it. */
    readonly streamId: number,
    rawHeaders: HeaderList,
    credit: (length: number) => void,
  ) {
    const parsed = parseStatus(headerValue(rawHeaders, ':status'));
    this.status = parsed?.status ?? 200;
    this.statusText = parsed?.statusText ?? '';
    this.rawHeaders = rawHeaders;
    this.headers = toHeaderRecord(rawHeaders);
    this.body = new ResponseBody(credit);
  }

  /** The HTTP version the server named in `:version` (e.g. `HTTP/1.1`). */
  get httpVersion(): string {
    return headerValue(this.rawHeaders, ':version') ?? 'HTTP/1.1';
  }

  /** Reads the whole body (rejects if the stream fails before its end). */
  bytes(): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      if (this.body.destroyed) {
        reject(this.body.errored ?? new Error('the response body was destroyed before its end'));
        return;
      }
      const chunks: Buffer[] = [];
      let length = 0;
      this.body.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        length += chunk.length;
      });
      this.body.once('end', () => resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, length)));
      this.body.once('error', reject);
      this.body.once('close', () => {
        if (!this.body.readableEnded) reject(this.body.errored ?? new Error('the response body was destroyed before its end'));
      });
    });
  }

  /** Reads the whole body as UTF-8 text. */
  async text(): Promise<string> {
    return (await this.bytes()).toString('utf8');
  }

  /** Records trailers from a HEADERS frame that followed the response headers. */
  addTrailers(list: HeaderList): void {
    this.rawTrailers.push(...list);
    Object.assign(this.trailers, toHeaderRecord(this.rawTrailers));
  }
}

/**
 * Turns a stream's header frames, DATA and end into one {@link SpdyResponse}.
 * Pushed streams may carry their `:status` in the SYN_STREAM or in a later
 * HEADERS frame (draft 3 §3.3.1), so headers seen before `:status` wait.
 */
export class ResponseAssembler {
  response: SpdyResponse | undefined;
  private early: HeaderList = [];
  private ended = false;

  constructor(
    private readonly url: URL,
    private readonly streamId: () => number,
    private readonly credit: (length: number) => void,
    private readonly onResponse: (response: SpdyResponse) => void,
  ) {}

  headers(list: HeaderList): void {
    if (this.response !== undefined) {
      this.response.addTrailers(list);
      return;
    }
    this.early.push(...list);
    if (headerValue(list, ':status') !== undefined) this.emitResponse();
  }

  /** Returns false when DATA came before any response headers (a broken server). */
  data(chunk: Buffer): boolean {
    if (this.response === undefined) return false;
    this.response.body.deliver(chunk);
    return true;
  }

  /** The server finished the stream; false if no response headers ever came. */
  end(): boolean {
    if (this.ended) return true;
    this.ended = true;
    if (this.response === undefined) return false;
    this.response.body.push(null);
    return true;
  }

  fail(error: Error): void {
    this.response?.body.fail(error);
  }

  private emitResponse(): void {
    this.response = new SpdyResponse(this.url, this.streamId(), this.early, this.credit);
    this.early = [];
    this.onResponse(this.response);
  }
}

/** The error for a stream that ended without `:status`. */
export function noResponseError(streamId: number): SpdyClientError {
  return new SpdyClientError('ERR_SPDY_BAD_RESPONSE', `stream ${streamId} ended without response headers`, { streamId });
}

/**
 * The receiving half of a stream: response headers, a body whose consumption
 * opens the flow-control window (so a slow reader slows the server instead of
 * growing our buffers), and trailers.
 */

import { Readable } from 'node:stream';
import { SpdyClientError } from './errors.js';
import { headerValue, parseStatus, toHeaderRecord, type HeaderList, type ResponseHeaders } from './headers.js';

/** Where a response's bytes go once someone reads them. */
interface BodyConsumer {
  deliver(chunk: Buffer): void;
  end(): void;
  fail(error: Error): void;
}

/** The consumer of a body read whole at once: nothing more arrives after the end. */
const DRAINED: BodyConsumer = { deliver() {}, end() {}, fail() {} };

/**
 * A response body as a Node Readable. Bytes count as consumed (and are
 * credited back to the server's send window) when the reader takes them, not
 * when they arrive.
 */
export class ResponseBody extends Readable implements BodyConsumer {
  /** Bytes delivered to the buffer but not yet credited back. */
  private uncredited = 0;

  constructor(
    private readonly credit: (length: number) => void,
    private readonly cancel: () => void,
  ) {
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

  end(): void {
    this.push(null);
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

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    // Destroyed before its end by the reader: the rest is not wanted.
    if (!this.readableEnded) this.cancel();
    callback(error);
  }
}

/** A SPDY response: status, headers, a body (Node Readable, web stream or whole), then trailers. */
export class SpdyResponse {
  /** HTTP status code. */
  readonly status: number;
  /** Reason phrase, when the server sent one. */
  readonly statusText: string;
  /** Every header as received, pseudo-headers (`:status`, `:version`) included. */
  readonly rawHeaders: HeaderList;
  /** Made on first use: most responses have no trailers. */
  private trailerRecord: ResponseHeaders | undefined;
  private trailerList: HeaderList | undefined;

  private recordHeaders: ResponseHeaders | undefined;
  /**
   * The body is buffered here (uncredited, so bounded by the stream's window)
   * until one consumer takes it: a Readable (`body`), a web stream (`webBody`)
   * or `bytes()`. Creating none of them keeps a fetch or a `bytes()` cheap.
   */
  private consumer: BodyConsumer | undefined;
  private buffered: Buffer[] = [];
  private ended = false;
  private error: Error | undefined;

  /** `url`, or how to make it when first asked for. */
  private urlOrMaker: URL | (() => URL);

  constructor(
    /** The URL this responds to (for a push, the pushed URL), or a function that makes it when first asked for. */
    url: URL | (() => URL),
    /** The SPDY stream carrying it. */
    readonly streamId: number,
    rawHeaders: HeaderList,
    private readonly credit: (length: number) => void,
    /** Resets the stream (CANCEL) when the reader gives up on the body. */
    private readonly cancel: () => void,
  ) {
    this.urlOrMaker = url;
    const parsed = parseStatus(headerValue(rawHeaders, ':status'));
    this.status = parsed?.status ?? 200;
    this.statusText = parsed?.statusText ?? '';
    this.rawHeaders = rawHeaders;
  }

  /** The URL this responds to (for a push, the pushed URL). */
  get url(): URL {
    if (typeof this.urlOrMaker === 'function') this.urlOrMaker = this.urlOrMaker();
    return this.urlOrMaker;
  }

  /** Regular headers, node:http style (lower-case names, repeated values joined, `set-cookie` an array). */
  get headers(): ResponseHeaders {
    this.recordHeaders ??= toHeaderRecord(this.rawHeaders);
    return this.recordHeaders;
  }

  /** Headers received after the response headers (HEADERS frames); complete once the body ends. */
  get trailers(): ResponseHeaders {
    this.trailerRecord ??= {};
    return this.trailerRecord;
  }

  get rawTrailers(): HeaderList {
    this.trailerList ??= [];
    return this.trailerList;
  }

  /** The HTTP version the server named in `:version` (e.g. `HTTP/1.1`). */
  get httpVersion(): string {
    return headerValue(this.rawHeaders, ':version') ?? 'HTTP/1.1';
  }

  /** The body as a Node Readable; ends when the server's last DATA frame arrives. */
  get body(): ResponseBody {
    if (this.consumer instanceof ResponseBody) return this.consumer;
    const body = new ResponseBody(this.credit, this.cancel);
    this.attach(body, 'body');
    return body;
  }

  /** The body as a WHATWG ReadableStream (what `fetch()` puts in its Response). Cancelling it resets the stream. */
  webBody(): ReadableStream<Uint8Array> {
    let uncredited = 0;
    /** Closed, errored or cancelled: the controller takes nothing more. */
    let settled = false;
    let controller!: ReadableStreamDefaultController<Uint8Array>;
    const stream = new ReadableStream<Uint8Array>(
      {
        start: (c) => {
          controller = c;
        },
        pull: () => {
          if (uncredited === 0) return;
          this.credit(uncredited);
          uncredited = 0;
        },
        cancel: () => {
          settled = true;
          if (!this.ended) this.cancel();
        },
      },
      { highWaterMark: 65536, size: (chunk) => chunk.byteLength },
    );
    this.attach(
      {
        deliver: (chunk) => {
          if (settled) {
            this.credit(chunk.length);
            return;
          }
          controller.enqueue(chunk);
          if ((controller.desiredSize ?? 0) > 0) this.credit(chunk.length);
          else uncredited += chunk.length;
        },
        end: () => {
          if (settled) return;
          settled = true;
          controller.close();
        },
        fail: (error) => {
          if (settled) return;
          settled = true;
          controller.error(error);
        },
      },
      'webBody()',
    );
    return stream;
  }

  /** Reads the whole body (rejects if the stream fails before its end). */
  bytes(): Promise<Buffer> {
    if (this.consumer instanceof ResponseBody) return collect(this.consumer);
    if (this.consumer === undefined && this.ended && this.error === undefined) {
      // The whole body is here already (usual for a small response): nothing to wait for.
      this.consumer = DRAINED;
      const chunks = this.buffered;
      this.buffered = [];
      let length = 0;
      for (const chunk of chunks) length += chunk.length;
      this.credit(length);
      return Promise.resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, length));
    }
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let length = 0;
      this.attach(
        {
          deliver: (chunk) => {
            chunks.push(chunk);
            length += chunk.length;
            this.credit(chunk.length);
          },
          end: () => resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, length)),
          fail: reject,
        },
        'bytes()',
      );
    });
  }

  /** Reads the whole body as UTF-8 text. */
  async text(): Promise<string> {
    return (await this.bytes()).toString('utf8');
  }

  // ---- called by the stream's owner ----------------------------------------

  deliver(chunk: Buffer): void {
    if (this.consumer !== undefined) this.consumer.deliver(chunk);
    else this.buffered.push(chunk);
  }

  end(): void {
    this.ended = true;
    this.consumer?.end();
  }

  fail(error: Error): void {
    if (this.ended || this.error !== undefined) return;
    this.error = error;
    this.consumer?.fail(error);
  }

  /** Records trailers from a HEADERS frame that followed the response headers. */
  addTrailers(list: HeaderList): void {
    this.rawTrailers.push(...list);
    Object.assign(this.trailers, toHeaderRecord(this.rawTrailers));
  }

  /** Hands the body to its one consumer, with what arrived so far. */
  private attach(consumer: BodyConsumer, what: string): void {
    if (this.consumer !== undefined) throw new TypeError(`the response body is already being read; ${what} cannot read it again`);
    this.consumer = consumer;
    const buffered = this.buffered;
    this.buffered = [];
    for (const chunk of buffered) consumer.deliver(chunk);
    if (this.error !== undefined) consumer.fail(this.error);
    else if (this.ended) consumer.end();
  }
}

/** Reads a Readable body to its end. */
function collect(body: ResponseBody): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    if (body.destroyed) {
      reject(body.errored ?? new Error('the response body was destroyed before its end'));
      return;
    }
    const chunks: Buffer[] = [];
    body.on('data', (chunk: Buffer) => chunks.push(chunk));
    body.once('end', () => resolve(Buffer.concat(chunks)));
    body.once('error', reject);
    body.once('close', () => {
      if (!body.readableEnded) reject(body.errored ?? new Error('the response body was destroyed before its end'));
    });
  });
}

/**
 * Turns a stream's header frames, DATA and end into one {@link SpdyResponse}.
 * Pushed streams may carry their `:status` in the SYN_STREAM or in a later
 * HEADERS frame (draft 3 §3.3.1), so headers seen before `:status` wait.
 */
export class ResponseAssembler {
  response: SpdyResponse | undefined;
  /** Headers received before `:status`; usually `:status` comes in the first list, which then becomes the response's own. */
  private early: HeaderList | undefined;
  private ended = false;

  constructor(
    private readonly url: URL | (() => URL),
    private readonly streamId: () => number,
    private readonly credit: (length: number) => void,
    private readonly cancel: () => void,
    private readonly onResponse: (response: SpdyResponse) => void,
  ) {}

  headers(list: HeaderList): void {
    if (this.response !== undefined) {
      this.response.addTrailers(list);
      return;
    }
    this.early = this.early === undefined ? list : this.early.concat(list);
    if (headerValue(list, ':status') !== undefined) this.emitResponse();
  }

  /** Returns false when DATA came before any response headers (a broken server). */
  data(chunk: Buffer): boolean {
    if (this.response === undefined) return false;
    this.response.deliver(chunk);
    return true;
  }

  /** The server finished the stream; false if no response headers ever came. */
  end(): boolean {
    if (this.ended) return true;
    this.ended = true;
    if (this.response === undefined) return false;
    this.response.end();
    return true;
  }

  fail(error: Error): void {
    this.response?.fail(error);
  }

  private emitResponse(): void {
    this.response = new SpdyResponse(this.url, this.streamId(), this.early ?? [], this.credit, this.cancel);
    this.early = undefined;
    this.onResponse(this.response);
  }
}

/** The error for a stream that ended without `:status`. */
export function noResponseError(streamId: number): SpdyClientError {
  return new SpdyClientError('ERR_SPDY_BAD_RESPONSE', `stream ${streamId} ended without response headers`, { streamId });
}

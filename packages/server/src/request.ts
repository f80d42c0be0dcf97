/**
 * A request received on a SPDY stream, shaped like node:http's
 * IncomingMessage: a Readable body plus method, url, headers.
 *
 * The body is tied to flow control: the session runs in 'manual' mode and
 * bytes are acknowledged (WINDOW_UPDATE) only once the consumer has taken
 * them out of this Readable, so a handler that reads slowly makes the client
 * wait instead of making the server buffer.
 */

import type { ProtocolVersion } from '@spdy/frames';
import type { HeaderList } from '@spdy/zlib-headers';
import type { IncomingHttpHeaders } from 'node:http';
import { Readable } from 'node:stream';
import { addIncoming, parseHttpVersion, readRequestHeaders } from './headers.js';
import type { StreamHost } from './host.js';
import type { SpdyServerResponse } from './response.js';

export class SpdyIncomingMessage extends Readable {
  readonly method: string;
  url: string;
  readonly headers: IncomingHttpHeaders;
  readonly rawHeaders: string[];
  readonly trailers: IncomingHttpHeaders = {};
  readonly rawTrailers: string[] = [];
  readonly httpVersion: string;
  readonly httpVersionMajor: number;
  readonly httpVersionMinor: number;
  /** `https` or `http`, from `:scheme`. */
  readonly scheme: string;
  /** The header list as received (v3 names, pseudo-headers included). */
  readonly spdyHeaders: HeaderList;
  readonly spdyVersion: ProtocolVersion;
  readonly streamId: number;
  /** The stream's priority (0 is highest). */
  readonly priority: number;
  /** The whole body arrived (FIN). */
  complete = false;
  /** The stream was reset or the session ended before the body was complete. */
  aborted = false;

  /** The stream's inactivity timer (`setTimeout`), shared with the response. */
  private timeout: NodeJS.Timeout | undefined;
  /** Body bytes pushed into this Readable, and how many of them were acknowledged to the session. */
  private received = 0;
  private acknowledged = 0;

  constructor(
    private readonly host: StreamHost,
    streamId: number,
    headers: HeaderList,
    priority: number,
    fin: boolean,
  ) {
    super();
    const { line, headers: nodeHeaders, rawHeaders } = readRequestHeaders(headers);
    this.method = line.method;
    this.url = line.path;
    this.headers = nodeHeaders;
    this.rawHeaders = rawHeaders;
    this.httpVersion = line.version.replace(/^HTTP\//, '');
    [this.httpVersionMajor, this.httpVersionMinor] = parseHttpVersion(line.version);
    this.scheme = line.scheme;
    this.spdyHeaders = headers;
    this.spdyVersion = host.version;
    this.streamId = streamId;
    this.priority = priority;
    if (fin) this.finish();
  }

  /** The transport the stream's session runs on (shared by every stream of the session). */
  get socket(): StreamHost['socket'] {
    return this.host.socket;
  }

  /** node:http's older name for `socket`. */
  get connection(): StreamHost['socket'] {
    return this.host.socket;
  }

  /**
   * As node:http's: after `msecs` without DATA on this stream (either way),
   * 'timeout' is emitted on the request and the response; with no listener
   * on either, the stream is reset. 0 turns the timer off.
   */
  setTimeout(msecs: number, callback?: () => void): this {
    if (callback) this.once('timeout', callback);
    this.stopTimeout();
    if (msecs > 0) {
      this.timeout = setTimeout(() => this.onTimeout(), msecs);
      this.timeout.unref();
    }
    return this;
  }

  /** @internal DATA went either way on the stream. */
  touch(): void {
    this.timeout?.refresh();
  }

  /** @internal The stream closed. */
  stopTimeout(): void {
    if (this.timeout !== undefined) clearTimeout(this.timeout);
    this.timeout = undefined;
  }

  private onTimeout(): void {
    this.timeout = undefined;
    const res = this.response;
    const heard = this.emit('timeout');
    const heardByResponse = res?.emit('timeout') ?? false;
    if (!heard && !heardByResponse) res?.destroy();
  }

  /** @internal Set by the response so a timeout reaches both. */
  response: SpdyServerResponse | undefined;

  override _read(): void {
    this.acknowledge();
  }

  /**
   * Every way of consuming a Readable (flowing mode, pipe, async iteration)
   * goes through read(), so bytes are acknowledged as soon as they leave the
   * buffer; `_read` alone is not called again while a read is pending.
   */
  override read(size?: number): ReturnType<Readable['read']> {
    const chunk: unknown = super.read(size);
    this.acknowledge();
    return chunk;
  }

  private acknowledge(): void {
    const delivered = this.received - this.readableLength - this.acknowledged;
    if (delivered > 0) {
      this.acknowledged += delivered;
      this.host.consume(this.streamId, delivered);
    }
  }

  /** A DATA chunk arrived. `data` may be a view into the session's input, so it is copied. */
  onData(data: Uint8Array): void {
    if (data.length === 0 || this.readableEnded || this.destroyed) return;
    this.touch();
    this.received += data.length;
    // The decoder's views are never overwritten (socket reads and its gather buffer are not reused): wrap, do not copy.
    this.push(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  }

  /** Trailers (a HEADERS frame) arrived. */
  onTrailers(headers: HeaderList): void {
    for (const [name, joined] of headers) {
      for (const value of joined.split('\0')) {
        this.rawTrailers.push(name, value);
        addIncoming(this.trailers, name, value);
      }
    }
  }

  /** The client sent FIN. */
  finish(): void {
    if (this.complete) return;
    this.complete = true;
    this.push(null);
  }

  /** The stream closed before FIN: node:http emits 'aborted' then closes the body. */
  abort(): void {
    if (this.complete || this.aborted) return;
    this.aborted = true;
    this.emit('aborted');
    this.destroy();
  }
}

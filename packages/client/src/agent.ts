/**
 * SpdyAgent: an `http.Agent` whose sockets carry HTTP/1.1 on the inside and
 * SPDY on the outside, so code written for node:https (`https.request`,
 * `https.get`, libraries taking an `agent`) goes over SPDY unchanged, with
 * only public Node APIs: each "socket" is a Duplex that reads the request
 * node's ClientRequest writes, sends it as a SPDY stream on the origin's
 * pooled session, and writes the response back as HTTP/1.1.
 */

import * as http from 'node:http';
import * as net from 'node:net';
import { Duplex } from 'node:stream';
import * as tls from 'node:tls';
import { SpdyClientError } from './errors.js';
import { isConnectionHeader, type HeaderList } from './headers.js';
import { RequestReader, type RequestHead } from './http1.js';
import { SessionPool, type PoolOptions } from './pool.js';
import type { ClientRequest } from './request.js';
import type { SpdyResponse } from './response.js';
import type { ClientSession } from './session.js';

export interface SpdyAgentOptions extends http.AgentOptions, PoolOptions {
  /** `https:` (default; for https.request) or `http:` (plain TCP SPDY; needs `spdy`). */
  protocol?: 'https:' | 'http:';
  /** Sessions to use; default a pool of the agent's own, built from these options. */
  pool?: SessionPool;
}

/**
 * An http.Agent speaking SPDY. Servers that negotiate HTTP/1.1 over TLS are
 * reached over an ordinary TLS socket instead.
 */
export class SpdyAgent extends http.Agent {
  readonly pool: SessionPool;
  private readonly ownsPool: boolean;

  constructor(options: SpdyAgentOptions = {}) {
    const { protocol = 'https:', pool, ...rest } = options;
    super(rest);
    const self = this as unknown as { protocol: string; defaultPort: number };
    self.protocol = protocol;
    self.defaultPort = protocol === 'https:' ? 443 : 80;
    this.ownsPool = pool === undefined;
    this.pool = pool ?? new SessionPool(rest);
  }

  override createConnection(options: http.ClientRequestArgs, callback?: (error: Error | null, socket: Duplex) => void): Duplex | null | undefined {
    const done = callback ?? ((): void => {});
    const protocol = (this as unknown as { protocol: string }).protocol;
    const host = options.host ?? options.hostname ?? 'localhost';
    const port = Number(options.port ?? (protocol === 'https:' ? 443 : 80));
    const origin = new URL(`${protocol}//${net.isIPv6(host) ? `[${host}]` : host}:${port}`);
    this.pool.get(origin).then(
      (session) => done(null, new SpdyTunnel(session, origin)),
      (error: unknown) => {
        if (error instanceof SpdyClientError && error.code === 'ERR_SPDY_NOT_NEGOTIATED') {
          done(null, this.http1Socket(host, port, options));
        } else {
          done(error instanceof Error ? error : new Error(String(error)), undefined as unknown as Duplex);
        }
      },
    );
    return undefined;
  }

  /** Closes every socket and, when the agent made its pool, every session. */
  override destroy(): void {
    super.destroy();
    if (this.ownsPool) this.pool.destroy();
  }

  /** A plain TLS connection for an origin that speaks HTTP/1.1 only. */
  private http1Socket(host: string, port: number, options: http.ClientRequestArgs): tls.TLSSocket {
    const tlsOptions = this.pool.options.tls;
    const requestTls = options as tls.ConnectionOptions;
    return tls.connect({
      ...tlsOptions,
      host,
      port,
      servername: requestTls.servername ?? (net.isIP(host) === 0 ? host : undefined),
      ALPNProtocols: ['http/1.1'],
      rejectUnauthorized: this.pool.options.rejectUnauthorized ?? tlsOptions?.rejectUnauthorized ?? requestTls.rejectUnauthorized ?? true,
    });
  }
}

const NO_BODY_STATUS = new Set([204, 304]);

/**
 * One HTTP/1.1 "connection" carrying one request: it reads the request from
 * node's http client, runs it as a SPDY stream, and answers with
 * `Connection: close`, so node opens a new tunnel (not a new TCP connection:
 * the SPDY session is shared) for the next request.
 */
class SpdyTunnel extends Duplex {
  private readonly reader: RequestReader;
  private request: ClientRequest | undefined;
  private response: SpdyResponse | undefined;
  private head: RequestHead | undefined;
  private chunked = false;
  private idleTimer: NodeJS.Timeout | undefined;

  readonly connecting = false;

  constructor(
    private readonly session: ClientSession,
    private readonly origin: URL,
  ) {
    super();
    this.reader = new RequestReader(
      (head) => this.onHead(head),
      (data) => this.onBody(data),
      () => this.request?.end(),
    );
  }

  get remoteAddress(): string | undefined {
    return (this.session.socket as net.Socket).remoteAddress;
  }

  get remotePort(): number | undefined {
    return (this.session.socket as net.Socket).remotePort;
  }

  get alpnProtocol(): string | undefined {
    return this.session.alpnProtocol;
  }

  // Socket methods node's http client and agents call.
  setNoDelay(): this {
    return this;
  }
  setKeepAlive(): this {
    return this;
  }
  ref(): this {
    return this;
  }
  unref(): this {
    return this;
  }

  /** Emits 'timeout' after `ms` without traffic, as net.Socket does. */
  setTimeout(ms: number, callback?: () => void): this {
    if (callback !== undefined) this.once('timeout', callback);
    if (this.idleTimer !== undefined) clearTimeout(this.idleTimer);
    this.idleTimer = ms > 0 ? setTimeout(() => this.emit('timeout'), ms) : undefined;
    this.idleTimer?.unref();
    return this;
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.idleTimer?.refresh();
    try {
      this.reader.write(chunk);
    } catch (error) {
      callback(error as Error);
      return;
    }
    // Body bytes count as written once the SPDY request takes them.
    if (this.request !== undefined && this.request.writableNeedDrain) this.request.once('drain', () => callback());
    else callback();
  }

  override _read(): void {
    this.response?.body.resume();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (this.idleTimer !== undefined) clearTimeout(this.idleTimer);
    // node destroys the socket once it has the whole response; before that, it is a cancellation.
    if (this.response === undefined || !this.response.body.readableEnded) this.request?.abort(error ?? undefined);
    callback(error);
  }

  private onHead(head: RequestHead): void {
    this.head = head;
    const url = new URL(head.target, this.origin);
    const request = this.session.request(url, { method: head.method, headers: head.headers.filter(([name]) => !isConnectionHeader(name)) });
    this.request = request;
    request.on('response', (response: SpdyResponse) => this.onResponse(response));
    request.once('streamClosed', (error: unknown) => {
      if (error !== undefined && !this.destroyed) this.destroy(error instanceof Error ? error : new Error(String(error)));
    });
  }

  private onBody(data: Buffer): void {
    this.request?.write(data);
  }

  private onResponse(response: SpdyResponse): void {
    this.response = response;
    const method = this.head?.method ?? 'GET';
    const hasBody = method !== 'HEAD' && !NO_BODY_STATUS.has(response.status) && response.status >= 200;
    const length = response.headers['content-length'];
    this.chunked = hasBody && (typeof length !== 'string' || !/^\d+$/.test(length));
    const lines = [`HTTP/1.1 ${response.status} ${response.statusText || http.STATUS_CODES[response.status] || ''}`];
    for (const [name, value] of response.rawHeaders) {
      if (name.startsWith(':') || isConnectionHeader(name)) continue;
      if (name === 'content-length' && this.chunked) continue;
      for (const v of value.split('\0')) lines.push(`${name}: ${v}`);
    }
    if (this.chunked) lines.push('transfer-encoding: chunked');
    lines.push('connection: close', '', '');
    this.push(Buffer.from(lines.join('\r\n'), 'latin1'));
    response.body.on('data', (chunk: Buffer) => {
      this.idleTimer?.refresh();
      if (!hasBody) return;
      const framed = this.chunked ? [Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')] : [chunk];
      let more = true;
      for (const piece of framed) more = this.push(piece);
      if (!more) response.body.pause();
    });
    response.body.once('end', () => {
      if (this.chunked) this.push(Buffer.from(`0\r\n${trailerLines(response.rawTrailers)}\r\n`, 'latin1'));
      this.push(null);
    });
    response.body.on('error', (error) => this.destroy(error));
  }
}

function trailerLines(trailers: HeaderList): string {
  let text = '';
  for (const [name, value] of trailers) {
    if (name.startsWith(':') || isConnectionHeader(name)) continue;
    for (const v of value.split('\0')) text += `${name}: ${v}\r\n`;
  }
  return text;
}

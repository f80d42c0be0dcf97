/**
 * The SPDY server: accepts connections over TLS (ALPN picks SPDY/3.1, 3, 2
 * or HTTP/1.1) or plain TCP (the first byte tells SPDY from HTTP/1.1), runs
 * one SpdyConnection per SPDY session, and hands everything else to an
 * internal node:http server with the same handler.
 */

import type { ProtocolVersion, SpdyProtocolError } from '@spdy/frames';
import { alpnToVersion } from '@spdy/session';
import { EventEmitter } from 'node:events';
import { createServer as createHttpServer, type IncomingMessage, type Server as HttpServer, type ServerResponse as HttpServerResponse } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Server as NetServer, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { createServer as createTlsServer, type TLSSocket } from 'node:tls';
import { isHandlerClass } from './base-handler.js';
import { SpdyConnection, type ConnectionOwner } from './connection.js';
import { resolveOptions, type ResolvedOptions, type ServerOptions } from './options.js';
import type { SpdyIncomingMessage } from './request.js';
import type { SpdyServerResponse } from './response.js';
import type { FrameTrace } from './trace.js';
import type { Handler, Http1Response, RequestListener, ServerRequest, ServerResponse } from './types.js';

/** First byte of every SPDY control frame (control bit set); HTTP/1.1 starts with a method letter. */
const SPDY_CONTROL_BYTE = 0x80;

/** Events of a SpdyServer, for typed listeners. */
export interface SpdyServerEvents {
  request: [req: ServerRequest, res: ServerResponse];
  session: [connection: SpdyConnection];
  sessionError: [error: SpdyProtocolError, connection: SpdyConnection];
  frame: [trace: FrameTrace, connection: SpdyConnection];
  /** A handler threw or its promise rejected; the response became a 500 (or a reset once headers were sent). */
  handlerError: [error: unknown, req: ServerRequest, res: ServerResponse];
  listening: [];
  close: [];
  error: [error: Error];
}

export class SpdyServer extends EventEmitter<SpdyServerEvents> implements ConnectionOwner {
  readonly options: ResolvedOptions;
  /** The listening server: a tls.Server or a net.Server. */
  readonly netServer: NetServer;
  /** The node:http server for HTTP/1.1 clients (never listens itself). */
  readonly httpServer: HttpServer;
  private readonly connections = new Set<SpdyConnection>();
  /** HTTP/1.1 sockets and how many requests each has in flight. */
  private readonly httpSockets = new Map<Duplex, number>();
  /** close() was called: no new connections, sessions going away. */
  private closing = false;
  /** 'close' was emitted; listen() starts over. */
  private shutDown = false;
  private netClosed = true;

  constructor(options?: ServerOptions, handler?: RequestListener);
  constructor(options: ServerOptions | undefined, handler: Handler);
  constructor(options: ServerOptions = {}, handler?: Handler) {
    super();
    this.options = resolveOptions(options);
    if (handler !== undefined) this.on('request', toListener(handler, this));

    this.httpServer = createHttpServer(this.options.http1);
    this.startHttpTimeouts();
    this.httpServer.on('request', (req: IncomingMessage, res: HttpServerResponse) => this.onHttp1Request(req, res));

    const tls = this.options.tls;
    if (tls !== undefined) {
      const { protocols: _protocols, ...tlsOptions } = tls;
      const server = createTlsServer({ handshakeTimeout: this.options.handshakeTimeout, ...tlsOptions, ALPNProtocols: [...this.options.protocols], allowHalfOpen: true });
      server.on('secureConnection', (socket: TLSSocket) => this.onSecureConnection(socket));
      // node:tls reports a failed or timed-out handshake here but leaves a timed-out socket open (Node 20): close it.
      server.on('tlsClientError', (_error: Error, socket: TLSSocket) => socket.destroy());
      this.netServer = server;
    } else {
      const server = createNetServer({ allowHalfOpen: true });
      server.on('connection', (socket: Socket) => this.onPlainConnection(socket));
      this.netServer = server;
    }
    this.netServer.maxConnections = this.options.maxSessions;
    this.netServer.on('listening', () => this.emit('listening'));
    this.netServer.on('error', (error: Error) => this.emit('error', error));
  }

  /** Starts accepting connections (as net.Server's `listen`). */
  listen(port?: number, callback?: () => void): this;
  listen(port: number, host: string, callback?: () => void): this;
  listen(port = 0, hostOrCallback?: string | (() => void), callback?: () => void): this {
    const host = typeof hostOrCallback === 'string' ? hostOrCallback : undefined;
    if (typeof hostOrCallback === 'function') callback = hostOrCallback;
    this.closing = false;
    this.shutDown = false;
    this.netClosed = false;
    this.startHttpTimeouts();
    if (callback) this.once('listening', callback);
    if (host === undefined) this.netServer.listen(port);
    else this.netServer.listen(port, host);
    return this;
  }

  address(): AddressInfo | string | null {
    return this.netServer.address();
  }

  get listening(): boolean {
    return this.netServer.listening;
  }

  /** As net.Server's: whether the listening socket keeps the process alive. */
  ref(): this {
    this.netServer.ref();
    return this;
  }

  unref(): this {
    this.netServer.unref();
    return this;
  }

  /** SPDY sessions currently open. */
  get sessions(): ReadonlySet<SpdyConnection> {
    return this.connections;
  }

  /**
   * Serves a connection the application accepted itself (after an HTTP
   * Upgrade, through a tunnel, a test pipe): SPDY of `version` from the
   * first byte, no detection. `head`: bytes already read from it (the
   * `head` of node:http's 'upgrade' event).
   */
  handleConnection(socket: Duplex, options: { version: ProtocolVersion; head?: Uint8Array }): SpdyConnection | undefined {
    if (this.closing || this.connections.size >= this.options.maxSessions) {
      socket.destroy();
      return undefined;
    }
    const connection = this.startSession(socket, options.version);
    if (connection !== undefined && options.head !== undefined && options.head.length > 0) connection.receive(options.head);
    return connection;
  }

  /**
   * Graceful shutdown: stops accepting, sends GOAWAY to every session and
   * lets the streams in flight finish; HTTP/1.1 connections close once their
   * current request is answered. `callback` (and 'close') come when every
   * connection has closed.
   */
  close(callback?: (error?: Error) => void): this {
    if (this.shutDown) {
      // As net.Server: closing what is not running reports it.
      if (callback) queueMicrotask(() => callback(Object.assign(new Error('Server is not running.'), { code: 'ERR_SERVER_NOT_RUNNING' })));
      return this;
    }
    if (callback) this.once('close', () => callback());
    if (this.closing) return this;
    this.closing = true;
    if (this.netServer.listening) {
      this.netServer.close(() => {
        this.netClosed = true;
        this.checkClosed();
      });
    } else {
      this.netClosed = true;
    }
    for (const connection of this.connections) connection.goaway();
    // Stops node:http's timeout checks and closes its idle keep-alive connections.
    this.httpServer.close();
    for (const [socket, inFlight] of this.httpSockets) if (inFlight === 0) socket.end();
    queueMicrotask(() => this.checkClosed());
    return this;
  }

  /**
   * node:http checks `headersTimeout` and `requestTimeout` (and tracks idle
   * connections for `closeIdleConnections`) from the moment it starts
   * listening. The internal server never listens, connections are handed to
   * it, so it is told it is listening (its documented 'listening' event).
   */
  private startHttpTimeouts(): void {
    this.httpServer.emit('listening');
  }

  private checkClosed(): void {
    if (!this.closing || this.shutDown || !this.netClosed || this.connections.size > 0 || this.httpSockets.size > 0) return;
    this.shutDown = true;
    this.emit('close');
  }

  private onSecureConnection(socket: TLSSocket): void {
    const version = typeof socket.alpnProtocol === 'string' ? alpnToVersion(socket.alpnProtocol) : undefined;
    if (version !== undefined) this.startSession(socket, version);
    else this.serveHttp1(socket);
  }

  /** Plain TCP: waits for the first bytes to tell a SPDY client from an HTTP/1.1 one. */
  private onPlainConnection(socket: Socket): void {
    const version = this.options.plainVersion ?? 3.1;
    // A client may reset before sending anything; that must not become an uncaught 'error'.
    const onError = (): void => {
      socket.destroy();
    };
    socket.on('error', onError);
    // A client that connects and sends nothing (or only closes) must not hold the socket.
    const onEnd = (): void => {
      socket.destroy();
    };
    socket.once('end', onEnd);
    socket.setTimeout(this.options.firstByteTimeout, onEnd);
    socket.once('data', (first: Buffer) => {
      socket.off('error', onError);
      socket.off('end', onEnd);
      socket.setTimeout(0);
      socket.off('timeout', onEnd);
      if (first[0] === SPDY_CONTROL_BYTE) {
        this.startSession(socket, version)?.receive(first);
      } else {
        socket.pause();
        socket.unshift(first);
        this.serveHttp1(socket);
        socket.resume();
      }
    });
  }

  private startSession(socket: Duplex, version: ProtocolVersion): SpdyConnection | undefined {
    if (this.closing) {
      socket.destroy();
      return undefined;
    }
    const connection = new SpdyConnection(this, socket, version);
    this.connections.add(connection);
    this.emit('session', connection);
    return connection;
  }

  private serveHttp1(socket: Duplex): void {
    this.httpSockets.set(socket, 0);
    socket.once('close', () => {
      this.httpSockets.delete(socket);
      this.checkClosed();
    });
    this.httpServer.emit('connection', socket);
  }

  private onHttp1Request(req: IncomingMessage, res: HttpServerResponse): void {
    const socket = req.socket;
    this.httpSockets.set(socket, (this.httpSockets.get(socket) ?? 0) + 1);
    if (this.closing) res.setHeader('connection', 'close');
    res.once('close', () => {
      const left = (this.httpSockets.get(socket) ?? 1) - 1;
      if (!this.httpSockets.has(socket)) return;
      this.httpSockets.set(socket, left);
      if (this.closing && left === 0) setImmediate(() => socket.end());
    });
    const http1 = res as Http1Response;
    http1.push = () => null;
    this.dispatchRequest(req as ServerRequest, http1);
  }

  /** ConnectionOwner: a SPDY stream opened. */
  dispatch(req: SpdyIncomingMessage, res: SpdyServerResponse): void {
    this.dispatchRequest(req, res);
  }

  private dispatchRequest(req: ServerRequest, res: ServerResponse): void {
    try {
      this.emit('request', req, res);
    } catch (error) {
      this.handlerFailed(error, req, res);
    }
  }

  /** @internal A handler failed: answer 500 if nothing was sent yet, else reset the stream. */
  handlerFailed(error: unknown, req: ServerRequest, res: ServerResponse): void {
    if (!res.headersSent && !res.destroyed) {
      res.statusCode = 500;
      res.end();
    } else if (!res.writableEnded) {
      res.destroy();
    }
    if (this.listenerCount('handlerError') > 0) this.emit('handlerError', error, req, res);
    else console.error('@spdy/server: request handler failed:', error);
  }

  tracing(): boolean {
    return this.listenerCount('frame') > 0;
  }

  trace(trace: FrameTrace, connection: SpdyConnection): void {
    this.emit('frame', trace, connection);
  }

  sessionError(error: SpdyProtocolError, connection: SpdyConnection): void {
    this.emit('sessionError', error, connection);
  }

  closed(connection: SpdyConnection): void {
    this.connections.delete(connection);
    this.checkClosed();
  }
}

/** The 'request' listener for either handler shape. */
function toListener(handler: Handler, server: SpdyServer): (req: ServerRequest, res: ServerResponse) => void {
  if (isHandlerClass(handler)) {
    return (req, res) => {
      new handler(req, res, server).handle().catch((error: unknown) => server.handlerFailed(error, req, res));
    };
  }
  const listener = handler as RequestListener;
  return (req, res) => {
    const result = listener(req, res);
    if (result instanceof Promise) result.catch((error: unknown) => server.handlerFailed(error, req, res));
  };
}

/**
 * Creates a server. `handler` is a node:http-style `(req, res)` function or a
 * BaseSPDYRequestHandler subclass. Without `tls`, it serves plain TCP
 * (SPDY of `plain.version`, default 3.1, or HTTP/1.1).
 */
export function createServer(options?: ServerOptions, handler?: RequestListener): SpdyServer;
/** An Express app or another node:http-typed handler, or a BaseSPDYRequestHandler subclass. */
export function createServer(options: ServerOptions | undefined, handler: Handler): SpdyServer;
export function createServer(options?: ServerOptions, handler?: Handler): SpdyServer {
  return handler === undefined ? new SpdyServer(options) : new SpdyServer(options, handler);
}

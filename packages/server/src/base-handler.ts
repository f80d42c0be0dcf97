/**
 * The reference server's request handler shape (spdylay's
 * BaseSPDYRequestHandler, after Python's http.server): subclass it and add
 * `doGET`, `doPOST`, or any `do<METHOD>`; one instance handles one request.
 *
 * ```ts
 * class Hello extends BaseSPDYRequestHandler {
 *   doGET() {
 *     this.sendResponse(200);
 *     this.sendHeader('content-type', 'text/plain');
 *     this.endHeaders();
 *     this.wfile.end('hello\n');
 *   }
 * }
 * createServer({ plain: { version: 3.1 } }, Hello).listen(8080);
 * ```
 */

import type { ProtocolVersion } from '@spdy/frames';
import type { IncomingMessage } from 'node:http';
import type { Readable, Writable } from 'node:stream';
import type { ServerRequest, ServerResponse } from './types.js';

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export class BaseSPDYRequestHandler {
  /** The `server` response header. Subclasses may override it. */
  static serverVersion = 'spdy-ts';

  /** The request method, e.g. `GET`. */
  readonly command: string;
  /** The request path (with the query). */
  readonly path: string;
  /** The request's HTTP version, e.g. `HTTP/1.1`. */
  readonly requestVersion: string;
  /** The request headers as received, as name/value pairs in order. */
  readonly headers: ReadonlyArray<readonly [string, string]>;
  /** The request body. */
  readonly rfile: Readable;
  /** The response body: write to it after `endHeaders()` (or just write: headers go first). */
  readonly wfile: Writable;
  /** The client's address and port. */
  readonly clientAddress: readonly [host: string, port: number];
  /** The SPDY version of the session, or undefined over HTTP/1.1. */
  readonly spdyVersion: ProtocolVersion | undefined;
  /** The node:http-style request and response under this handler. */
  readonly request: ServerRequest;
  readonly response: ServerResponse;
  /** The server that accepted the request. */
  readonly server: unknown;

  constructor(request: ServerRequest, response: ServerResponse, server?: unknown) {
    this.request = request;
    this.response = response;
    this.server = server;
    this.command = request.method ?? 'GET';
    this.path = request.url ?? '/';
    this.requestVersion = `HTTP/${request.httpVersion}`;
    const raw = request.rawHeaders;
    const pairs: Array<readonly [string, string]> = [];
    for (let i = 0; i + 1 < raw.length; i += 2) pairs.push([raw[i]!.toLowerCase(), raw[i + 1]!]);
    this.headers = pairs;
    this.rfile = request;
    this.wfile = response;
    const socket = (request as IncomingMessage).socket as { remoteAddress?: string; remotePort?: number } | undefined;
    this.clientAddress = [socket?.remoteAddress ?? '', socket?.remotePort ?? 0];
    this.spdyVersion = 'spdyVersion' in request ? request.spdyVersion : undefined;
  }

  /**
   * Calls `do<METHOD>` and ends the response when it returns (or its promise
   * settles) if the method did not; 501 when there is no such method.
   */
  async handle(): Promise<void> {
    const method = (this as unknown as Record<string, unknown>)[`do${this.command}`];
    if (typeof method !== 'function') {
      this.sendError(501, `Unsupported method (${this.command})`);
      return;
    }
    await (method as () => unknown).call(this);
    if (!this.response.writableEnded && !this.response.destroyed) this.response.end();
  }

  /** Sets the status (`:status`); the `server` header goes with it. */
  sendResponse(code: number, message?: string): void {
    this.response.statusCode = code;
    if (message !== undefined) this.response.statusMessage = message;
    this.sendHeader('server', (this.constructor as typeof BaseSPDYRequestHandler).serverVersion);
  }

  /** Adds a response header; a repeated name adds a value. */
  sendHeader(name: string, value: string): void {
    const existing = this.response.getHeader(name);
    if (existing === undefined || name.toLowerCase() === 'server') this.response.setHeader(name, value);
    else this.response.setHeader(name, [...(Array.isArray(existing) ? existing : [String(existing)]), value]);
  }

  /** Sends the headers now; the body follows through `wfile`. */
  endHeaders(): void {
    this.response.flushHeaders();
  }

  /** A complete error response: status, headers and a small HTML page. */
  sendError(code: number, message?: string): void {
    if (this.response.headersSent) {
      this.response.destroy();
      return;
    }
    this.sendResponse(code, message);
    const text = escapeHtml(message ?? `Error ${code}`);
    const body = `<!DOCTYPE html>\n<html><head><title>Error ${code}</title></head><body><h1>Error ${code}</h1><p>${text}</p></body></html>\n`;
    this.sendHeader('content-type', 'text/html; charset=utf-8');
    this.sendHeader('content-length', String(Buffer.byteLength(body)));
    this.response.end(this.command === 'HEAD' ? undefined : body);
  }
}

/** Whether `value` is a BaseSPDYRequestHandler subclass (rather than a `(req, res)` function). */
export function isHandlerClass(value: unknown): value is HandlerClass {
  return typeof value === 'function' && (value === BaseSPDYRequestHandler || value.prototype instanceof BaseSPDYRequestHandler);
}

/** A subclass of BaseSPDYRequestHandler. */
export type HandlerClass = new (request: ServerRequest, response: ServerResponse, server?: unknown) => BaseSPDYRequestHandler;

/**
 * The request and response types handlers receive: SPDY's own classes, or
 * node:http's over HTTP/1.1 (with a `push` that pushes nothing).
 */

import type { IncomingMessage, ServerResponse as HttpServerResponse } from 'node:http';
import type { HandlerClass } from './base-handler.js';
import type { SpdyIncomingMessage } from './request.js';
import type { PushOptions, SpdyPushStream, SpdyServerResponse } from './response.js';

/** A request that arrived over HTTP/1.1 (a client that did not speak SPDY). */
export type Http1Request = IncomingMessage & { readonly spdyVersion?: undefined; readonly streamId?: undefined };

/** node:http's response, with `push` answering null: nothing can be pushed over HTTP/1.1. */
export type Http1Response = HttpServerResponse & { push(path: string, options?: PushOptions): SpdyPushStream | null };

export type ServerRequest = SpdyIncomingMessage | Http1Request;
export type ServerResponse = SpdyServerResponse | Http1Response;

/** A node:http-style handler; if it returns a promise, a rejection is treated like a throw. */
export type RequestListener = (req: ServerRequest, res: ServerResponse) => unknown;

/**
 * A handler typed for node:http (an Express app, say). Accepted as is: SPDY
 * requests and responses offer the same members, though they are not
 * instances of node's classes (see `expressCompatible` for frameworks that
 * swap prototypes).
 */
export type NodeRequestListener = (req: IncomingMessage, res: HttpServerResponse) => unknown;

/** Anything `createServer` takes as its handler. */
export type Handler = RequestListener | NodeRequestListener | HandlerClass;

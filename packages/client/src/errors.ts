/**
 * Errors of the client. Every failure of a request is delivered as a
 * rejection (or an 'error' event when someone listens), never thrown into the
 * socket's event loop: a peer's CANCEL or a dead connection is a normal
 * outcome for a client.
 */

import { rstStatusName } from '@spdy/frames';

const BRAND = Symbol.for('@spdy/client.SpdyClientError');

export type SpdyClientErrorCode =
  /** The peer (or we) reset the stream; `status` holds the RST_STREAM status. */
  | 'ERR_SPDY_STREAM_RESET'
  /** The connection closed or failed before the stream finished. */
  | 'ERR_SPDY_CONNECTION_CLOSED'
  /** The peer sent GOAWAY before processing the stream and it could not be retried. */
  | 'ERR_SPDY_GOAWAY'
  /** TLS negotiated no SPDY version (the server speaks HTTP/1.1 only). */
  | 'ERR_SPDY_NOT_NEGOTIATED'
  /** The response broke HTTP semantics (no `:status`, body before headers...). */
  | 'ERR_SPDY_BAD_RESPONSE';

export interface SpdyClientErrorOptions {
  status?: number | undefined;
  streamId?: number | undefined;
  /** The request was never processed by the server and may be sent again. */
  retryable?: boolean | undefined;
  /** The ALPN protocol the server chose, for ERR_SPDY_NOT_NEGOTIATED. */
  protocol?: string | undefined;
  cause?: unknown;
}

/** A request or session failure with a stable `code`. */
export class SpdyClientError extends Error {
  readonly code: SpdyClientErrorCode;
  readonly status: number | undefined;
  readonly streamId: number | undefined;
  readonly retryable: boolean;
  readonly protocol: string | undefined;

  constructor(code: SpdyClientErrorCode, message: string, options: SpdyClientErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SpdyClientError';
    this.code = code;
    this.status = options.status;
    this.streamId = options.streamId;
    this.retryable = options.retryable ?? false;
    this.protocol = options.protocol;
  }

  get [BRAND](): true {
    return true;
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    if (this !== SpdyClientError) return Function.prototype[Symbol.hasInstance].call(this, value);
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
  }
}

/** The error for a stream reset with `status` by `by`. */
export function streamResetError(streamId: number, status: number, by: 'local' | 'remote' | undefined): SpdyClientError {
  const who = by === 'local' ? 'by us' : by === 'remote' ? 'by the server' : '';
  return new SpdyClientError('ERR_SPDY_STREAM_RESET', `stream ${streamId} reset ${who} with ${rstStatusName(status)}`.replace('  ', ' '), {
    status,
    streamId,
  });
}

/** The error for the abort of a request through its AbortSignal (as fetch reports it). */
export function abortError(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('This operation was aborted', 'AbortError');
}

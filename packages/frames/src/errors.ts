/**
 * Errors of the SPDY codec and of everything built on it.
 *
 * Every error knows its scope, following §2.4 of the spec: a stream error is
 * answered with RST_STREAM and `status` is a {@link RstStatus} code; a session
 * error is answered with GOAWAY and `status` is a {@link GoawayStatus} code.
 * `code` is a stable string for programs; `message` is for people.
 */

import { goawayStatusName, rstStatusName } from './constants.js';

/** Whether an error ends one stream (RST_STREAM) or the whole session (GOAWAY). */
export type ErrorScope = 'stream' | 'session';

const BRAND = Symbol.for('@spdy/frames.SpdyProtocolError');

export interface SpdyProtocolErrorOptions {
  /** Stable machine-readable code, e.g. `ERR_SPDY_BAD_LENGTH`. */
  code: string;
  scope: ErrorScope;
  /** RST_STREAM status (stream scope) or GOAWAY status (session scope). */
  status: number;
  /** The stream concerned, when known. */
  streamId?: number | undefined;
  /** Byte offset in the input where the faulty frame starts, when known. */
  offset?: number | undefined;
  /** The frame type concerned ('DATA', 'SYN_STREAM', ...), when known. */
  frameType?: string | undefined;
  /**
   * The payload length announced by the faulty frame's header, when known. A
   * session needs it for a DATA frame rejected by the codec: SPDY/3.1 §2.6.8
   * still counts its bytes against the session flow-control window.
   */
  payloadLength?: number | undefined;
  cause?: unknown;
}

/**
 * A violation of the protocol by the peer (or by bytes handed to a decoder).
 * `instanceof` works across duplicate installs of the package (a registered
 * symbol brand, as undici does).
 */
export class SpdyProtocolError extends Error {
  readonly code: string;
  readonly scope: ErrorScope;
  readonly status: number;
  readonly streamId: number | undefined;
  readonly offset: number | undefined;
  readonly frameType: string | undefined;
  readonly payloadLength: number | undefined;

  constructor(message: string, options: SpdyProtocolErrorOptions) {
    super(describe(message, options), options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SpdyProtocolError';
    this.code = options.code;
    this.scope = options.scope;
    this.status = options.status;
    this.streamId = options.streamId;
    this.offset = options.offset;
    this.frameType = options.frameType;
    this.payloadLength = options.payloadLength;
  }

  /** The spec's name of `status` (RST_STREAM or GOAWAY status, per scope). */
  get statusName(): string {
    return this.scope === 'stream' ? rstStatusName(this.status) : goawayStatusName(this.status);
  }

  get [BRAND](): true {
    return true;
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    // Subclasses keep the ordinary prototype check; the base class also accepts
    // errors made by another copy of this package.
    if (this !== SpdyProtocolError) return Function.prototype[Symbol.hasInstance].call(this, value);
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
  }
}

function describe(message: string, o: SpdyProtocolErrorOptions): string {
  const where: string[] = [];
  if (o.frameType !== undefined) where.push(o.frameType);
  if (o.streamId !== undefined) where.push(`stream ${o.streamId}`);
  if (o.offset !== undefined) where.push(`at byte ${o.offset}`);
  const answer =
    o.scope === 'stream' ? `stream error, RST_STREAM ${rstStatusName(o.status)}` : `session error, GOAWAY ${goawayStatusName(o.status)}`;
  return `${message}${where.length ? ` (${where.join(', ')})` : ''} [${answer}]`;
}

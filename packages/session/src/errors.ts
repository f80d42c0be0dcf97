/**
 * Errors the session throws at its caller. Problems caused by the peer never
 * throw: they become RST_STREAM or GOAWAY plus an event (see `Session.receive`).
 */

const BRAND = Symbol.for('@spdy/session.SessionStateError');

/**
 * A submit operation the session cannot perform in its current state: a
 * stream that is unknown or already half-closed on our side, a session that
 * is closed or going away, stream ids exhausted. `code` is stable for programs.
 */
export class SessionStateError extends Error {
  readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    this.name = 'SessionStateError';
    this.code = code;
  }

  get [BRAND](): true {
    return true;
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    if (this !== SessionStateError) return Function.prototype[Symbol.hasInstance].call(this, value);
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
  }
}

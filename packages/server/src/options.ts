/**
 * Server options and their defaults, defined and checked in one place.
 */

import type { ProtocolVersion } from '@spdy/frames';
import type { SessionOptions } from '@spdy/session';
import type { ServerOptions as HttpServerOptions } from 'node:http';
import type { TlsOptions } from 'node:tls';

/** Session options the server lets the application pass through (side and version are the server's). */
export type SessionPassthrough = Omit<SessionOptions, 'side' | 'version' | 'send' | 'onEvent' | 'now'>;

export interface ServerOptions {
  /**
   * Serve TLS with ALPN. Any `node:tls` server option (key, cert, ca, ...);
   * `protocols` is the ALPN preference order.
   */
  tls?: TlsOptions & { protocols?: readonly string[] };
  /**
   * Serve plain TCP. A connection whose first byte is 0x80 (a SPDY control
   * frame) speaks SPDY of `version`; anything else is served as HTTP/1.1.
   */
  plain?: { version: ProtocolVersion };
  /** SETTINGS_MAX_CONCURRENT_STREAMS advertised and enforced per session. Default 100. */
  maxConcurrentStreams?: number;
  /** Largest decompressed request header block, in bytes. Default 65536. */
  maxHeaderListSize?: number;
  /** Close a session (GOAWAY) after this many ms with no stream and no input. Default 120000; 0 = never. */
  idleTimeout?: number;
  /** Send a PING after this many ms without input. Default 0 (off). */
  keepAliveInterval?: number;
  /** Largest number of connections (SPDY sessions and HTTP/1.1) this process accepts at once. Default 10000. */
  maxSessions?: number;
  /**
   * Response body bytes buffered per stream before `res.write()` returns
   * false. Default 65536.
   */
  highWaterMark?: number;
  /**
   * Keep requests and responses working when a framework replaces their
   * prototype (Express does, with http.IncomingMessage's). Costs a little
   * per request, so it is off unless asked for. Default false.
   */
  expressCompatible?: boolean;
  /** Further options for every session (flow control mode is the server's: 'manual'). */
  session?: SessionPassthrough;
  /**
   * Options of the internal node:http server that serves HTTP/1.1 clients
   * (`headersTimeout`, `requestTimeout`, `keepAliveTimeout`,
   * `connectionsCheckingInterval`, `maxHeaderSize`, ...).
   */
  http1?: HttpServerOptions;
  /** A plain TCP connection must send its first byte within this many ms. Default 30000. */
  firstByteTimeout?: number;
  /**
   * TLS: a handshake not complete within this many ms closes the connection.
   * Default 10000; 0 = never. (`tls.handshakeTimeout`, node:tls's own, wins when given.)
   */
  handshakeTimeout?: number;
}

/** The options after defaults, as the server uses them. */
export interface ResolvedOptions {
  readonly tls: (TlsOptions & { protocols?: readonly string[] }) | undefined;
  readonly protocols: readonly string[];
  readonly plainVersion: ProtocolVersion | undefined;
  readonly maxConcurrentStreams: number;
  readonly maxHeaderListSize: number;
  readonly idleTimeout: number;
  readonly keepAliveInterval: number;
  readonly maxSessions: number;
  readonly highWaterMark: number;
  readonly expressCompatible: boolean;
  readonly session: SessionPassthrough;
  readonly http1: HttpServerOptions;
  readonly firstByteTimeout: number;
  readonly handshakeTimeout: number;
}

/** ALPN protocols offered by default, most preferred first. */
export const DEFAULT_PROTOCOLS: readonly string[] = Object.freeze(['spdy/3.1', 'spdy/3', 'spdy/2', 'http/1.1']);

export const DEFAULTS = {
  maxConcurrentStreams: 100,
  maxHeaderListSize: 65536,
  idleTimeout: 120_000,
  keepAliveInterval: 0,
  maxSessions: 10_000,
  highWaterMark: 65536,
  firstByteTimeout: 30_000,
  handshakeTimeout: 10_000,
} as const;

function nonNegativeInteger(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 0) throw new RangeError(`${name} must be a non-negative integer, got ${value}`);
  return value;
}

/** Applies defaults and rejects impossible values, once, at construction. */
export function resolveOptions(options: ServerOptions): ResolvedOptions {
  if (options.tls && options.plain) throw new TypeError('choose one of `tls` and `plain`');
  const plainVersion = options.plain?.version ?? (options.tls ? undefined : 3.1);
  if (plainVersion !== undefined && plainVersion !== 2 && plainVersion !== 3 && plainVersion !== 3.1) {
    throw new RangeError(`plain.version must be 2, 3 or 3.1, got ${String(plainVersion)}`);
  }
  const protocols = options.tls?.protocols ?? DEFAULT_PROTOCOLS;
  if (protocols.length === 0) throw new RangeError('tls.protocols must name at least one protocol');
  const resolved: ResolvedOptions = {
    tls: options.tls,
    protocols,
    plainVersion,
    maxConcurrentStreams: nonNegativeInteger('maxConcurrentStreams', options.maxConcurrentStreams, DEFAULTS.maxConcurrentStreams),
    maxHeaderListSize: nonNegativeInteger('maxHeaderListSize', options.maxHeaderListSize, DEFAULTS.maxHeaderListSize),
    idleTimeout: nonNegativeInteger('idleTimeout', options.idleTimeout, DEFAULTS.idleTimeout),
    keepAliveInterval: nonNegativeInteger('keepAliveInterval', options.keepAliveInterval, DEFAULTS.keepAliveInterval),
    maxSessions: nonNegativeInteger('maxSessions', options.maxSessions, DEFAULTS.maxSessions),
    highWaterMark: nonNegativeInteger('highWaterMark', options.highWaterMark, DEFAULTS.highWaterMark),
    expressCompatible: options.expressCompatible ?? false,
    session: options.session ?? {},
    http1: options.http1 ?? {},
    firstByteTimeout: nonNegativeInteger('firstByteTimeout', options.firstByteTimeout, DEFAULTS.firstByteTimeout),
    handshakeTimeout: nonNegativeInteger('handshakeTimeout', options.handshakeTimeout, DEFAULTS.handshakeTimeout),
  };
  if (resolved.highWaterMark === 0) throw new RangeError('highWaterMark must be at least 1');
  return resolved;
}

/** The session options of one server-side session. */
export function sessionOptionsFor(options: ResolvedOptions, version: ProtocolVersion, now: number): SessionOptions {
  return {
    ...options.session,
    side: 'server',
    version,
    now,
    flowControl: 'manual',
    maxConcurrentStreams: options.maxConcurrentStreams,
    maxHeaderListSize: options.maxHeaderListSize,
    ...(options.idleTimeout > 0 ? { idleTimeout: options.idleTimeout } : {}),
    ...(options.keepAliveInterval > 0 ? { keepAliveInterval: options.keepAliveInterval } : {}),
  };
}

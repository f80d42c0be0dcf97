/**
 * Opening a client session: TLS with ALPN for `https:`, plain TCP for
 * `http:` (the version must be given: nothing on the wire says it), or a
 * transport the caller already holds.
 */

import * as net from 'node:net';
import type { Duplex } from 'node:stream';
import * as tls from 'node:tls';
import type { ProtocolVersion } from '@spdy/frames';
import { ALPN_PROTOCOLS, alpnToVersion, versionToAlpn } from '@spdy/session';
import { SpdyClientError } from './errors.js';
import { ClientSession, type ClientSessionOptions } from './session.js';

export interface ConnectOptions extends ClientSessionOptions {
  /**
   * The SPDY version. Required for plain TCP (`http:`) and for `socket`; over
   * TLS it is the preferred version, offered first in ALPN.
   */
  spdy?: ProtocolVersion;
  /**
   * The ALPN list, most preferred first. Default: `spdy/3.1`, `spdy/3`,
   * `spdy/2`, then `http/1.1` so that an HTTP/1.1-only server answers with
   * a protocol we can fall back to.
   */
  protocols?: readonly string[];
  /** A connected transport to run SPDY over (after an HTTP Upgrade, through a tunnel...). */
  socket?: Duplex;
  /** TLS options (`ca`, `cert`, `key`, `servername`, `rejectUnauthorized`...). */
  tls?: tls.ConnectionOptions;
  /** Shortcut for `tls.rejectUnauthorized`: false accepts self-signed certificates. */
  rejectUnauthorized?: boolean;
  /** Aborts the connection attempt. */
  signal?: AbortSignal;
}

/** The ALPN list for `options`. */
export function alpnList(options: Pick<ConnectOptions, 'spdy' | 'protocols'>): string[] {
  if (options.protocols !== undefined) return [...options.protocols];
  const list = [...ALPN_PROTOCOLS];
  if (options.spdy !== undefined) {
    const preferred = versionToAlpn(options.spdy);
    list.splice(list.indexOf(preferred), 1);
    list.unshift(preferred);
  }
  return [...list, 'http/1.1'];
}

/** `scheme://host:port` of `origin`, with the scheme's default port filled in. */
export function originOf(origin: string | URL): URL {
  const url = new URL(origin);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new TypeError(`unsupported scheme ${url.protocol} (use https: or http:)`);
  return url;
}

function hostname(url: URL): string {
  return url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
}

function port(url: URL): number {
  return url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);
}

/**
 * Connects to `origin` and starts a client session.
 *
 * Over TLS, a server that negotiates no SPDY version rejects with
 * `SpdyClientError` code `ERR_SPDY_NOT_NEGOTIATED` (its `protocol` says what
 * it chose): `fetch()`, the pool and `SpdyAgent` then fall back to HTTP/1.1.
 */
export async function connect(origin: string | URL, options: ConnectOptions = {}): Promise<ClientSession> {
  const url = originOf(origin);
  const sessionOptions = { session: options.session, trace: options.trace, origin: url.origin };
  if (options.socket !== undefined) {
    if (options.spdy === undefined) throw new TypeError('options.spdy is required with options.socket');
    return new ClientSession(options.socket, { ...sessionOptions, version: options.spdy });
  }
  options.signal?.throwIfAborted();
  if (url.protocol === 'http:') {
    if (options.spdy === undefined) throw new TypeError('plain TCP (http:) needs options.spdy: 2, 3 or 3.1');
    const socket = net.connect({ host: hostname(url), port: port(url) });
    await established(socket, 'connect', options.signal);
    socket.setNoDelay(true);
    return new ClientSession(socket, { ...sessionOptions, version: options.spdy });
  }
  const host = hostname(url);
  const socket = tls.connect({
    ...options.tls,
    host,
    port: port(url),
    servername: options.tls?.servername ?? (net.isIP(host) === 0 ? host : undefined),
    ALPNProtocols: alpnList(options),
    rejectUnauthorized: options.rejectUnauthorized ?? options.tls?.rejectUnauthorized ?? true,
  });
  await established(socket, 'secureConnect', options.signal);
  const protocol = socket.alpnProtocol || 'http/1.1';
  const version = alpnToVersion(protocol);
  if (version === undefined) {
    socket.destroy();
    throw new SpdyClientError('ERR_SPDY_NOT_NEGOTIATED', `${url.origin} negotiated ${protocol}, not SPDY`, { protocol });
  }
  socket.setNoDelay(true);
  return new ClientSession(socket, { ...sessionOptions, version, alpnProtocol: protocol });
}

/** Resolves once `socket` emits `event`; rejects (and destroys it) on error or abort. */
function established(socket: net.Socket, event: 'connect' | 'secureConnect', signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = (): void => {
      socket.destroy();
      reject(signal?.reason);
    };
    const cleanup = (): void => {
      socket.off(event, onReady);
      socket.off('error', onError);
      signal?.removeEventListener('abort', onAbort);
    };
    const onReady = (): void => {
      cleanup();
      resolve();
    };
    const onError = (error: Error): void => {
      cleanup();
      socket.destroy();
      reject(error);
    };
    socket.once(event, onReady);
    socket.once('error', onError);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * HTTP semantics over SPDY name/value blocks: building a request's header
 * list, and reading responses into the record shape node:http users know.
 */

import type { ResponseReceivedEvent } from '@spdy/session';

/** Name/value pairs as the session carries them (@spdy/zlib-headers' HeaderList, by way of the session's events). */
export type HeaderList = ResponseReceivedEvent['headers'];

/** Request headers as callers write them: a record, pairs, or a WHATWG `Headers`. */
export type RequestHeaders =
  | Readonly<Record<string, string | number | readonly string[] | undefined>>
  | Iterable<readonly [string, string]>;

/** Response headers as node:http presents them: lower-case names; `set-cookie` always an array. */
export type ResponseHeaders = Record<string, string | string[]>;

/**
 * Headers that describe one HTTP/1.1 connection and have no meaning on a
 * multiplexed SPDY stream (draft 3 §3.2.1): sending them is a protocol error
 * for strict peers, so they are dropped. `host` travels as `:host`.
 */
const CONNECTION_HEADERS = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'host',
  'te',
  'expect',
  'http2-settings',
]);

/** Whether `name` (lower case) is a connection-specific header that SPDY drops. */
export function isConnectionHeader(name: string): boolean {
  return CONNECTION_HEADERS.has(name);
}

/** Iterates `headers` as lower-case name/value pairs, arrays expanded. */
export function* headerPairs(headers: RequestHeaders | undefined): Generator<[string, string]> {
  if (headers === undefined) return;
  if (Symbol.iterator in headers) {
    for (const [name, value] of headers as Iterable<readonly [string, string]>) yield [name.toLowerCase(), String(value)];
    return;
  }
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const v of value) yield [name.toLowerCase(), String(v)];
    else yield [name.toLowerCase(), String(value)];
  }
}

/** What a request's pseudo-headers take from its URL. */
export interface RequestTarget {
  /** Path and query (`:path`). */
  readonly path: string;
  /** `host[:port]` (`:host`). */
  readonly host: string;
  /** `http` or `https` (`:scheme`). */
  readonly scheme: string;
}

/**
 * Characters the URL parser keeps as they are in a path and query of an
 * http(s) URL (no `'`, which it escapes in a query; no `\\`, `#`, spaces,
 * controls or non-ASCII).
 */
const PLAIN_PATH = /^\/(?!\/)[\w\-.~!$&()*+,;=:@/%?]*$/;
const DOT_SEGMENT = /\/\.|%2e/i;

/**
 * Whether `path` on a bare origin makes a URL whose path and query are
 * `path` itself: only plain characters, no dot segment (`/.`, `%2e`, looked
 * for anywhere), not `//host`, no empty query.
 */
export function isPlainPath(path: string): boolean {
  return PLAIN_PATH.test(path) && !DOT_SEGMENT.test(path) && path.charCodeAt(path.length - 1) !== 0x3f;
}

export function targetOf(url: URL): RequestTarget {
  return { path: `${url.pathname || '/'}${url.search}`, host: url.host, scheme: url.protocol.slice(0, -1) };
}

/**
 * The SYN_STREAM header list of a request: the v3 pseudo-headers (the session
 * maps them to v2 names when needed) then the caller's headers, without
 * connection-specific ones. Repeated names stay separate pairs: the header
 * block encoder joins them with NUL as the spec requires.
 */
export function buildRequestHeaders(target: RequestTarget, method: string, headers: RequestHeaders | undefined): HeaderList {
  const list: HeaderList = [
    [':method', method.toUpperCase()],
    [':path', target.path],
    [':version', 'HTTP/1.1'],
    [':host', target.host],
    [':scheme', target.scheme],
  ];
  if (headers === undefined) return list;
  for (const pair of headerPairs(headers)) {
    if (!pair[0].startsWith(':') && !isConnectionHeader(pair[0])) list.push(pair);
  }
  return list;
}

/** Splits a SPDY value holding several NUL-separated values. */
function values(value: string): string[] {
  return value.includes('\0') ? value.split('\0') : [value];
}

/** The regular (non-pseudo) headers of `list` in node:http's record shape. */
export function toHeaderRecord(list: HeaderList): ResponseHeaders {
  const record: ResponseHeaders = {};
  for (const [name, value] of list) {
    if (name.startsWith(':')) continue;
    for (const v of values(value)) {
      const previous = record[name];
      if (name === 'set-cookie') {
        if (previous === undefined) record[name] = [v];
        else (previous as string[]).push(v);
      } else {
        record[name] = previous === undefined ? v : `${previous as string}, ${v}`;
      }
    }
  }
  return record;
}

/** The value of the first header called `name` in `list`. */
export function headerValue(list: HeaderList, name: string): string | undefined {
  for (const [n, v] of list) if (n === name) return v;
  return undefined;
}

const STATUS = /^\s*(\d{3})(?:\s+(.*))?$/;
const WHITESPACE = /\s/;

/** `:status` ("200" or "200 OK") as a number and a reason phrase. */
export function parseStatus(value: string | undefined): { status: number; statusText: string } | undefined {
  if (value === undefined) return undefined;
  // The usual forms, "200" and "200 OK" (a one-word reason), without a match array.
  if (value.length === 3 || (value.length > 4 && value.charCodeAt(3) === 0x20 && !WHITESPACE.test(value.slice(4)))) {
    const status = threeDigits(value);
    if (status >= 0) return { status, statusText: value.length === 3 ? '' : value.slice(4) };
  }
  const match = STATUS.exec(value);
  if (match === null) return undefined;
  return { status: Number(match[1]), statusText: match[2] ?? '' };
}

/** The number the first three characters of `value` spell when they are digits, else -1. */
function threeDigits(value: string): number {
  let n = 0;
  for (let i = 0; i < 3; i++) {
    const digit = value.charCodeAt(i) - 0x30;
    if (digit < 0 || digit > 9) return -1;
    n = n * 10 + digit;
  }
  return n;
}

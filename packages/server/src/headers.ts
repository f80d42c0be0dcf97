/**
 * HTTP semantics over SPDY name/value blocks, server side: request header
 * lists into node:http's shapes, response headers into a header list.
 */

import { STATUS_CODES, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';
import type { HeaderList } from '@spdy/zlib-headers';

/**
 * Headers that describe one HTTP/1.1 connection and mean nothing on a SPDY
 * stream (draft 3 §3.2.1). Handlers written for node:http set them freely,
 * so they are dropped from responses rather than failing the stream.
 */
const CONNECTION_HEADERS = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade']);

/** Headers node:http keeps as a single value: later duplicates are dropped, as node does. */
const SINGLE_VALUE = new Set(['content-type', 'content-length', 'user-agent', 'referer', 'host', 'authorization', 'proxy-authorization', 'if-modified-since', 'if-unmodified-since', 'from', 'location', 'max-forwards', 'retry-after', 'etag', 'last-modified', 'server', 'age', 'expires']);

/** A request's pseudo-headers (v3 form; the session maps v2 names to them). */
export interface RequestLine {
  method: string;
  path: string;
  version: string;
  scheme: string;
  host: string;
}

/**
 * Splits a received header list into the request line and node:http's
 * `headers` object and `rawHeaders` array. A value holding several values
 * joined by NUL (the spec's way to repeat a name) is split back. `:host`
 * becomes `host`, as HTTP/1.1 handlers expect.
 */
export function readRequestHeaders(list: HeaderList): { line: RequestLine; headers: IncomingHttpHeaders; rawHeaders: string[] } {
  const line: RequestLine = { method: '', path: '', version: 'HTTP/1.1', scheme: 'https', host: '' };
  const headers: IncomingHttpHeaders = {};
  const rawHeaders: string[] = [];
  for (const [name, joined] of list) {
    if (name.startsWith(':')) {
      switch (name) {
        case ':method':
          line.method = joined;
          break;
        case ':path':
          line.path = joined;
          break;
        case ':version':
          line.version = joined;
          break;
        case ':scheme':
          line.scheme = joined;
          break;
        case ':host':
          line.host = joined;
          break;
      }
      continue;
    }
    for (const value of joined.split('\0')) {
      rawHeaders.push(name, value);
      addIncoming(headers, name, value);
    }
  }
  if (line.host !== '' && headers.host === undefined) {
    headers.host = line.host;
    rawHeaders.push('host', line.host);
  }
  return { line, headers, rawHeaders };
}

/** Adds one header to a node-style object with node:http's duplicate rules. */
export function addIncoming(headers: IncomingHttpHeaders, name: string, value: string): void {
  const existing = headers[name];
  if (existing === undefined) {
    headers[name] = name === 'set-cookie' ? [value] : value;
  } else if (name === 'set-cookie') {
    (existing as string[]).push(value);
  } else if (!SINGLE_VALUE.has(name)) {
    headers[name] = `${existing as string}, ${value}`;
  }
}

/** `HTTP/1.1` -> [1, 1]; anything unparsable counts as 1.1. */
export function parseHttpVersion(version: string): [number, number] {
  const match = /^HTTP\/(\d)\.(\d)$/.exec(version);
  return match ? [Number(match[1]), Number(match[2])] : [1, 1];
}

/** The `:status` value: code and reason phrase, as the drafts write it ("200 OK"). */
export function statusLine(code: number, message?: string): string {
  const reason = message ?? STATUS_CODES[code] ?? '';
  return reason === '' ? String(code) : `${code} ${reason}`;
}

/**
 * A header list from node-style outgoing headers: lower-case names, one pair
 * per value (the session joins a repeated name with NUL, as the spec asks),
 * connection-specific headers dropped.
 */
export function toHeaderList(headers: OutgoingHttpHeaders, into: HeaderList = []): HeaderList {
  for (const [rawName, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const name = rawName.toLowerCase();
    if (CONNECTION_HEADERS.has(name) || name.startsWith(':')) continue;
    if (Array.isArray(value)) for (const v of value) into.push([name, String(v)]);
    else into.push([name, String(value)]);
  }
  return into;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const INVALID_VALUE_CHAR = /[^\t\x20-\x7e\x80-\xff]/;

/** Throws as node:http does for a header name or value that cannot go on the wire. */
export function validateHeader(name: string, value: unknown): void {
  if (!TOKEN.test(name)) throw Object.assign(new TypeError(`Header name must be a valid HTTP token ["${name}"]`), { code: 'ERR_INVALID_HTTP_TOKEN' });
  if (value === undefined) throw Object.assign(new TypeError(`Invalid value "undefined" for header "${name}"`), { code: 'ERR_HTTP_INVALID_HEADER_VALUE' });
  for (const v of Array.isArray(value) ? value : [value]) {
    if (INVALID_VALUE_CHAR.test(String(v))) throw Object.assign(new TypeError(`Invalid character in header content ["${name}"]`), { code: 'ERR_INVALID_CHAR' });
  }
}

/** Response headers of a stream: `:status`, `:version`, then the rest. */
export function responseHeaderList(code: number, message: string | undefined, headers: OutgoingHttpHeaders): HeaderList {
  return toHeaderList(headers, [
    [':status', statusLine(code, message)],
    [':version', 'HTTP/1.1'],
  ]);
}

/**
 * HTTP layering (§3 of each draft): header name mapping between the versions
 * and the checks on required and forbidden headers.
 *
 * Applications always write and read the SPDY/3 form (`:method`, `:path`,
 * `:version`, `:scheme`, `:host`, `:status`). On a SPDY/2 session the names
 * travel as `method`, `url`, `version`, `scheme`, `host` and `status`.
 */

import type { HeaderList } from '@spdy/zlib-headers';
import type { HeadersInit } from './types.js';

/** SPDY/3 name -> SPDY/2 name. */
const V3_TO_V2: ReadonlyMap<string, string> = new Map([
  [':method', 'method'],
  [':path', 'url'],
  [':version', 'version'],
  [':scheme', 'scheme'],
  [':host', 'host'],
  [':status', 'status'],
]);
const V2_TO_V3: ReadonlyMap<string, string> = new Map([...V3_TO_V2].map(([v3, v2]) => [v2, v3]));

/**
 * Headers as pairs, checked the way the header block encoder will check them,
 * so a caller's mistake throws at submit time (the block is compressed later,
 * when the frame leaves).
 *
 * @throws TypeError for a name that is empty, not lowercase or holds a NUL, or
 * a value that is not a string of 8-bit characters.
 */
export function toHeaderList(init: HeadersInit): HeaderList {
  const list: HeaderList = [];
  if (Array.isArray(init)) {
    for (const pair of init as HeaderList) add(list, pair[0], pair[1]);
  } else {
    const record = init as Record<string, string | readonly string[]>;
    for (const name of Object.keys(record)) {
      const value = record[name];
      if (typeof value === 'string') add(list, name, value);
      else if (Array.isArray(value)) for (const v of value as readonly string[]) add(list, name, v);
      else throw new TypeError(`header ${JSON.stringify(name)}: the value must be a string or an array of strings`);
    }
  }
  return list;
}

// eslint-disable-next-line no-control-regex
const BAD_NAME = /[^\x21-\x40\x5b-\xff]/; // no uppercase, no NUL, controls or spaces
// eslint-disable-next-line no-control-regex
const BAD_VALUE = /[^\x01-\xff]/; // NUL separates values on the wire; above 0xff does not fit latin1

function add(list: HeaderList, name: unknown, value: unknown): void {
  if (typeof name !== 'string' || typeof value !== 'string') throw new TypeError('header names and values must be strings');
  if (name.length === 0 || BAD_NAME.test(name)) throw new TypeError(`invalid header name ${JSON.stringify(name)} (lowercase, no spaces or controls)`);
  if (BAD_VALUE.test(value)) throw new TypeError(`invalid value for header ${JSON.stringify(name)} (8-bit characters, no NUL)`);
  list.push([name, value]);
}

/** Our headers as they go on the wire of `wire` version. */
export function toWire(headers: HeaderList, wire: 2 | 3): HeaderList {
  if (wire === 3) return headers;
  return headers.map(([name, value]) => [V3_TO_V2.get(name) ?? name, value]);
}

/** Received headers in the SPDY/3 form applications read. */
export function fromWire(headers: HeaderList, wire: 2 | 3): HeaderList {
  if (wire === 3) return headers;
  const out: HeaderList = [];
  for (const [name, value] of headers) {
    const v3 = V2_TO_V3.get(name);
    if (v3 === ':path' && /^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
      // SPDY/2 may carry an absolute URL in `url` (always for a push): split it.
      const url = splitUrl(value);
      out.push([':scheme', url.scheme], [':host', url.host], [':path', url.path]);
    } else {
      out.push([v3 ?? name, value]);
    }
  }
  // An absolute url and a scheme/host header may both be present: keep the first of each.
  return dedupePseudo(out);
}

function splitUrl(url: string): { scheme: string; host: string; path: string } {
  const colon = url.indexOf('://');
  const rest = url.slice(colon + 3);
  const slash = rest.indexOf('/');
  return {
    scheme: url.slice(0, colon).toLowerCase(),
    host: slash < 0 ? rest : rest.slice(0, slash),
    path: slash < 0 ? '/' : rest.slice(slash),
  };
}

function dedupePseudo(headers: HeaderList): HeaderList {
  const seen = new Set<string>();
  return headers.filter(([name]) => {
    if (!name.startsWith(':')) return true;
    if (seen.has(name)) return false;
    seen.add(name);
    return true;
  });
}

/** The value of the first header named `name`. */
export function headerValue(headers: HeaderList, name: string): string | undefined {
  for (const [n, v] of headers) if (n === name) return v;
  return undefined;
}

/**
 * SPDY/2 push (draft 2, "Server Push Transactions"): the resource is named by
 * one `url` header holding the full URL, built from the SPDY/3 form.
 */
export function pushUrlV2(headers: HeaderList): HeaderList {
  const scheme = headerValue(headers, ':scheme');
  const host = headerValue(headers, ':host');
  const path = headerValue(headers, ':path');
  const rest = headers.filter(([n]) => n !== ':scheme' && n !== ':host' && n !== ':path');
  return [[':path', `${scheme}://${host}${path}`], ...rest];
}

/** Headers §3.2.1 / §3.2.2 forbid: hop-by-hop HTTP/1 connection management (and `host` in 3: it is `:host`). */
const CONNECTION_SPECIFIC_V3: ReadonlySet<string> = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'host']);
/** Draft 2 only says Connection and Keep-Alive are ignored if present: nothing to refuse. */
const CONNECTION_SPECIFIC_V2: ReadonlySet<string> = new Set();

/** The pseudo-headers the checks look for, as bits, so one pass over a header list answers every check. */
const PSEUDO_BITS: ReadonlyMap<string, number> = new Map([
  [':method', 1],
  [':path', 2],
  [':version', 4],
  [':host', 8],
  [':scheme', 16],
  [':status', 32],
]);

interface Scan {
  /** PSEUDO_BITS of the names present. */
  present: number;
  /** The first connection-specific header, if any. */
  forbidden: string | undefined;
}

function scan(headers: HeaderList, wire: 2 | 3): Scan {
  const set = wire === 3 ? CONNECTION_SPECIFIC_V3 : CONNECTION_SPECIFIC_V2;
  let present = 0;
  let bad: string | undefined;
  for (let i = 0; i < headers.length; i++) {
    const name = headers[i]![0];
    const bit = PSEUDO_BITS.get(name);
    if (bit !== undefined) present |= bit;
    else if (bad === undefined && set.has(name)) bad = name;
  }
  return { present, forbidden: bad };
}

function missing(found: Scan, required: readonly string[]): string | undefined {
  for (const name of required) if ((found.present & PSEUDO_BITS.get(name)!) === 0) return name;
  return undefined;
}

/** §3.2.1 (draft 2: "Request"): method, path, version, and in 3 also host and scheme. */
const REQUEST_V3 = [':method', ':path', ':version', ':host', ':scheme'] as const;
const REQUEST_V2 = [':method', ':path', ':version'] as const;
/** §3.2.2: status and version. */
const RESPONSE = [':status', ':version'] as const;
/** §3.3.1 (draft 2: one `url`, mapped to :path): the pushed resource's URL. */
const PUSH_V3 = [':scheme', ':host', ':path'] as const;
const PUSH_V2 = [':path'] as const;

/** Why headers (SPDY/3 form) lack one of `required` or carry a connection-specific header, or undefined. */
function check(headers: HeaderList, wire: 2 | 3, required: readonly string[], what: string): string | undefined {
  const found = scan(headers, wire);
  const absent = missing(found, required);
  if (absent !== undefined) return `${what} without ${absent}`;
  return found.forbidden === undefined ? undefined : `connection-specific header ${found.forbidden} in a ${what}`;
}

/** Why request headers break §3.2.1, or undefined when they are valid. */
export function invalidRequest(headers: HeaderList, wire: 2 | 3): string | undefined {
  return check(headers, wire, wire === 3 ? REQUEST_V3 : REQUEST_V2, 'request');
}

/** Why response headers break §3.2.2, or undefined. */
export function invalidResponse(headers: HeaderList, wire: 2 | 3): string | undefined {
  return check(headers, wire, RESPONSE, 'response');
}

/** Why a pushed stream's headers break §3.3.1, or undefined. */
export function invalidPush(headers: HeaderList, wire: 2 | 3): string | undefined {
  return check(headers, wire, wire === 3 ? PUSH_V3 : PUSH_V2, 'pushed stream');
}

/** Why any header block carries a connection-specific header, or undefined. */
export function invalidHeaders(headers: HeaderList, wire: 2 | 3): string | undefined {
  return check(headers, wire, [], 'header block');
}

/** Whether headers hold the response status line (a push that carries its response). */
export function hasResponseStatus(headers: HeaderList): boolean {
  return headerValue(headers, ':status') !== undefined;
}

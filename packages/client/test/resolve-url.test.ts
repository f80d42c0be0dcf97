import { PassThrough } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildRequestHeaders, isPlainPath, targetOf } from '../src/headers.js';
import { ClientSession } from '../src/index.js';

describe('ClientSession.request URL resolution', () => {
  it('resolves paths exactly as new URL(path, origin) does', () => {
    const origin = 'http://127.0.0.1:1234';
    const session = new ClientSession(new PassThrough(), { version: 3.1, origin });
    try {
      for (const path of ['/', '/a/../b?x=1#f', '/%2e%2e/x', '/a b', '/\t/x', '/\n/x', '/\r/x', '//other/x', '/\\other/x', '/ü?ä', '/?', '/.', '/..//x', 'rel', '']) {
        const request = session.request(path);
        expect(request.url.href, JSON.stringify(path)).toBe(new URL(path, origin).href);
        expect(request.rawHeaders, JSON.stringify(path)).toEqual(buildRequestHeaders(targetOf(new URL(path, origin)), 'GET', undefined));
        request.abort();
      }
    } finally {
      session.destroy();
    }
  });

  it('resolves against an origin given with a path', () => {
    const session = new ClientSession(new PassThrough(), { version: 3.1, origin: 'http://127.0.0.1:1234/base/' });
    try {
      const request = session.request('/x');
      expect(request.url.href).toBe('http://127.0.0.1:1234/x');
      request.abort();
    } finally {
      session.destroy();
    }
  });

  it('takes a path as it is only when the URL parser would leave it so', () => {
    // Characters the parser treats specially (dots, %2e, slashes, query marks,
    // quotes, spaces, controls, non-ASCII) next to plain ones.
    const char = fc.constantFrom(...'/.?%2eE#\\\'" \t\n<>`{}^|[]~!$&()*+,;=:@-_aZ09ü'.split(''));
    const path = fc.array(char, { maxLength: 12 }).map((chars) => `/${chars.join('')}`);
    for (const origin of ['http://127.0.0.1:1234', 'https://example.com']) {
      fc.assert(
        fc.property(path, (p) => {
          if (!isPlainPath(p)) return;
          const url = new URL(p, origin);
          expect(url.href).toBe(origin + p);
          expect(`${url.pathname}${url.search}`).toBe(p);
        }),
        { numRuns: 2000 },
      );
    }
  });
});

import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ClientSession } from '../src/index.js';

describe('ClientSession.request URL resolution', () => {
  it('resolves paths exactly as new URL(path, origin) does', () => {
    const origin = 'http://127.0.0.1:1234';
    const session = new ClientSession(new PassThrough(), { version: 3.1, origin });
    try {
      for (const path of ['/', '/a/../b?x=1#f', '/%2e%2e/x', '/a b', '/\t/x', '/\n/x', '/\r/x', '//other/x', '/\\other/x', '/ü?ä', '/?', '/.', '/..//x', 'rel', '']) {
        const request = session.request(path);
        expect(request.url.href, JSON.stringify(path)).toBe(new URL(path, origin).href);
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
});

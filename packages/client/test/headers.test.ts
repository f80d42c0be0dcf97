import { describe, expect, it } from 'vitest';
import { buildRequestHeaders, parseStatus, targetOf, toHeaderRecord } from '../src/headers.js';

describe('request headers', () => {
  it('puts the pseudo-headers first, lower-cases names, drops connection headers, keeps repeats', () => {
    const list = buildRequestHeaders(targetOf(new URL('https://example.com:8443/p?q=1')), 'post', {
      Host: 'ignored',
      Connection: 'keep-alive',
      'Transfer-Encoding': 'chunked',
      Accept: ['a', 'b'],
      'X-N': 3,
    });
    expect(list).toEqual([
      [':method', 'POST'],
      [':path', '/p?q=1'],
      [':version', 'HTTP/1.1'],
      [':host', 'example.com:8443'],
      [':scheme', 'https'],
      ['accept', 'a'],
      ['accept', 'b'],
      ['x-n', '3'],
    ]);
  });

  it('accepts a WHATWG Headers object', () => {
    const list = buildRequestHeaders(targetOf(new URL('http://h/')), 'GET', new Headers({ 'Content-Type': 'text/plain' }));
    expect(list.at(-1)).toEqual(['content-type', 'text/plain']);
  });
});

describe('response headers', () => {
  it('reads NUL-separated values like node:http: joined, set-cookie as an array', () => {
    expect(toHeaderRecord([[':status', '200'], ['vary', 'a\0b'], ['set-cookie', 'x=1\0y=2'], ['vary', 'c']])).toEqual({
      vary: 'a, b, c',
      'set-cookie': ['x=1', 'y=2'],
    });
  });

  it('parses :status with or without a reason phrase', () => {
    expect(parseStatus('200 OK')).toEqual({ status: 200, statusText: 'OK' });
    expect(parseStatus('404')).toEqual({ status: 404, statusText: '' });
    expect(parseStatus('nope')).toBeUndefined();
    // The forms the fast path leaves to the full grammar give what it gives.
    expect(parseStatus('404 Not Found')).toEqual({ status: 404, statusText: 'Not Found' });
    expect(parseStatus(' 200  OK')).toEqual({ status: 200, statusText: 'OK' });
    expect(parseStatus('200\tOK')).toEqual({ status: 200, statusText: 'OK' });
    expect(parseStatus('2x0')).toBeUndefined();
    expect(parseStatus('200 OK\n')).toBeUndefined();
    expect(parseStatus('200 ')).toEqual({ status: 200, statusText: '' });
    expect(parseStatus('2000')).toBeUndefined();
    expect(parseStatus(undefined)).toBeUndefined();
  });
});

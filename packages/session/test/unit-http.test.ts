import { describe, expect, it } from 'vitest';
import { fromWire, invalidPush, invalidRequest, invalidResponse, pushUrlV2, toHeaderList, toWire } from '../src/http.js';

const REQUEST = toHeaderList({ ':method': 'GET', ':path': '/a?b', ':version': 'HTTP/1.1', ':scheme': 'https', ':host': 'example.com' });

describe('header lists', () => {
  it('takes pairs or records, arrays giving one pair per value', () => {
    expect(toHeaderList({ a: '1', b: ['2', '3'] })).toEqual([
      ['a', '1'],
      ['b', '2'],
      ['b', '3'],
    ]);
    expect(toHeaderList([['x', 'y']])).toEqual([['x', 'y']]);
  });

  it('refuses what the header block cannot carry, at submit time', () => {
    expect(() => toHeaderList({ Host: 'a' })).toThrow(TypeError);
    expect(() => toHeaderList({ '': 'a' })).toThrow(TypeError);
    expect(() => toHeaderList({ a: 'x\0y' })).toThrow(TypeError);
    expect(() => toHeaderList({ a: '\u0100' })).toThrow(TypeError);
  });
});

describe('SPDY/2 name mapping', () => {
  it('maps the SPDY/3 names to draft 2 ones and back', () => {
    const wire = toWire([...REQUEST, [':status', '200']], 2);
    expect(wire.map(([n]) => n)).toEqual(['method', 'url', 'version', 'scheme', 'host', 'status']);
    expect(fromWire(wire, 2)).toEqual([...REQUEST, [':status', '200']]);
    expect(toWire(REQUEST, 3)).toBe(REQUEST);
  });

  it('splits an absolute url (draft 2 push) into scheme, host and path', () => {
    expect(fromWire([['url', 'https://example.com:8443/x/y.js']], 2)).toEqual([
      [':scheme', 'https'],
      [':host', 'example.com:8443'],
      [':path', '/x/y.js'],
    ]);
  });

  it('names a pushed resource with one full url in SPDY/2', () => {
    const push = toHeaderList({ ':scheme': 'https', ':host': 'h', ':path': '/s.css', ':status': '200' });
    expect(toWire(pushUrlV2(push), 2)).toEqual([
      ['url', 'https://h/s.css'],
      ['status', '200'],
    ]);
  });
});

describe('HTTP layering checks', () => {
  it('3.2.1: a request needs method, path, version, and in SPDY/3 host and scheme', () => {
    expect(invalidRequest(REQUEST, 3)).toBeUndefined();
    expect(invalidRequest(REQUEST.filter(([n]) => n !== ':host'), 3)).toMatch(':host');
    expect(invalidRequest(REQUEST.filter(([n]) => n !== ':host' && n !== ':scheme'), 2)).toBeUndefined();
    expect(invalidRequest(REQUEST.filter(([n]) => n !== ':method'), 2)).toMatch(':method');
  });

  it('3.2.1: connection-specific headers are refused in SPDY/3, `host` included', () => {
    for (const name of ['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'host']) {
      expect(invalidRequest([...REQUEST, [name, 'x']], 3)).toMatch(name);
    }
    expect(invalidRequest([...REQUEST, ['connection', 'close']], 2)).toBeUndefined();
  });

  it('3.2.2: a response needs status and version', () => {
    expect(invalidResponse(toHeaderList({ ':status': '200', ':version': 'HTTP/1.1' }), 3)).toBeUndefined();
    expect(invalidResponse(toHeaderList({ ':status': '200' }), 3)).toMatch(':version');
  });

  it('3.3.2: a push names its resource (scheme, host, path; a url in SPDY/2)', () => {
    expect(invalidPush(toHeaderList({ ':scheme': 'https', ':host': 'h', ':path': '/' }), 3)).toBeUndefined();
    expect(invalidPush(toHeaderList({ ':scheme': 'https', ':path': '/' }), 3)).toMatch(':host');
    expect(invalidPush(toHeaderList({ ':path': 'https://h/' }), 2)).toBeUndefined();
  });
});

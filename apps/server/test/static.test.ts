import { describe, expect, it } from 'vitest';
import { parseCli } from '../src/config.js';
import { contentType, linkedAssets, parsePushRules, resolveUnder } from '../src/static.js';

describe('resolveUnder', () => {
  const root = '/srv/site';
  it('maps URL paths to files under the root', () => {
    expect(resolveUnder(root, '/')).toBe('/srv/site');
    expect(resolveUnder(root, '/a/b.css?v=1')).toBe('/srv/site/a/b.css');
    expect(resolveUnder(root, '/a%20b.txt')).toBe('/srv/site/a b.txt');
  });
  it('never leaves the root', () => {
    expect(resolveUnder(root, '/../etc/passwd')).toBe('/srv/site/etc/passwd');
    expect(resolveUnder(root, '/%2e%2e/%2e%2e/etc/passwd')).toBe('/srv/site/etc/passwd');
    expect(resolveUnder(root, '/a/../../x')).toBe('/srv/site/x');
  });
  it('refuses malformed paths', () => {
    expect(resolveUnder(root, '/%zz')).toBeUndefined();
    expect(resolveUnder(root, '/a%00b')).toBeUndefined();
  });
});

describe('push rules', () => {
  it('finds the local stylesheets and scripts of a page', () => {
    const html = `<link rel="stylesheet" href="/a.css"><link rel=icon href="/i.png">
      <script src="/b.js"></script><script src="https://cdn.example/x.js"></script><link href="//cdn/c.css" rel="stylesheet">`;
    expect(linkedAssets(html)).toEqual(['/a.css', '/b.js']);
  });
  it('parses --push rules, several per page', () => {
    expect(parsePushRules(['/=/a.css,/b.js', '/=/c.js'])).toEqual(new Map([['/', ['/a.css', '/b.js', '/c.js']]]));
    expect(() => parsePushRules(['nonsense'])).toThrow(/push rule/);
  });
  it('knows the usual content types', () => {
    expect(contentType('x.HTML')).toBe('text/html; charset=utf-8');
    expect(contentType('x.unknown')).toBe('application/octet-stream');
  });
});

describe('parseCli', () => {
  it('defaults: plain SPDY/3.1 on 127.0.0.1:8080, the demo site, auto push, one worker', () => {
    const config = parseCli([]);
    expect(config).toMatchObject({ port: 8080, host: '127.0.0.1', options: { plain: { version: 3.1 } }, workers: 1, push: 'auto', verbose: false });
    expect(config.dir).toMatch(/site$/);
  });
  it('reads every flag', () => {
    const config = parseCli(['--port', '0', '--host', '0.0.0.0', '--plain', '--spdy', '2', '--workers', '3', '--no-push', '-v', '--dir', '/tmp']);
    expect(config).toMatchObject({ port: 0, host: '0.0.0.0', options: { plain: { version: 2 } }, workers: 3, push: 'off', verbose: true, dir: '/tmp' });
  });
  it('rejects contradictions', () => {
    expect(() => parseCli(['--plain', '--cert', 'a', '--key', 'b'])).toThrow(/exclude each other/);
    expect(() => parseCli(['--port', '70000'])).toThrow(/--port/);
    expect(() => parseCli(['--workers', '-1'])).toThrow(/--workers/);
  });
});

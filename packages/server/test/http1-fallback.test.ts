import { execFile } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type SpdyServer } from '../src/index.js';
import { bigBodyHash, close, listen, sha256, testHandler } from './support/app.js';
import { TestClient } from './support/client.js';
import { makeCertificate, type KeyPair } from './support/tls.js';

interface Http1Result {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

function fetch1(port: number, path: string, options: { tls?: boolean; method?: string; body?: string; ALPNProtocols?: string[] } = {}): Promise<Http1Result> {
  const request = options.tls ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, method: options.method ?? 'GET', rejectUnauthorized: false, agent: false, ...(options.ALPNProtocols ? { ALPNProtocols: options.ALPNProtocols } : {}) },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

function curl(args: string[]): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile('curl', ['--silent', '--show-error', '--max-time', '20', ...args], { encoding: 'buffer', maxBuffer: 64 << 20 }, (error, stdout) =>
      error ? reject(error) : resolve(sha256(stdout) + ' ' + stdout.length + ' ' + stdout.subarray(0, 200).toString()),
    ),
  );
}

let keys: KeyPair;
let tlsServer: SpdyServer;
let plainServer: SpdyServer;
let tlsPort: number;
let plainPort: number;

beforeAll(async () => {
  keys = makeCertificate();
  tlsServer = createServer({ tls: { key: keys.key, cert: keys.cert } }, testHandler);
  plainServer = createServer({ plain: { version: 3 } }, testHandler);
  [tlsPort, plainPort] = await Promise.all([listen(tlsServer), listen(plainServer)]);
});
afterAll(async () => {
  await Promise.all([close(tlsServer), close(plainServer)]);
  keys.dispose();
});

describe('HTTP/1.1 on the same port, same handler', () => {
  it('plain TCP: a first byte other than 0x80 is HTTP/1.1', async () => {
    const res = await fetch1(plainPort, '/hello');
    expect(res.status).toBe(200);
    expect(res.body.toString()).toBe('hello GET http/1.1');
  });

  it('plain TCP: POST bodies and large responses', async () => {
    const echo = await fetch1(plainPort, '/echo', { method: 'POST', body: 'x'.repeat(100_000) });
    expect(echo.body.toString()).toBe('x'.repeat(100_000));
    const big = await fetch1(plainPort, `/big/${8 << 20}`);
    expect(sha256(big.body)).toBe(bigBodyHash(8 << 20));
  });

  it('TLS without ALPN, and with ALPN http/1.1, is HTTP/1.1', async () => {
    const none = await fetch1(tlsPort, '/hello', { tls: true });
    expect(none.body.toString()).toBe('hello GET http/1.1');
    const alpn = await fetch1(tlsPort, '/hello', { tls: true, ALPNProtocols: ['http/1.1'] });
    expect(alpn.body.toString()).toBe('hello GET http/1.1');
  });

  it('push over HTTP/1.1 reports that nothing was pushed', async () => {
    const res = await fetch1(tlsPort, '/page', { tls: true });
    expect(res.body.toString()).toBe('<html>not pushed</html>');
  });

  it('SPDY and HTTP/1.1 clients share the plain port', async () => {
    const client = await TestClient.connect(plainPort, 3);
    const [spdy, http1] = await Promise.all([client.request('/hello'), fetch1(plainPort, '/hello')]);
    expect(spdy.body.toString()).toBe('hello GET 3');
    expect(http1.body.toString()).toBe('hello GET http/1.1');
    client.close();
  });

  it('curl over plain HTTP/1.1 and over TLS', async () => {
    const plain = await curl([`http://127.0.0.1:${plainPort}/hello`]);
    expect(plain).toContain('hello GET http/1.1');
    const tls = await curl(['--insecure', '--http1.1', `https://127.0.0.1:${tlsPort}/hello`]);
    expect(tls).toContain('hello GET http/1.1');
    const big = await curl(['--insecure', '--http1.1', `https://127.0.0.1:${tlsPort}/big/${4 << 20}`]);
    expect(big.startsWith(`${bigBodyHash(4 << 20)} ${4 << 20}`)).toBe(true);
    const post = await curl([`http://127.0.0.1:${plainPort}/hash`, '--data-binary', 'abc']);
    expect(post).toContain(sha256(Buffer.from('abc')));
  });
});

/**
 * The `spdy` npm package (node-spdy 4 on spdy-transport 3) as a client of our
 * server, over TLS with ALPN and over plain TCP. Only the paths PEERS.md
 * lists as working on Node 20 are used: GET, push, single-write bodies.
 */

import type { Agent, IncomingMessage } from 'node:http';
import { get as httpGet } from 'node:http';
import { get as httpsGet } from 'node:https';
import { createRequire } from 'node:module';
import type { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type SpdyServer } from '../src/index.js';
import { BLOCK, close, listen, sha256, testHandler } from './support/app.js';
import { makeCertificate, type KeyPair } from './support/tls.js';

interface SpdyAgent extends Agent {
  close(callback: () => void): void;
}
interface SpdyModule {
  createAgent(options: Record<string, unknown>): SpdyAgent;
}
const spdy = createRequire(import.meta.url)('spdy') as SpdyModule;

type Get = typeof httpGet;

function fetchVia(get: Get, agent: Agent, port: number, path: string, onPush?: (stream: Readable & { path?: string }) => void): Promise<{ res: IncomingMessage; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = get({ host: '127.0.0.1', port, path, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ res, body: Buffer.concat(chunks) }));
    });
    if (onPush) req.on('push', onPush);
    req.on('error', reject);
  });
}

/** A handler that answers /blob with one write (node-spdy loses multi-write bodies on Node 20). */
const interopHandler: typeof testHandler = (req, res) => {
  if (req.url === '/blob') return void res.end(BLOCK.subarray(0, 256 * 1024));
  return testHandler(req, res);
};

let keys: KeyPair;
beforeAll(() => {
  keys = makeCertificate();
});
afterAll(() => keys.dispose());

describe('the spdy npm package as client, over TLS (ALPN spdy/3.1)', () => {
  let server: SpdyServer;
  let port: number;
  let agent: SpdyAgent;
  beforeAll(async () => {
    server = createServer({ tls: { key: keys.key, cert: keys.cert } }, interopHandler);
    port = await listen(server);
    agent = spdy.createAgent({ host: '127.0.0.1', port, rejectUnauthorized: false, spdy: { protocols: ['spdy/3.1'] } });
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => agent.close(() => resolve()));
    await close(server);
  });

  it('GETs a page', async () => {
    const { res, body } = await fetchVia(httpsGet, agent, port, '/hello');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/plain');
    expect(body.toString()).toBe('hello GET 3.1');
  });

  it('GETs 256 KiB intact', async () => {
    const { body } = await fetchVia(httpsGet, agent, port, '/blob');
    expect(sha256(body)).toBe(sha256(BLOCK.subarray(0, 256 * 1024)));
  });

  it('receives pushed resources', async () => {
    const pushed = new Map<string, Promise<string>>();
    const { body } = await fetchVia(httpsGet, agent, port, '/page', (stream) => {
      const text = new Promise<string>((resolve) => {
        let data = '';
        stream.on('data', (c: Buffer) => (data += c.toString()));
        stream.on('end', () => resolve(data));
      });
      pushed.set(String(stream.path), text);
    });
    expect(body.toString()).toBe('<html>pushed</html>');
    expect([...pushed.keys()].sort()).toEqual(['/app.js', '/style.css']);
    expect(await pushed.get('/style.css')).toBe('body { color: red }');
  });
});

describe('the spdy npm package as client, over plain TCP (SPDY/3)', () => {
  it('GETs a page and a 256 KiB body', async () => {
    const server = createServer({ plain: { version: 3 } }, interopHandler);
    const port = await listen(server);
    const agent = spdy.createAgent({ host: '127.0.0.1', port, spdy: { plain: true, ssl: false, protocol: 'spdy/3' } });
    const hello = await fetchVia(httpGet, agent, port, '/hello');
    expect(hello.body.toString()).toBe('hello GET 3');
    const blob = await fetchVia(httpGet, agent, port, '/blob');
    expect(sha256(blob.body)).toBe(sha256(BLOCK.subarray(0, 256 * 1024)));
    await new Promise<void>((resolve) => agent.close(() => resolve()));
    await close(server);
  });
});

import express from 'express';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type SpdyServer } from '../src/index.js';
import { BLOCK, close, listen, sha256 } from './support/app.js';
import { header, TestClient } from './support/client.js';

let dir: string;
let server: SpdyServer;
let port: number;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'spdy-express-'));
  writeFileSync(join(dir, 'file.bin'), BLOCK.subarray(0, 200_000));
  const app = express();
  app.use((req, res, next) => {
    res.set('x-powered-by-spdy', String((req as { spdyVersion?: number }).spdyVersion ?? 'no'));
    next();
  });
  app.get('/users/:id', (req, res) => res.json({ id: req.params.id, q: req.query.q, host: req.hostname }));
  app.post('/echo', (req, res) => {
    res.type('application/octet-stream');
    req.pipe(res);
  });
  app.get('/file', (_req, res) => res.sendFile(join(dir, 'file.bin')));
  app.get('/redirect', (_req, res) => res.redirect(302, '/users/1'));
  app.get('/fail', () => {
    throw new Error('express route failed (expected by the test)');
  });
  app.use((error: Error, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    res.status(500).send(`caught: ${error.message}`);
  });
  server = createServer({ plain: { version: 3.1 }, expressCompatible: true }, app);
  port = await listen(server);
});
afterAll(async () => {
  await close(server);
  rmSync(dir, { recursive: true, force: true });
});

describe('Express 4 over SPDY (expressCompatible)', () => {
  it('routes with params and query, sets headers, sends JSON', async () => {
    const client = await TestClient.connect(port, 3.1);
    const res = await client.request('/users/42?q=x');
    expect(res.status).toBe('200 OK');
    expect(header(res.headers, 'content-type')).toBe('application/json; charset=utf-8');
    expect(header(res.headers, 'x-powered-by-spdy')).toBe('3.1');
    expect(JSON.parse(res.body.toString())).toEqual({ id: '42', q: 'x', host: '127.0.0.1' });
    client.close();
  });

  it('streams request bodies, sends files, redirects, 404s and handles errors', async () => {
    const client = await TestClient.connect(port, 3.1);
    const body = BLOCK.subarray(0, 500_000);
    const [echo, file, redirect, missing, fail] = await Promise.all([
      client.request('/echo', { body }),
      client.request('/file'),
      client.request('/redirect'),
      client.request('/nowhere'),
      client.request('/fail'),
    ]);
    expect(sha256(echo.body)).toBe(sha256(body));
    expect(sha256(file.body)).toBe(sha256(BLOCK.subarray(0, 200_000)));
    expect(header(file.headers, 'content-length')).toBe('200000');
    expect(redirect.status).toBe('302 Found');
    expect(header(redirect.headers, 'location')).toBe('/users/1');
    expect(missing.status).toBe('404 Not Found');
    expect(fail.status).toBe('500 Internal Server Error');
    expect(fail.body.toString()).toBe('caught: express route failed (expected by the test)');
    client.close();
  });

  it('serves the same app over HTTP/1.1', async () => {
    const text = await new Promise<string>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, path: '/users/7' }, (res) => {
        let data = '';
        res.on('data', (c: Buffer) => (data += c.toString()));
        res.on('end', () => resolve(data));
      });
      req.on('error', reject);
      req.end();
    });
    expect(JSON.parse(text)).toEqual({ id: '7', host: '127.0.0.1' });
  });
});

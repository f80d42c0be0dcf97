/** HTTP/1.1 fallback: a TLS server whose ALPN offers only http/1.1 (node:https). */

import * as https from 'node:https';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { connect, fetch, SessionPool, SpdyAgent, SpdyClientError } from '../src/index.js';
import { listen, testCertificate, type Listening } from './helpers.js';

let server: Listening;
let alpnSeen: Array<string | false | null> = [];

beforeAll(async () => {
  const httpsServer = https.createServer({ ...testCertificate(), ALPNProtocols: ['http/1.1'] }, (req, res) => {
    alpnSeen.push((req.socket as import('node:tls').TLSSocket).alpnProtocol);
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      res.setHeader('x-served-by', 'node:https');
      res.end(`${req.method} ${req.url} ${Buffer.concat(chunks).toString()}`);
    });
  });
  server = await listen(httpsServer, 'https');
});
afterAll(() => server.close());

const tls = { ca: testCertificate().cert };

it('connect() rejects with ERR_SPDY_NOT_NEGOTIATED and names the protocol chosen', async () => {
  const error = await connect(server.origin, { tls }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(SpdyClientError);
  expect(error).toMatchObject({ code: 'ERR_SPDY_NOT_NEGOTIATED', protocol: 'http/1.1' });
});

it('fetch() falls back to HTTP/1.1 and remembers the origin', async () => {
  alpnSeen = [];
  const pool = new SessionPool({ tls });
  try {
    const first = await fetch(`${server.origin}/a`, { pool });
    expect(first.status).toBe(200);
    expect(first.headers.get('x-served-by')).toBe('node:https');
    expect(first.url).toBe(`${server.origin}/a`);
    expect(await first.text()).toBe('GET /a ');
    expect(pool.protocol(server.origin)).toBe('http/1.1');
    const second = await fetch(`${server.origin}/b`, { method: 'POST', body: 'data', pool });
    expect(await second.text()).toBe('POST /b data');
    expect(alpnSeen).toEqual(['http/1.1', 'http/1.1']);
  } finally {
    await pool.close();
  }
});

it('SpdyAgent falls back to an HTTP/1.1 TLS socket for node:https', async () => {
  const agent = new SpdyAgent({ tls });
  try {
    const body = await new Promise<string>((resolve, reject) => {
      https
        .get(`${server.origin}/agent`, { agent }, (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString()));
          res.on('end', () => resolve(text));
        })
        .on('error', reject);
    });
    expect(body).toBe('GET /agent ');
  } finally {
    agent.destroy();
  }
});

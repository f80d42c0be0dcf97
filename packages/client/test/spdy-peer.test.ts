/**
 * Interop with the `spdy` npm package's server, in the paths PEERS.md lists
 * as working: GET, push, single-write bodies; plain mode with autoSpdy31 and
 * TLS with ALPN.
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IncomingMessage } from 'node:http';
import type { SpdyServerResponse } from 'spdy';
import { connect, fetch, SessionPool, type ConnectOptions, type SpdyPush } from '../src/index.js';
import { spdyPeer, testCertificate, type Listening } from './helpers.js';

const handler = (req: IncomingMessage, res: SpdyServerResponse): void => {
  if (req.url === '/push') {
    const pushed = res.push('/pushed.css', { request: { accept: '*/*' }, response: { 'content-type': 'text/css' } });
    pushed.on('error', () => {});
    pushed.end('body { color: red }');
    res.end('page with push');
    return;
  }
  if (req.method === 'POST') {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => res.end(`got ${Buffer.concat(chunks).toString()}`));
    return;
  }
  res.setHeader('x-peer', 'spdy-npm');
  res.end(`hello ${req.url}`);
};

for (const mode of ['plain', 'tls'] as const) {
  describe(`our client against the spdy package's server (${mode})`, () => {
    let server: Listening;
    let pool: SessionPool;
    const options = (): ConnectOptions => (mode === 'plain' ? { spdy: 3.1 } : { tls: { ca: testCertificate().cert } });
    beforeAll(async () => {
      server = await spdyPeer(mode, handler);
      pool = new SessionPool(options());
    });
    afterAll(async () => {
      pool.destroy();
      await server.close();
    });

    it('negotiates spdy/3.1 and GETs', async () => {
      const session = await pool.get(server.origin);
      expect(session.version).toBe(3.1);
      if (mode === 'tls') expect(session.alpnProtocol).toBe('spdy/3.1');
      const response = await session.request('/hello').end().response;
      expect(response.status).toBe(200);
      expect(response.headers['x-peer']).toBe('spdy-npm');
      expect(await response.text()).toBe('hello /hello');
    });

    // Its pushes lack FLAG_UNIDIRECTIONAL (PEERS.md); the session receives them as pushes anyway.
    it('receives a push with its request headers and response', async () => {
      const session = await pool.get(server.origin);
      const request = session.request('/push');
      const pushed = new Promise<SpdyPush>((resolve) => request.once('push', resolve));
      const response = await request.end().response;
      const push = await pushed;
      // (It names :scheme https even in plain mode, so only host and path are checked.)
      expect(push.url.host).toBe(new URL(server.origin).host);
      expect(push.url.pathname).toBe('/pushed.css');
      expect(push.associatedStreamId).toBe(request.streamId);
      expect(push.response.headers['content-type']).toBe('text/css');
      expect(await push.response.text()).toBe('body { color: red }');
      expect(await response.text()).toBe('page with push');
    });

    it('POSTs a single-write body through fetch', async () => {
      const response = await fetch(`${server.origin}/upload`, { method: 'POST', body: 'abc'.repeat(1000), pool });
      expect(response.status).toBe(200);
      expect(await response.text()).toBe(`got ${'abc'.repeat(1000)}`);
    });
  });
}

it('connect() over TLS reports the negotiated protocol of the spdy package', async () => {
  const server = await spdyPeer('tls', handler);
  try {
    const session = await connect(server.origin, { tls: { ca: testCertificate().cert }, protocols: ['spdy/3'] });
    expect(session.alpnProtocol).toBe('spdy/3');
    expect(session.version).toBe(3);
    const response = await session.request('/v3').end().response;
    expect(await response.text()).toBe('hello /v3');
    await session.close();
    expect(session.isClosed).toBe(true);
  } finally {
    await server.close();
  }
});

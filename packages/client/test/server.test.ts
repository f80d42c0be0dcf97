/**
 * The client against @spdy/server over real loopback sockets: TLS with ALPN
 * and plain TCP in each version, large bodies by hash, concurrency, push,
 * cancellation, urlfetch, and node's http/https clients through SpdyAgent.
 */

import { createHash } from 'node:crypto';
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProtocolVersion } from '@spdy/frames';
import { createServer, type ServerRequest, type ServerResponse, type SpdyServer } from '@spdy/server';
import { BaseSPDYStreamHandler, connect, fetch, SessionPool, SpdyAgent, urlfetch, type ClientSession, type SpdyPush } from '../src/index.js';
import { testCertificate } from './helpers.js';

const sha256 = (data: Uint8Array): string => createHash('sha256').update(data).digest('hex');
const pattern = (size: number, seed: number): Buffer => {
  const data = Buffer.alloc(size);
  for (let i = 0; i < size; i += 1) data[i] = (i * seed + (i >> 12)) & 0xff;
  return data;
};
const BIG = pattern(32 * 1024 * 1024, 13);


let cancelled: (path: string) => void = () => {};

function handler(req: ServerRequest, res: ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://x');
  if (url.pathname === '/big') {
    res.setHeader('content-length', BIG.length);
    // Written in pieces so the response streams under flow control.
    let offset = 0;
    const write = (): void => {
      while (offset < BIG.length) {
        const piece = BIG.subarray(offset, offset + 256 * 1024);
        offset += piece.length;
        if (!res.write(piece)) {
          res.once('drain', write);
          return;
        }
      }
      res.end();
    };
    write();
    return;
  }
  if (url.pathname === '/push') {
    const pushed = res.push('/pushed.css', { response: { 'content-type': 'text/css' } });
    pushed?.end('p { }');
    res.end('pushed one');
    return;
  }
  if (url.pathname === '/hang') {
    res.writeHead(200);
    res.write('started');
    res.on('close', () => cancelled(url.pathname));
    return;
  }
  const hash = createHash('sha256');
  let length = 0;
  req.on('data', (chunk: Buffer) => {
    hash.update(chunk);
    length += chunk.length;
  });
  req.on('end', () => {
    res.setHeader('content-type', 'text/plain');
    res.setHeader('x-method', req.method ?? '');
    res.end(`${req.method} ${req.url} ${length} ${hash.digest('hex')}`);
  });
}

interface Running {
  server: SpdyServer;
  origin: string;
  connections: number;
}

async function start(mode: 'tls' | 'plain', version: ProtocolVersion): Promise<Running> {
  const server = createServer(mode === 'tls' ? { tls: testCertificate() } : { plain: { version } }, handler);
  const running: Running = { server, origin: '', connections: 0 };
  server.netServer.on(mode === 'tls' ? 'secureConnection' : 'connection', () => (running.connections += 1));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  running.origin = `${mode === 'tls' ? 'https' : 'http'}://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return running;
}

const stop = (running: Running): Promise<void> => new Promise((resolve) => running.server.close(() => resolve()));

for (const mode of ['tls', 'plain'] as const) {
  describe.each([3.1, 3, 2] as const)(`@spdy/server over ${mode}, SPDY/%s`, (version) => {
    let running: Running;
    let session: ClientSession;
    beforeAll(async () => {
      running = await start(mode, version);
      const alpn = version === 3.1 ? 'spdy/3.1' : `spdy/${version}`;
      session = await connect(running.origin, mode === 'tls' ? { tls: { ca: testCertificate().cert }, protocols: [alpn] } : { spdy: version });
    });
    afterAll(async () => {
      session.destroy();
      await stop(running);
    });

    it('negotiates the version and GETs', async () => {
      expect(session.version).toBe(version);
      const response = await session.request('/hello?x=1').end().response;
      expect(response.status).toBe(200);
      expect(response.headers['x-method']).toBe('GET');
      expect(await response.text()).toBe(`GET /hello?x=1 0 ${sha256(new Uint8Array())}`);
    });

    it('POSTs 32 MiB and downloads 32 MiB, checked by hash', async () => {
      const upload = session.request('/upload', { method: 'POST' });
      for (let offset = 0; offset < BIG.length; offset += 1024 * 1024) {
        if (!upload.write(BIG.subarray(offset, offset + 1024 * 1024))) await new Promise((resolve) => upload.once('drain', resolve));
      }
      upload.end();
      const download = session.request('/big').end();
      const [up, down] = await Promise.all([upload.response, download.response]);
      expect(await up.text()).toBe(`POST /upload ${BIG.length} ${sha256(BIG)}`);
      expect(down.headers['content-length']).toBe(String(BIG.length));
      expect(sha256(await down.bytes())).toBe(sha256(BIG));
    });

    it('runs 500 concurrent requests', async () => {
      const texts = await Promise.all(Array.from({ length: 500 }, async (_, i) => (await session.request(`/c/${i}`).end().response).text()));
      texts.forEach((text, i) => expect(text.startsWith(`GET /c/${i} 0 `)).toBe(true));
    });

    it('receives a push', async () => {
      const request = session.request('/push');
      const push = new Promise<SpdyPush>((resolve) => request.once('push', resolve));
      request.end();
      const [response, pushed] = await Promise.all([request.response, push]);
      expect(pushed.url.pathname).toBe('/pushed.css');
      expect(pushed.response.headers['content-type']).toBe('text/css');
      expect(await pushed.response.text()).toBe('p { }');
      expect(await response.text()).toBe('pushed one');
    });

    it('cancels with an AbortSignal: the server sees its request close', async () => {
      const seen = new Promise<string>((resolve) => (cancelled = resolve));
      const controller = new AbortController();
      const request = session.request('/hang', { signal: controller.signal }).end();
      const response = await request.response;
      const first = await new Promise<Buffer>((resolve) => response.body.once('data', resolve));
      expect(first.toString()).toBe('started');
      controller.abort();
      expect(await seen).toBe('/hang');
      await expect(session.ping()).resolves.toBeGreaterThanOrEqual(0);
    });
  });
}

describe('with @spdy/server over TLS (SPDY/3.1)', () => {
  let running: Running;
  beforeAll(async () => {
    running = await start('tls', 3.1);
  });
  afterAll(() => stop(running));

  it('urlfetch runs successive same-origin URLs on one session', async () => {
    const before = running.connections;
    const events: string[] = [];
    class Handler extends BaseSPDYStreamHandler {
      body = '';
      status: number | undefined;
      headers: Array<[string, string]> = [];
      override onHeader(nv: Array<[string, string]>): void {
        this.headers.push(...nv);
      }
      override onData(data: Uint8Array): void {
        this.body += Buffer.from(data).toString();
      }
      override onClose(statusCode: number): void {
        this.status = statusCode;
        events.push(`close ${this.url}`);
      }
    }
    const urls = ['/a', '/b', '/c'].map((p) => `${running.origin}${p}`);
    const handlers = await urlfetch(urls, Handler, { tls: { ca: testCertificate().cert } });
    expect(running.connections - before).toBe(1);
    expect(handlers.map((h) => h.url)).toEqual(urls);
    expect(handlers.map((h) => h.streamId)).toEqual([1, 3, 5]);
    expect(new Set(handlers.map((h) => h.fetcher.session)).size).toBe(1);
    for (const h of handlers) {
      expect(h.status).toBe(0);
      expect(h.headers).toContainEqual([':status', '200 OK']);
      expect(h.body.startsWith(`GET ${new URL(h.url).pathname} 0 `)).toBe(true);
    }
    expect(events).toHaveLength(3);
  });

  it('urlfetch opens one session per run of same-origin URLs', async () => {
    const other = await start('tls', 3.1);
    try {
      const before = running.connections;
      const urls = [`${running.origin}/1`, `${other.origin}/2`, `${running.origin}/3`];
      const handlers = await urlfetch(urls, BaseSPDYStreamHandler, { tls: { ca: testCertificate().cert } });
      expect(handlers).toHaveLength(3);
      expect(running.connections - before).toBe(2);
      expect(other.connections).toBe(1);
    } finally {
      await stop(other);
    }
  });

  it('fetch() returns WHATWG Responses over the pooled session', async () => {
    const pool = new SessionPool({ tls: { ca: testCertificate().cert } });
    try {
      const response = await fetch(`${running.origin}/form`, { method: 'POST', body: new URLSearchParams({ q: 'spdy' }), pool });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/plain');
      expect(await response.text()).toBe(`POST /form 6 ${sha256(Buffer.from('q=spdy'))}`);
      expect(pool.protocol(running.origin)).toBe('spdy/3.1');
    } finally {
      await pool.close();
    }
  });

  it('SpdyAgent carries node:https requests (GET, chunked POST, content-length download)', async () => {
    const agent = new SpdyAgent({ tls: { ca: testCertificate().cert } });
    try {
      const get = await new Promise<{ res: http.IncomingMessage; body: string }>((resolve, reject) => {
        https
          .get(`${running.origin}/via-agent?q=1`, { agent }, (res) => {
            let body = '';
            res.setEncoding('utf8');
            res.on('data', (chunk: string) => (body += chunk));
            res.on('end', () => resolve({ res, body }));
          })
          .on('error', reject);
      });
      expect(get.res.statusCode).toBe(200);
      expect(get.res.headers['x-method']).toBe('GET');
      expect(get.body).toBe(`GET /via-agent?q=1 0 ${sha256(new Uint8Array())}`);
      expect((get.res.socket as unknown as { alpnProtocol?: string }).alpnProtocol).toBe('spdy/3.1');

      const payload = pattern(300_000, 5);
      const post = await new Promise<string>((resolve, reject) => {
        const req = https.request(`${running.origin}/agent-post`, { method: 'POST', agent }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve(Buffer.concat(chunks).toString()));
        });
        req.on('error', reject);
        req.write(payload.subarray(0, 100_000));
        req.write(payload.subarray(100_000));
        req.end();
      });
      expect(post).toBe(`POST /agent-post ${payload.length} ${sha256(payload)}`);

      const big = await new Promise<{ length: string | undefined; hash: string }>((resolve, reject) => {
        https
          .get(`${running.origin}/big`, { agent }, (res) => {
            const hash = createHash('sha256');
            res.on('data', (c: Buffer) => hash.update(c));
            res.on('end', () => resolve({ length: res.headers['content-length'], hash: hash.digest('hex') }));
          })
          .on('error', reject);
      });
      expect(big).toEqual({ length: String(BIG.length), hash: sha256(BIG) });
      expect(running.connections).toBeGreaterThan(0);
    } finally {
      agent.destroy();
    }
  });
});

it('SpdyAgent carries node:http requests over plain-TCP SPDY', async () => {
  const running = await start('plain', 3);
  const agent = new SpdyAgent({ protocol: 'http:', spdy: 3 });
  try {
    const bodies = await Promise.all(
      ['/one', '/two', '/three'].map(
        (path) =>
          new Promise<string>((resolve, reject) => {
            http
              .get(`${running.origin}${path}`, { agent }, (res) => {
                let body = '';
                res.on('data', (c: Buffer) => (body += c.toString()));
                res.on('end', () => resolve(body));
              })
              .on('error', reject);
          }),
      ),
    );
    expect(bodies.map((b) => b.split(' ').slice(0, 2).join(' '))).toEqual(['GET /one', 'GET /two', 'GET /three']);
    // Three requests, one SPDY session.
    expect(running.connections).toBe(1);
  } finally {
    agent.destroy();
    await stop(running);
  }
});

/**
 * Interop over TLS with ALPN on 127.0.0.1, the way browsers and node-spdy
 * negotiate SPDY/3.1: the version comes from the negotiated protocol name
 * (alpnToVersion), never from the bytes. A throwaway self-signed certificate
 * is made with the openssl command line for the run.
 *
 * Known peer fault (shared/PEERS.md): over TLS node-spdy hangs on anything it
 * writes in several pieces (its socket shim never completes writev on Node
 * 20), so its side here only writes single-piece responses and bodyless
 * requests.
 */

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALPN_PROTOCOLS, alpnToVersion } from '../src/index.js';
import { SocketSession, sendRequest } from './support/net.js';
import { header } from './support/peer.js';
import type { SpdyRequest, SpdyResponse } from './support/spdy-peer.js';

const require = createRequire(import.meta.url);
const spdy = require('spdy') as {
  createServer(options: object, handler: (req: SpdyRequest, res: SpdyResponse) => void): import('node:net').Server;
  createAgent(options: object): http.Agent & { close(callback: () => void): void };
};

const TIMEOUT = 10_000;
function bounded<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} did not finish within ${TIMEOUT} ms`)), TIMEOUT);
    }),
  ]);
}

let dir: string;
let key: Buffer;
let cert: Buffer;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'spdy-tls-'));
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=localhost'],
    { stdio: 'ignore', timeout: TIMEOUT },
  );
  key = readFileSync(join(dir, 'key.pem'));
  cert = readFileSync(join(dir, 'cert.pem'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('our client engine against the spdy package\'s TLS server', () => {
  let server: import('node:net').Server;
  let port: number;
  beforeAll(async () => {
    server = spdy.createServer({ key, cert }, (req, res) => {
      req.resume();
      req.on('end', () => {
        if (req.url === '/push') {
          const push = res.push('/app.js', { request: { accept: '*/*' }, response: { 'content-type': 'application/javascript' } });
          push.on('error', () => undefined);
          push.end('pushed over tls');
        }
        res.writeHead(200, { 'content-type': 'text/plain', 'x-spdy-version': String(req.spdyVersion) });
        res.end(`tls ${req.url}`);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('ALPN selects spdy/3.1; GET and push work', async () => {
    const socket = tls.connect({ host: '127.0.0.1', port, ALPNProtocols: [...ALPN_PROTOCOLS], rejectUnauthorized: false });
    await bounded(new Promise<void>((resolve, reject) => socket.once('secureConnect', resolve).once('error', reject)), 'TLS handshake');
    expect(socket.alpnProtocol).toBe('spdy/3.1');
    const version = alpnToVersion(String(socket.alpnProtocol));
    expect(version).toBe(3.1);
    const client = new SocketSession(socket, { side: 'client', version: version! });
    try {
      client.flush();
      const headers = (path: string) => ({ ':method': 'GET', ':path': path, ':version': 'HTTP/1.1', ':scheme': 'https', ':host': `localhost:${port}` });
      const res = await bounded(sendRequest(client, { headers: headers('/hello') }), 'GET');
      expect(header(res.headers, ':status')).toMatch(/^200/);
      expect(header(res.headers, 'x-spdy-version')).toBe('3.1');
      expect(res.body.toString()).toBe('tls /hello');
      const pushed = await bounded(sendRequest(client, { headers: headers('/push') }), 'push');
      expect(pushed.body.toString()).toBe('tls /push');
      expect(pushed.pushes.map((p) => [header(p.headers, ':path'), p.body.toString()])).toEqual([['/app.js', 'pushed over tls']]);
    } finally {
      client.destroy();
    }
  });
});

describe('the spdy package\'s TLS agent against our server engine', () => {
  let server: tls.Server;
  let port: number;
  const sessions: SocketSession[] = [];
  beforeAll(async () => {
    server = tls.createServer({ key, cert, ALPNProtocols: [...ALPN_PROTOCOLS] }, (socket) => {
      const version = alpnToVersion(String(socket.alpnProtocol));
      if (version === undefined) {
        socket.destroy();
        return;
      }
      const s = new SocketSession(socket, { side: 'server', version });
      sessions.push(s);
      s.session.on('requestReceived', (e) =>
        queueMicrotask(() => {
          s.session.submitResponse(e.streamId, { ':status': '200', ':version': 'HTTP/1.1', 'x-version': String(version) }, `ours over ${socket.alpnProtocol}`);
          s.flush();
        }),
      );
      s.flush();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    for (const s of sessions) s.destroy();
    await new Promise((resolve) => server.close(resolve));
  });

  it('ALPN selects spdy/3.1; GET works', async () => {
    const agent = spdy.createAgent({ host: '127.0.0.1', port, rejectUnauthorized: false });
    agent.on('error', () => undefined);
    try {
      const res = await bounded(
        new Promise<{ status: number; version: string | undefined; body: string }>((resolve, reject) => {
          const req = https.get({ host: '127.0.0.1', port, path: '/index.html', agent, rejectUnauthorized: false }, (r) => {
            let body = '';
            r.setEncoding('utf8');
            r.on('data', (c: string) => (body += c));
            r.on('end', () => resolve({ status: r.statusCode ?? 0, version: r.headers['x-version'] as string | undefined, body }));
          });
          req.on('error', reject);
        }),
        'agent GET',
      );
      expect(res).toEqual({ status: 200, version: '3.1', body: 'ours over spdy/3.1' });
    } finally {
      agent.close(() => undefined);
    }
  });
});

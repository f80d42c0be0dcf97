import { createServer as createHttpServer } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createServer } from '../src/index.js';
import { close, listen, testHandler } from './support/app.js';
import { TestClient } from './support/client.js';

describe('connections handed in by the application', () => {
  it('serves SPDY/3.1 on a socket taken over by an HTTP Upgrade', async () => {
    const spdy = createServer({}, testHandler);
    const http = createHttpServer((_req, res) => res.end('plain http'));
    http.on('upgrade', (req, socket, head) => {
      if (req.headers.upgrade !== 'SPDY/3.1') return socket.destroy();
      socket.write('HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\n\r\n');
      spdy.handleConnection(socket, { version: 3.1, head });
    });
    await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
    const port = (http.address() as AddressInfo).port;

    const socket = connect({ host: '127.0.0.1', port });
    socket.write(`GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\n\r\n`);
    // Read the 101 response; whatever follows it is already SPDY.
    const rest = await new Promise<Buffer>((resolve) => {
      let seen = Buffer.alloc(0);
      const onData = (chunk: Buffer) => {
        seen = Buffer.concat([seen, chunk]);
        const end = seen.indexOf('\r\n\r\n');
        if (end < 0) return;
        socket.off('data', onData);
        socket.pause();
        expect(seen.subarray(0, 12).toString()).toBe('HTTP/1.1 101');
        resolve(seen.subarray(end + 4));
      };
      socket.on('data', onData);
    });
    const client = TestClient.over(socket, 3.1);
    socket.resume();
    if (rest.length > 0) client.session.receive(rest);
    const res = await client.request('/hello');
    expect(res.body.toString()).toBe('hello GET 3.1');
    client.close();
    await close(spdy);
    await new Promise<void>((resolve) => http.close(() => resolve()));
  });
});

describe('limits', () => {
  it('idleTimeout: an idle session gets GOAWAY and is closed', async () => {
    const server = createServer({ plain: { version: 3 }, idleTimeout: 50 }, testHandler);
    const port = await listen(server);
    const client = await TestClient.connect(port, 3);
    expect((await client.request('/hello')).body.toString()).toBe('hello GET 3');
    await client.waitFor('goawayReceived');
    await client.closed;
    await close(server);
  });

  it('keepAliveInterval: a quiet session gets PINGs', async () => {
    const server = createServer({ plain: { version: 3.1 }, keepAliveInterval: 20 }, testHandler);
    const port = await listen(server);
    const client = await TestClient.connect(port, 3.1);
    const ping = await new Promise<boolean>((resolve) => {
      client.session.on('controlFrameReceived', (e) => e.frame.type === 'PING' && resolve(true));
    });
    expect(ping).toBe(true);
    // The client answered; the session is still serving.
    expect((await client.request('/hello')).body.toString()).toBe('hello GET 3.1');
    client.close();
    await close(server);
  });

  it('maxSessions: connections past the limit are closed unanswered', async () => {
    const server = createServer({ plain: { version: 3 }, maxSessions: 1 }, testHandler);
    const port = await listen(server);
    const first = await TestClient.connect(port, 3);
    expect((await first.request('/hello')).body.toString()).toBe('hello GET 3');
    const second = await TestClient.connect(port, 3);
    void second.request('/hello');
    await second.closed;
    expect(second.events.some((e) => e.type === 'responseReceived')).toBe(false);
    // The first session is unaffected.
    expect((await first.request('/hello')).body.toString()).toBe('hello GET 3');
    first.close();
    await close(server);
  });
});

describe('silent and slow clients', () => {
  it('a plain connection that only closes, or sends nothing in firstByteTimeout, is dropped', async () => {
    const server = createServer({ plain: { version: 3 }, firstByteTimeout: 50 }, testHandler);
    const port = await listen(server);
    const quitter = connect({ host: '127.0.0.1', port });
    quitter.on('connect', () => quitter.end());
    const silent = connect({ host: '127.0.0.1', port });
    await Promise.all([new Promise((resolve) => quitter.once('close', resolve)), new Promise((resolve) => silent.once('close', resolve))]);
    await close(server);
  });

  it("HTTP/1.1 clients get node:http's headersTimeout (408)", async () => {
    const server = createServer({ plain: { version: 3 }, http1: { headersTimeout: 100, requestTimeout: 200, connectionsCheckingInterval: 20 } }, testHandler);
    const port = await listen(server);
    const slow = connect({ host: '127.0.0.1', port });
    let answer = '';
    slow.on('data', (c: Buffer) => (answer += c.toString()));
    slow.write('GET /hello HTTP/1.1\r\nHost: x\r\n');
    await new Promise((resolve) => slow.once('close', resolve));
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
    await close(server);
  });
});

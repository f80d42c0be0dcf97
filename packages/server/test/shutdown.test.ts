import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { createServer, type RequestListener } from '../src/index.js';
import { listen } from './support/app.js';
import { TestClient } from './support/client.js';

/** A handler that holds every request until `release()`, and counts arrivals. */
function holdingHandler() {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let arrived = 0;
  let onArrival: (() => void) | undefined;
  const handler: RequestListener = async (req, res) => {
    arrived++;
    onArrival?.();
    await released;
    res.end(`done ${req.url}`);
  };
  const waitFor = (n: number) =>
    new Promise<void>((resolve) => {
      if (arrived >= n) return resolve();
      onArrival = () => {
        if (arrived >= n) resolve();
      };
    });
  return { handler, release, waitFor };
}

function http1Get(port: number, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve(body));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('graceful shutdown', () => {
  it('finishes every accepted request (SPDY and HTTP/1.1), refuses new connections, then closes', async () => {
    const { handler, release, waitFor } = holdingHandler();
    const server = createServer({ plain: { version: 3.1 } }, handler);
    const port = await listen(server);

    const a = await TestClient.connect(port, 3.1);
    const b = await TestClient.connect(port, 3.1);
    const inFlight = [
      ...Array.from({ length: 10 }, (_, i) => a.request(`/a${i}`)),
      ...Array.from({ length: 10 }, (_, i) => b.request(`/b${i}`)),
    ];
    const http1 = http1Get(port, '/h');
    await waitFor(21);

    let closed = false;
    const closing = new Promise<void>((resolve) => server.close(() => resolve())).then(() => (closed = true));

    // New connections are refused while the old ones drain.
    const refused = await new Promise<string>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port });
      socket.on('connect', () => resolve('connected'));
      socket.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'));
    });
    expect(refused).toBe('ECONNREFUSED');

    // Both sessions got GOAWAY: further requests on them are not processed.
    await Promise.all([a.waitFor('goawayReceived'), b.waitFor('goawayReceived')]);
    expect(closed).toBe(false);

    release();
    const responses = await Promise.all(inFlight);
    for (const res of responses) {
      expect(res.resetStatus).toBe(0);
      expect(res.body.toString()).toMatch(/^done \/[ab]\d$/);
    }
    expect(await http1).toBe('done /h');
    await closing;
    await Promise.all([a.closed, b.closed]);
    expect(server.sessions.size).toBe(0);
  });

  it('closes at once when nothing is in flight', async () => {
    const server = createServer({ plain: { version: 3 } }, (_req, res) => res.end('ok'));
    const port = await listen(server);
    const client = await TestClient.connect(port, 3);
    expect((await client.request('/')).body.toString()).toBe('ok');
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await client.closed;
  });
});

describe('close() on a closed server', () => {
  it('reports ERR_SERVER_NOT_RUNNING, as net.Server does', async () => {
    const server = createServer({ plain: { version: 3 } });
    await listen(server);
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const error = await new Promise<Error | undefined>((resolve) => server.close(resolve));
    expect((error as { code?: string } | undefined)?.code).toBe('ERR_SERVER_NOT_RUNNING');
  });
});

/**
 * The benchmark's replay load clients (bench/load.ts) must speak each
 * protocol well enough that a real server answers them, and must refuse to
 * report a figure when the server fails requests.
 */

import { once } from 'node:events';
import { createServer as createHttp2Server } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { h2Protocol, replayLoad, spdyProtocol } from '../bench/load.js';
import { createServer } from '../src/index.js';

const BODY = Buffer.alloc(1024, 0x61);
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

type Handler = (req: { url?: string }, res: { end(body?: Buffer): void; destroy(): void }) => void;

async function spdyServer(handler: Handler): Promise<number> {
  const server = createServer({ plain: { version: 3.1 } }, handler as never);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  closers.push(() => new Promise<void>((resolve) => void server.close(() => resolve())));
  return (server.address() as AddressInfo).port;
}

async function http2Server(handler: Handler): Promise<number> {
  const server = createHttp2Server(handler as never);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  closers.push(
    () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
      }),
  );
  return (server.address() as AddressInfo).port;
}

const answer: Handler = (_req, res) => res.end(BODY);
const options = { connections: 2, inFlight: 10, ms: 150 };

describe('replay load clients', () => {
  it('drives our SPDY/3.1 server: every completed request brought its body', async () => {
    const port = await spdyServer(answer);
    const result = await replayLoad(spdyProtocol('/'), { port, ...options });
    expect(result.requests).toBeGreaterThan(options.connections * options.inFlight);
    expect(result.bytes).toBeGreaterThanOrEqual(result.requests * BODY.length);
  });

  it('drives node:http2 over h2c', async () => {
    const port = await http2Server(answer);
    const result = await replayLoad(h2Protocol('/'), { port, ...options });
    expect(result.requests).toBeGreaterThan(options.connections * options.inFlight);
    expect(result.bytes).toBeGreaterThanOrEqual(result.requests * BODY.length);
  });

  it('reports no figure when the server resets streams', async () => {
    let served = 0;
    const port = await spdyServer((req, res) => {
      // Every tenth response is abandoned: RST_STREAM CANCEL.
      if (++served % 10 === 0) res.destroy();
      else answer(req, res);
    });
    await expect(replayLoad(spdyProtocol('/'), { port, ...options })).rejects.toThrow(/reset/);
  });
});

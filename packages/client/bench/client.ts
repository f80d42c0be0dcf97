/**
 * `pnpm bench` for @spdy/client: 1 KiB GETs per second with 100 requests in
 * flight on one connection, against the same server (@spdy/server, plain
 * SPDY/3.1, in its own process), for our client and the `spdy` package's
 * agent (driven through node:http, as its users do). Rounds alternate between
 * the clients so machine load hits both alike; the figure is the median
 * round. Prints:
 *
 *   BENCH client_requests req/s ours=<n> ours_fetch=<n> spdy=<n> ratio=<n>
 *
 * `ratio` is ours / spdy. Our client is the built package (`pnpm bench`
 * builds first). BENCH_QUICK=1 shortens the run.
 */

import { spawn } from 'node:child_process';
import * as http from 'node:http';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { connect, fetch, SessionPool, type ClientSession } from '@spdy/client';

const QUICK = process.env['BENCH_QUICK'] === '1';
const ROUNDS = QUICK ? 1 : 5;
const ROUND_MS = QUICK ? 500 : 2000;
const IN_FLIGHT = 100;

/** Keeps `IN_FLIGHT` requests going for `ms`; `one()` performs one request. Returns requests per second. */
async function measure(ms: number, one: () => Promise<void>): Promise<number> {
  const end = performance.now() + ms;
  let done = 0;
  const lane = async (): Promise<void> => {
    while (performance.now() < end) {
      await one();
      done += 1;
    }
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: IN_FLIGHT }, lane));
  return done / ((performance.now() - start) / 1000);
}

function ours(session: ClientSession): () => Promise<void> {
  return async () => {
    const response = await session.request('/').end().response;
    if ((await response.bytes()).length !== 1024) throw new Error('bad body');
  };
}

function oursFetch(origin: string, pool: SessionPool): () => Promise<void> {
  return async () => {
    const response = await fetch(`${origin}/`, { pool });
    if ((await response.arrayBuffer()).byteLength !== 1024) throw new Error('bad body');
  };
}

interface SpdyPackage {
  createAgent(options: object): http.Agent;
}

function spdyAgent(port: number, agent: http.Agent): () => Promise<void> {
  return () =>
    new Promise((resolve, reject) => {
      http
        .get({ host: '127.0.0.1', port, path: '/', agent }, (res) => {
          let length = 0;
          res.on('data', (chunk: Buffer) => (length += chunk.length));
          res.on('end', () => (length === 1024 ? resolve() : reject(new Error('bad body'))));
        })
        .on('error', reject);
    });
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./serve.ts', import.meta.url))], { stdio: ['pipe', 'pipe', 'inherit'] });
try {
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout.once('data', (chunk: Buffer) => resolve(Number(chunk.toString().trim())));
    child.once('exit', (code) => reject(new Error(`benchmark server exited (${code})`)));
  });
  const origin = `http://127.0.0.1:${port}`;
  const session = await connect(origin, { spdy: 3.1 });
  const pool = new SessionPool({ spdy: 3.1 });
  const spdy = createRequire(import.meta.url)('spdy') as SpdyPackage;
  const agent = spdy.createAgent({ host: '127.0.0.1', port, spdy: { plain: true, ssl: false, protocol: 'spdy/3.1' } });
  const clients: Array<[string, () => Promise<void>]> = [
    ['ours', ours(session)],
    ['ours_fetch', oursFetch(origin, pool)],
    ['spdy', spdyAgent(port, agent)],
  ];
  // Warm-up, then alternating rounds.
  for (const [, one] of clients) await measure(QUICK ? 200 : 1000, one);
  const results = new Map<string, number[]>(clients.map(([name]) => [name, []]));
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const [name, one] of clients) results.get(name)!.push(await measure(ROUND_MS, one));
  }
  const figure = (name: string): number => Math.round(median(results.get(name)!));
  const line = `BENCH client_requests req/s ours=${figure('ours')} ours_fetch=${figure('ours_fetch')} spdy=${figure('spdy')} ratio=${(figure('ours') / figure('spdy')).toFixed(2)}`;
  console.log(line);
  session.destroy();
  pool.destroy();
  agent.destroy();
} finally {
  child.stdin.end();
}

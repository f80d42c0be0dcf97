/**
 * `pnpm bench` for @spdy/session: two sessions wired in memory, ours and
 * spdy-transport's, measured in the same run in alternating rounds (so drift
 * in machine load hits both alike), after a warm-up; the figure is the
 * median round. Prints:
 *
 *   BENCH session_requests req/s ours=<n> spdy-transport=<n> ratio=<n>
 *   BENCH session_bulk MB/s ours=<n> spdy-transport=<n> ratio=<n>
 *
 * session_requests: 1 KiB GET responses per second, 100 streams in flight,
 * one connection. session_bulk: one 100 MiB response, MB = 10^6 bytes.
 * BENCH_QUICK=1 shortens the run while developing.
 */

import { oursBulk, oursRequests } from './ours.js';
import { transportBulk, transportRequests } from './spdy-transport.js';

const QUICK = process.env['BENCH_QUICK'] === '1';
const ROUNDS = QUICK ? 1 : 3;
const IN_FLIGHT = 100;
const BODY = new Uint8Array(1024).fill(0x61);
const BULK_TOTAL = 100 * 1024 * 1024;
/** spdy-transport is written to in 64 KiB pieces; our provider hands out slices of the same buffer. */
const BULK_CHUNK = new Uint8Array(64 * 1024).fill(0x62);

/** Runs `work` once and returns its units per second. */
async function rate(work: () => number | Promise<number>): Promise<number> {
  const start = performance.now();
  const units = await work();
  return (units * 1000) / (performance.now() - start);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function format(n: number): string {
  return n >= 100 ? String(Math.round(n)) : n.toPrecision(3);
}

async function runCase(
  name: string,
  unit: string,
  ours: () => number | Promise<number>,
  peer: () => number | Promise<number>,
  scale = 1,
): Promise<void> {
  await rate(ours);
  await rate(peer);
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    a.push((await rate(ours)) * scale);
    b.push((await rate(peer)) * scale);
  }
  const o = median(a);
  const p = median(b);
  console.log(`BENCH ${name} ${unit} ours=${format(o)} spdy-transport=${format(p)} ratio=${(o / p).toFixed(2)}`);
}

// Each round does a fixed amount of work sized to take about a second on either side.
const OUR_REQUESTS = QUICK ? 20_000 : 200_000;
const PEER_REQUESTS = QUICK ? 5_000 : 20_000;

await runCase(
  'session_requests',
  'req/s',
  () => oursRequests(OUR_REQUESTS, IN_FLIGHT, BODY),
  () => transportRequests(PEER_REQUESTS, IN_FLIGHT, Buffer.from(BODY)),
);
await runCase(
  'session_bulk',
  'MB/s',
  () => oursBulk(BULK_TOTAL, BULK_CHUNK),
  () => transportBulk(BULK_TOTAL, Buffer.from(BULK_CHUNK)),
  1e-6,
);
// spdy-transport leaves its connections' streams and zlib handles open: end the process explicitly.
process.exit(0);

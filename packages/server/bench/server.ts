/**
 * `pnpm bench` for @spdy/server. Each server runs in its own process. The
 * request load comes from replay clients (bench/load.ts: pre-encoded request
 * frames, responses framed but never decompressed), one for SPDY/3.1 and one
 * built the same way for HTTP/2, so the load client costs little CPU and the
 * same for every server: our server, the `spdy` package's and node:http2's
 * (h2c, nghttp2 in C) face equal clients. node:https (HTTP/1.1 keep-alive,
 * one request per socket at a time, node's own client) is a reference line.
 * The figure is the median of alternating rounds. Prints:
 *
 *   BENCH server_requests_<n>conn req/s ours=<n> spdy=<n> ratio=<n> http2=<n> vs_http2=<n> https=<n>
 *   BENCH server_bulk MB/s ours=<n> spdy=<n> ratio=<n>
 *   BENCH server_cluster req/s workers1=<n> workers<N>=<n> scaling=<n>
 *
 * server_requests: 1 KiB GETs, 100 streams in flight per connection, on 1 and
 * 4 connections, plain SPDY/3.1; vs_http2 = ours / http2. server_bulk: one
 * 100 MiB download (MB = 10^6) through a client Session of @spdy/session.
 * server_cluster: ours under startCluster with 1 worker and with N =
 * os.availableParallelism() workers sharing the port, the 4-connection
 * load; scaling = workersN / workers1. The load client shares the machine's
 * cores with the workers (on 2 cores, what it uses is taken from the second
 * worker), so the scaling understates what a separate load machine shows.
 * BENCH_QUICK=1 shortens the run.
 */

import { Session } from '@spdy/session';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request as httpsRequest } from 'node:https';
import { connect, type Socket } from 'node:net';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { h2Protocol, replayLoad, spdyProtocol, type Protocol } from './load.js';

const QUICK = process.env['BENCH_QUICK'] === '1';
const ROUNDS = QUICK ? 1 : 3;
const ROUND_MS = QUICK ? 500 : 2000;
const IN_FLIGHT = 100;
const BULK_SIZE = 100 * 1024 * 1024;
const REQUEST = { ':method': 'GET', ':version': 'HTTP/1.1', ':scheme': 'http', ':host': 'bench' };

interface Running {
  port: number;
  child: ChildProcess;
}

async function startServer(kind: string, certDir: string): Promise<Running> {
  const script = fileURLToPath(new URL('./serve.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script, kind, certDir], { stdio: ['pipe', 'pipe', 'inherit'] });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.once('data', (c: Buffer) => resolve(Number(c.toString().trim())));
    child.once('exit', (code) => reject(new Error(`${kind} server exited (${code})`)));
  });
  return { port, child };
}

/** A SPDY/3.1 client connection through a client Session of @spdy/session (for the bulk download). */
async function spdyConnection(port: number): Promise<{ session: Session; socket: Socket; flush: () => void }> {
  const socket = connect({ host: '127.0.0.1', port });
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  socket.setNoDelay(true);
  const session = new Session({ side: 'client', version: 3.1, initialWindowSize: 1 << 24, sessionWindowSize: 1 << 24 });
  const flush = (): void => {
    for (let bytes = session.pull(); bytes !== undefined; bytes = session.pull()) socket.write(bytes);
  };
  socket.on('data', (chunk: Buffer) => {
    session.receive(chunk);
    flush();
  });
  socket.on('error', () => {});
  return { session, socket, flush };
}

/** Requests per second of the replay client for `protocol` over `connections` connections, for ROUND_MS. */
async function replayRequests(protocol: Protocol, port: number, connections: number): Promise<number> {
  const { rate, requests, bytes } = await replayLoad(protocol, { port, connections, inFlight: IN_FLIGHT, ms: ROUND_MS });
  // Every completed request must have brought its 1 KiB body.
  if (requests === 0 || bytes < requests * 1024) throw new Error(`requests: ${requests} done but ${bytes} bytes received`);
  return rate;
}

/** MB/s of one 100 MiB download over SPDY/3.1. */
async function spdyBulk(port: number): Promise<number> {
  const { session, socket, flush } = await spdyConnection(port);
  let received = 0;
  const begin = performance.now();
  await new Promise<void>((resolve) => {
    session.on('dataChunkReceived', (e) => (received += e.data.length));
    session.on('streamClosed', () => resolve());
    session.submitRequest({ headers: { ...REQUEST, ':path': '/bulk' } });
    flush();
  });
  const seconds = (performance.now() - begin) / 1000;
  socket.destroy();
  if (received !== BULK_SIZE) throw new Error(`bulk: received ${received} bytes`);
  return received / 1e6 / seconds;
}

async function httpsRequests(port: number, connections: number): Promise<number> {
  // HTTP/1.1 has no multiplexing: as many sockets as requests in flight.
  const agent = new Agent({ keepAlive: true, maxSockets: IN_FLIGHT * connections, rejectUnauthorized: false });
  let done = 0;
  let running = true;
  const start = (): void => {
    const req = httpsRequest({ host: '127.0.0.1', port, path: '/', agent }, (res) => {
      res.on('data', () => {});
      res.on('end', () => {
        done++;
        if (running) start();
      });
    });
    req.on('error', () => {});
    req.end();
  };
  for (let i = 0; i < IN_FLIGHT * connections; i++) start();
  const begin = performance.now();
  await new Promise((resolve) => setTimeout(resolve, ROUND_MS));
  running = false;
  const rate = (done * 1000) / (performance.now() - begin);
  agent.destroy();
  return rate;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const format = (n: number): string => (n >= 100 ? String(Math.round(n)) : n.toPrecision(3));

/** Most warm-up rounds per contender. */
const MAX_WARMUPS = 6;

/**
 * Warm-up rounds until two in a row agree within 10% (V8 optimises each
 * server process on its own, and a cluster's workers each see part of the
 * load, so they take longer), then alternating rounds of each contender;
 * medians.
 */
async function measure(contenders: Record<string, () => Promise<number>>): Promise<Record<string, number>> {
  const runs: Record<string, number[]> = {};
  for (const [name, run] of Object.entries(contenders)) {
    let last = await run();
    for (let i = 1; i < (QUICK ? 1 : MAX_WARMUPS); i++) {
      const rate = await run();
      const settled = Math.abs(rate - last) <= 0.1 * Math.max(rate, last);
      last = rate;
      if (settled) break;
    }
    runs[name] = [];
  }
  for (let i = 0; i < ROUNDS; i++) for (const [name, run] of Object.entries(contenders)) runs[name]!.push(await run());
  return Object.fromEntries(Object.entries(runs).map(([name, values]) => [name, median(values)]));
}

const CLUSTER_WORKERS = availableParallelism();

const certDir = mkdtempSync(join(tmpdir(), 'spdy-bench-'));
execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', join(certDir, 'key.pem'), '-out', join(certDir, 'cert.pem'), '-days', '1', '-subj', '/CN=localhost'], { stdio: 'ignore' });
const servers = {
  ours: await startServer('ours', certDir),
  spdy: await startServer('spdy', certDir),
  http2: await startServer('http2', certDir),
  https: await startServer('https', certDir),
  cluster1: await startServer('cluster:1', certDir),
  clusterN: await startServer(`cluster:${CLUSTER_WORKERS}`, certDir),
};
const spdy = spdyProtocol('/');
const h2 = h2Protocol('/');
try {
  for (const connections of [1, 4]) {
    const r = await measure({
      ours: () => replayRequests(spdy, servers.ours.port, connections),
      spdy: () => replayRequests(spdy, servers.spdy.port, connections),
      http2: () => replayRequests(h2, servers.http2.port, connections),
      https: () => httpsRequests(servers.https.port, connections),
    });
    console.log(
      `BENCH server_requests_${connections}conn req/s ours=${format(r['ours']!)} spdy=${format(r['spdy']!)} ratio=${(r['ours']! / r['spdy']!).toFixed(2)} http2=${format(r['http2']!)} vs_http2=${(r['ours']! / r['http2']!).toFixed(2)} https=${format(r['https']!)}`,
    );
  }
  const bulk = await measure({ ours: () => spdyBulk(servers.ours.port), spdy: () => spdyBulk(servers.spdy.port) });
  console.log(`BENCH server_bulk MB/s ours=${format(bulk['ours']!)} spdy=${format(bulk['spdy']!)} ratio=${(bulk['ours']! / bulk['spdy']!).toFixed(2)}`);
  const cluster = await measure({
    one: () => replayRequests(spdy, servers.cluster1.port, 4),
    n: () => replayRequests(spdy, servers.clusterN.port, 4),
  });
  console.log(
    `BENCH server_cluster req/s workers1=${format(cluster['one']!)} workers${CLUSTER_WORKERS}=${format(cluster['n']!)} scaling=${(cluster['n']! / cluster['one']!).toFixed(2)}`,
  );
} finally {
  for (const { child } of Object.values(servers)) child.stdin!.end();
  rmSync(certDir, { recursive: true, force: true });
}

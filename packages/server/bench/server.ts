/**
 * `pnpm bench` for @spdy/server. Each server runs in its own process; one
 * load client (a client Session of @spdy/session over TCP, the same for our
 * server and the `spdy` package's) drives it. node:http2 (h2c) and node:https
 * (HTTP/1.1 keep-alive, one request per socket at a time) are reference lines.
 * The figure is the median of alternating rounds. Prints:
 *
 *   BENCH server_requests_<n>conn req/s ours=<n> spdy=<n> ratio=<n> http2=<n> https=<n>
 *   BENCH server_bulk MB/s ours=<n> spdy=<n> ratio=<n>
 *   BENCH server_cluster req/s workers1=<n> workers<N>=<n> scaling=<n>
 *
 * server_requests: 1 KiB GETs, 100 streams in flight per connection, on 1 and
 * 4 connections, plain SPDY/3.1. server_bulk: one 100 MiB download (MB = 10^6).
 * server_cluster: ours under startCluster with 1 worker and with N =
 * os.availableParallelism() workers sharing the port, the 4-connection
 * server_requests load; scaling = workersN / workers1. The load client runs on
 * the same machine and competes with the workers for its cores (on a 2-core
 * machine, one core's worth at most), so the scaling understates what separate
 * load machines would show.
 * BENCH_QUICK=1 shortens the run.
 */

import { Session } from '@spdy/session';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect as http2Connect } from 'node:http2';
import { Agent, request as httpsRequest } from 'node:https';
import { connect, type Socket } from 'node:net';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

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

/** A SPDY/3.1 client connection that keeps `inFlight` GETs of `path` going; counts completions. */
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

/** Requests per second over `connections` SPDY connections, for ROUND_MS. */
async function spdyRequests(port: number, connections: number): Promise<number> {
  const conns = await Promise.all(Array.from({ length: connections }, () => spdyConnection(port)));
  let done = 0;
  let bytes = 0;
  let running = true;
  for (const { session, flush } of conns) {
    session.on('dataChunkReceived', (e) => (bytes += e.data.length));
    const start = (): void => {
      session.submitRequest({ headers: { ...REQUEST, ':path': '/' } });
    };
    session.on('streamClosed', (e) => {
      if (e.status === 0) done++;
      if (running && !session.isClosed) start();
    });
    for (let i = 0; i < IN_FLIGHT; i++) start();
    flush();
  }
  const begin = performance.now();
  await new Promise((resolve) => setTimeout(resolve, ROUND_MS));
  running = false;
  const rate = (done * 1000) / (performance.now() - begin);
  for (const { socket } of conns) socket.destroy();
  // Every completed request must have brought its 1 KiB body (and no request fails silently).
  if (done === 0 || bytes < done * 1024) throw new Error(`requests: ${done} done but ${bytes} bytes received`);
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

async function http2Requests(port: number, connections: number): Promise<number> {
  let done = 0;
  let running = true;
  const sessions = Array.from({ length: connections }, () => http2Connect(`http://127.0.0.1:${port}`));
  for (const session of sessions) {
    const start = (): void => {
      const req = session.request({ ':path': '/' });
      req.on('data', () => {});
      req.on('end', () => {
        done++;
        if (running) start();
      });
      req.on('error', () => {});
      req.end();
    };
    for (let i = 0; i < IN_FLIGHT; i++) start();
  }
  const begin = performance.now();
  await new Promise((resolve) => setTimeout(resolve, ROUND_MS));
  running = false;
  const rate = (done * 1000) / (performance.now() - begin);
  for (const session of sessions) session.destroy();
  return rate;
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

/** Alternating rounds of each contender, after one warm-up round each; medians. */
async function measure(contenders: Record<string, () => Promise<number>>): Promise<Record<string, number>> {
  const runs: Record<string, number[]> = {};
  for (const [name, run] of Object.entries(contenders)) {
    await run();
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
try {
  for (const connections of [1, 4]) {
    const r = await measure({
      ours: () => spdyRequests(servers.ours.port, connections),
      spdy: () => spdyRequests(servers.spdy.port, connections),
      http2: () => http2Requests(servers.http2.port, connections),
      https: () => httpsRequests(servers.https.port, connections),
    });
    console.log(
      `BENCH server_requests_${connections}conn req/s ours=${format(r['ours']!)} spdy=${format(r['spdy']!)} ratio=${(r['ours']! / r['spdy']!).toFixed(2)} http2=${format(r['http2']!)} https=${format(r['https']!)}`,
    );
  }
  const bulk = await measure({ ours: () => spdyBulk(servers.ours.port), spdy: () => spdyBulk(servers.spdy.port) });
  console.log(`BENCH server_bulk MB/s ours=${format(bulk['ours']!)} spdy=${format(bulk['spdy']!)} ratio=${(bulk['ours']! / bulk['spdy']!).toFixed(2)}`);
  const cluster = await measure({ one: () => spdyRequests(servers.cluster1.port, 4), n: () => spdyRequests(servers.clusterN.port, 4) });
  console.log(
    `BENCH server_cluster req/s workers1=${format(cluster['one']!)} workers${CLUSTER_WORKERS}=${format(cluster['n']!)} scaling=${(cluster['n']! / cluster['one']!).toFixed(2)}`,
  );
} finally {
  for (const { child } of Object.values(servers)) child.stdin!.end();
  rmSync(certDir, { recursive: true, force: true });
}

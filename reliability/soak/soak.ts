/**
 * Soak: many connections and streams against @spdy/server for a bounded
 * time, then a verdict on whether the server's memory stayed flat.
 *
 *   pnpm soak [--minutes 10] [--connections 20] [--max-requests 5000000] [--sample-seconds 30]
 *
 * The servers (SPDY/2, 3 and 3.1 over plain TCP on 127.0.0.1) run in a child
 * process started with --expose-gc; this process is the load. Each of
 * `connections` workers loops: open a session (versions in turn), run a
 * batch of requests on it a few at a time (GETs of various sizes, uploads,
 * pages with two pushes, downloads cancelled midway by AbortSignal or by
 * destroying the body), then close it gracefully, or now and then destroy
 * its socket abruptly, and open the next.
 *
 * Phases: warm-up (load for a tenth of the time, at most 60 s), idle sample
 * "before"; load for the rest of the time with a sample every
 * `sample-seconds`; idle sample "after" once every session has closed.
 *
 * Flat means all of:
 * - idle heap after <= idle heap before + max(5 %, 2 MiB) (after forced gc);
 * - under load, the median gc'd heap of the last third of the samples <=
 *   that of the first third + max(10 %, 4 MiB);
 * - after the load, no session and no stream left in the server's tables,
 *   active handles and timers back to what they were before, and the
 *   servers' listener counts unchanged.
 */

import { connect, type ClientSession } from '@spdy/client';
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import type { ChildMessage, ParentMessage, Sample } from './server.js';

const MiB = 1024 * 1024;
const GET_SIZES = [0, 100, 1024, 16 * 1024, 64 * 1024, 256 * 1024, 1024 * 1024] as const;
const UPLOAD_SIZES = [1024, 64 * 1024, 512 * 1024] as const;
const UPLOAD = Buffer.alloc(512 * 1024, 'upload ');
/** Requests in flight per session. */
const CONCURRENCY = 4;
/** Requests per session before it is closed and a new one opened: 10 to 200. */
const MIN_BATCH = 10;
const MAX_BATCH = 200;
/** Share of sessions whose socket is destroyed instead of closed. */
const ABRUPT_SHARE = 0.03;
/** A request not over after this long counts as hung. */
const HUNG_MS = 60_000;

const { values: args } = parseArgs({
  // `pnpm soak -- --minutes 2` passes the `--` along: skip it, as the fuzz CLI does.
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
  options: {
    minutes: { type: 'string', default: '10' },
    connections: { type: 'string', default: '20' },
    'max-requests': { type: 'string', default: '5000000' },
    'sample-seconds': { type: 'string', default: '30' },
  },
});
const minutes = Number(args.minutes);
const connections = Number(args.connections);
const maxRequests = Number(args['max-requests']);
const sampleSeconds = Number(args['sample-seconds']);
if (!(minutes > 0) || !Number.isInteger(connections) || connections < 1 || !Number.isInteger(maxRequests) || maxRequests < 1 || !(sampleSeconds > 0)) {
  console.error('usage: soak [--minutes N>0] [--connections N>=1] [--max-requests N>=1] [--sample-seconds N>0]');
  process.exit(2);
}

/** What the load did, as the clients saw it. */
const stats = {
  requests: 0,
  gets: 0,
  uploads: 0,
  pushesReceived: 0,
  cancelledBySignal: 0,
  cancelledByBodyDestroy: 0,
  sessions: 0,
  abruptDestroys: 0,
  failed: 0,
  unexpected: 0,
  hung: 0,
};

// ---------------------------------------------------------------- server child

const child: ChildProcess = fork(fileURLToPath(new URL('./server.ts', import.meta.url)), [], {
  execArgv: [...process.execArgv, '--expose-gc'],
  stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
});
const waiters: Array<(message: ChildMessage) => void> = [];
/** The end was reached: the child's exit is expected. */
let stopping = false;
child.on('message', (message: ChildMessage) => waiters.shift()?.(message));
child.on('exit', (code) => {
  if (!stopping) {
    console.error(`soak: the server child exited (${code}) before the end`);
    process.exit(1);
  }
});

function ask(message: ParentMessage | undefined): Promise<ChildMessage> {
  return new Promise((resolve) => {
    waiters.push(resolve);
    if (message !== undefined) child.send(message);
  });
}

async function sample(): Promise<Sample> {
  const answer = await ask({ type: 'sample' });
  if (answer.type !== 'sample') throw new Error(`unexpected answer ${answer.type}`);
  return answer.sample;
}

// ---------------------------------------------------------------- load

const pick = <T>(list: readonly T[]): T => list[Math.floor(Math.random() * list.length)] as T;

/**
 * Resolves on 'drain' or on 'close': a request failed by its session is
 * destroyed, and a destroyed Writable never drains (Node's stream rules), so
 * a writer waiting for 'drain' alone would wait forever.
 */
function drainOrClose(stream: Writable): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      stream.off('drain', done);
      stream.off('close', done);
      resolve();
    };
    stream.on('drain', done);
    stream.on('close', done);
  });
}

/** One request of a random kind; resolves when it is over, whatever happened. */
async function oneRequest(session: ClientSession): Promise<void> {
  stats.requests += 1;
  const roll = Math.random();
  // Nothing here may hang; one that takes this long is reported (and fails the verdict).
  const watchdog = setTimeout(() => {
    stats.hung += 1;
    console.error(`soak: t=${((Date.now() - startedAt) / 1000).toFixed(0)}s a request (roll ${roll.toFixed(2)}) has not finished after ${HUNG_MS} ms`);
  }, HUNG_MS);
  try {
    await requestOfKind(session, roll);
  } finally {
    clearTimeout(watchdog);
  }
}

async function requestOfKind(session: ClientSession, roll: number): Promise<void> {
  if (roll < 0.55) {
    stats.gets += 1;
    const response = await session.request(`/bytes?n=${pick(GET_SIZES)}`).end().response;
    await response.bytes();
  } else if (roll < 0.7) {
    stats.uploads += 1;
    const size = pick(UPLOAD_SIZES);
    const upload = session.request('/upload', { method: 'POST', headers: { 'content-type': 'application/octet-stream' } });
    // Streamed in 16 KiB writes, so flow control and backpressure take part.
    for (let offset = 0; offset < size; offset += 16384) {
      if (upload.destroyed) break;
      if (!upload.write(UPLOAD.subarray(offset, Math.min(size, offset + 16384)))) await drainOrClose(upload);
    }
    upload.end();
    const answer = await (await upload.response).text();
    if (answer !== String(size)) throw new Error(`upload of ${size} answered ${answer}`);
  } else if (roll < 0.82) {
    const page = session.request('/push');
    const pushed: Array<Promise<unknown>> = [];
    page.on('push', (push) => {
      stats.pushesReceived += 1;
      pushed.push(push.response.bytes().catch(() => undefined));
    });
    await (await page.end().response).text();
    await Promise.all(pushed);
  } else if (roll < 0.91) {
    // Cancelled by AbortSignal once the first body bytes have arrived.
    stats.cancelledBySignal += 1;
    const controller = new AbortController();
    const response = await session.request('/slow?n=2097152', { signal: controller.signal }).end().response;
    // The abort errors the body with the signal's reason: expected here.
    response.body.on('error', () => {});
    response.body.once('data', () => controller.abort());
    await new Promise((resolve) => response.body.once('close', resolve));
  } else {
    // Cancelled by destroying the body midway (RST_STREAM CANCEL).
    stats.cancelledByBodyDestroy += 1;
    const response = await session.request('/slow?n=1048576').end().response;
    response.body.on('error', () => {});
    response.body.once('data', () => response.body.destroy());
    await once(response.body, 'close');
  }
}

let ports: Record<string, number> = {};
const startedAt = Date.now();
/** Stalls of this (load) process: a stalled load process also looks like hung requests. */
const loopDelay = monitorEventLoopDelay({ resolution: 20 });
loopDelay.enable();
const VERSIONS = ['2', '3', '3.1'] as const;

async function worker(index: number, deadline: number): Promise<void> {
  let round = index;
  while (Date.now() < deadline && stats.requests < maxRequests) {
    const version = VERSIONS[round % VERSIONS.length] as (typeof VERSIONS)[number];
    round += 1;
    const session = await connect(`http://127.0.0.1:${ports[version]}`, { spdy: Number(version) as 2 | 3 | 3.1 });
    stats.sessions += 1;
    const batch = MIN_BATCH + Math.floor(Math.random() * (MAX_BATCH - MIN_BATCH + 1));
    const abrupt = Math.random() < ABRUPT_SHARE;
    let started = 0;
    const lane = async (): Promise<void> => {
      while (started < batch && Date.now() < deadline && stats.requests < maxRequests) {
        started += 1;
        if (abrupt && started === batch >> 1) {
          // Kill the connection under the streams in flight: they must fail, not hang.
          stats.abruptDestroys += 1;
          session.socket.destroy();
        }
        try {
          await oneRequest(session);
        } catch (error) {
          stats.failed += 1;
          const code = (error as { code?: string; name?: string }).code ?? (error as { name?: string }).name;
          // Expected failures: streams on a destroyed connection, aborts.
          if (!abrupt && code !== 'AbortError') {
            stats.unexpected += 1;
            if (stats.unexpected <= 5) console.error('soak: unexpected failure', error);
          }
          if (session.isClosed) return;
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, lane));
    if (!session.isClosed) await session.close();
  }
}

async function load(ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  await Promise.all(Array.from({ length: connections }, (_, i) => worker(i, deadline)));
}

/**
 * Waits until the server has no session left and its connection handles and
 * timers are back to `baseline` (a closed session may keep its socket a few
 * seconds, until the peer's FIN). Bounded: 30 s.
 */
async function settle(baseline: Sample): Promise<Sample> {
  for (let i = 0; i < 60; i += 1) {
    const s = await sample();
    if (s.sessions === 0 && s.streams === 0 && TRANSIENT.every((kind) => (s.resources[kind] ?? 0) <= (baseline.resources[kind] ?? 0))) return s;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return sample();
}

// ---------------------------------------------------------------- report

const mib = (bytes: number): string => (bytes / MiB).toFixed(2);
const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};
/** Handles that belong to connections and timers, which must all be gone when idle. */
const TRANSIENT = ['TCPSocketWrap', 'TCPWRAP', 'Timeout', 'TTYWrap', 'PipeWrap', 'Immediate'];

function line(label: string, s: Sample): string {
  const resources = Object.entries(s.resources)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  return `${label.padEnd(8)} t=${(s.at / 1000).toFixed(0)}s heap=${mib(s.heapUsed)}MiB total=${mib(s.heapTotal)}MiB ext=${mib(s.external)}MiB rss=${mib(s.rss)}MiB sessions=${s.sessions} streams=${s.streams} listeners=${s.listeners} handles[${resources}] requests=${s.counters.requests}`;
}

async function main(): Promise<void> {
  const ready = await ask(undefined);
  if (ready.type !== 'ready') throw new Error('the server child did not start');
  ports = ready.ports;
  const total = minutes * 60_000;
  const warmup = Math.min(60_000, total / 10);
  const started = startedAt;
  console.log(`soak: ${minutes} min, ${connections} connections, max ${maxRequests} requests, servers on 127.0.0.1 ports ${JSON.stringify(ports)}`);

  const start = await sample();
  console.log(line('start', start));
  await load(warmup);
  const before = await settle(start);
  console.log(line('before', before));

  const underLoad: Sample[] = [];
  const end = started + total;
  const sampler = setInterval(() => {
    void sample().then((s) => {
      underLoad.push(s);
      console.log(line('load', s));
    });
  }, sampleSeconds * 1000);
  await load(Math.max(0, end - Date.now()));
  clearInterval(sampler);
  const after = await settle(start);
  console.log(line('after', after));
  const elapsed = (Date.now() - started) / 1000;

  // ---- verdict
  const checks: Array<[string, boolean]> = [];
  const idleGrowth = after.heapUsed - before.heapUsed;
  checks.push([`idle heap growth ${mib(idleGrowth)} MiB <= max(5 %, 2 MiB)`, idleGrowth <= Math.max(0.05 * before.heapUsed, 2 * MiB)]);
  if (underLoad.length >= 3) {
    const third = Math.max(1, Math.floor(underLoad.length / 3));
    const first = median(underLoad.slice(0, third).map((s) => s.heapUsed));
    const last = median(underLoad.slice(-third).map((s) => s.heapUsed));
    checks.push([
      `under load: median heap of the last third ${mib(last)} MiB vs first third ${mib(first)} MiB <= +max(10 %, 4 MiB)`,
      last - first <= Math.max(0.1 * first, 4 * MiB),
    ]);
  } else {
    console.log('soak: fewer than 3 samples under load: no trend check (run longer or lower --sample-seconds)');
  }
  checks.push([`server tables empty after the load (sessions=${after.sessions}, streams=${after.streams})`, after.sessions === 0 && after.streams === 0]);
  for (const kind of TRANSIENT) {
    const was = before.resources[kind] ?? 0;
    const now = after.resources[kind] ?? 0;
    if (was > 0 || now > 0) checks.push([`${kind} handles ${now} <= ${was} before`, now <= was]);
  }
  checks.push([`server listeners ${after.listeners} = ${before.listeners} before`, after.listeners === before.listeners]);
  checks.push([`no unexpected request failure (${stats.unexpected})`, stats.unexpected === 0]);
  checks.push([`no hung request (${stats.hung})`, stats.hung === 0]);

  const c = after.counters;
  console.log('');
  console.log(`SOAK duration=${elapsed.toFixed(0)}s connections=${connections} sessions=${stats.sessions} abrupt_destroys=${stats.abruptDestroys}`);
  console.log(
    `SOAK client requests=${stats.requests} gets=${stats.gets} uploads=${stats.uploads} pushes_received=${stats.pushesReceived} cancelled_signal=${stats.cancelledBySignal} cancelled_body=${stats.cancelledByBodyDestroy} failed=${stats.failed} unexpected=${stats.unexpected} hung=${stats.hung}`,
  );
  console.log(
    `SOAK server requests=${c.requests} uploads=${c.uploads} uploaded=${mib(c.uploadedBytes)}MiB pushes=${c.pushes} aborted=${c.aborted} sessions=${c.sessionsOpened} session_errors=${c.sessionErrors}`,
  );
  console.log(`SOAK heap before=${mib(before.heapUsed)}MiB after=${mib(after.heapUsed)}MiB growth=${mib(idleGrowth)}MiB (idle, after gc); rss before=${mib(before.rss)}MiB after=${mib(after.rss)}MiB`);
  if (underLoad.length > 0) {
    const heaps = underLoad.map((s) => s.heapUsed);
    console.log(`SOAK heap under load: min=${mib(Math.min(...heaps))}MiB max=${mib(Math.max(...heaps))}MiB samples=${underLoad.length}`);
  }
  console.log(`SOAK longest event-loop stall: server ${after.maxLoopDelayMs} ms, load ${Math.round(loopDelay.max / 1e6)} ms`);
  for (const [what, ok] of checks) console.log(`  ${ok ? 'ok  ' : 'FAIL'} ${what}`);
  const flat = checks.every(([, ok]) => ok);
  console.log(`SOAK verdict: ${flat ? 'FLAT' : 'NOT FLAT'}`);

  stopping = true;
  await ask({ type: 'stop' });
  process.exitCode = flat ? 0 : 1;
}

main().catch((error: unknown) => {
  console.error('soak: failed', error);
  stopping = true;
  child.kill();
  process.exitCode = 1;
});

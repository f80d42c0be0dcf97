/**
 * The server side of the soak: one @spdy/server per SPDY version (plain TCP
 * on 127.0.0.1), run in a child process started with --expose-gc so that
 * its heap can be measured after a full collection, apart from the load.
 *
 * The parent talks to it over the IPC channel: 'sample' answers a Sample
 * (after two forced collections), 'stop' closes the servers and exits.
 */

import { createServer, type SpdyServer } from '@spdy/server';
import type { AddressInfo } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { ServerRequest, ServerResponse } from '@spdy/server';

export interface Sample {
  /** Milliseconds since the child started. */
  at: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
  rss: number;
  /** Open SPDY sessions over all servers. */
  sessions: number;
  /** Streams open in those sessions (the server's stream tables). */
  streams: number;
  /** process.getActiveResourcesInfo(), counted by kind (Timeout, TCPSocketWrap, ...). */
  resources: Record<string, number>;
  /** Listeners on the servers and their net servers, summed over event names. */
  listeners: number;
  /** Longest event-loop stall of the server process so far, in ms (a stalled server looks like hung requests). */
  maxLoopDelayMs: number;
  counters: Counters;
}

export interface Counters {
  requests: number;
  gets: number;
  uploads: number;
  uploadedBytes: number;
  pushes: number;
  /** Requests whose stream was reset or whose connection died before the response ended. */
  aborted: number;
  sessionsOpened: number;
  sessionErrors: number;
}

export type ParentMessage = { type: 'sample' } | { type: 'stop' };
export type ChildMessage = { type: 'ready'; ports: Record<string, number> } | { type: 'sample'; sample: Sample } | { type: 'stopped' };

/** Response payloads are slices of one buffer: the soak measures the server, not payload churn. */
const PAYLOAD = Buffer.alloc(4 * 1024 * 1024, 'spdy soak ');
const SLOW_CHUNK = 16 * 1024;
const SLOW_DELAY_MS = 5;

const counters: Counters = { requests: 0, gets: 0, uploads: 0, uploadedBytes: 0, pushes: 0, aborted: 0, sessionsOpened: 0, sessionErrors: 0 };

function sizeOf(url: string): number {
  const n = Number(new URL(url, 'http://x').searchParams.get('n') ?? '0');
  return Number.isInteger(n) && n >= 0 ? Math.min(n, PAYLOAD.length) : 0;
}

function handler(req: ServerRequest, res: ServerResponse): void {
  counters.requests += 1;
  res.on('close', () => {
    if (!res.writableFinished) counters.aborted += 1;
  });
  const path = (req.url ?? '/').split('?')[0];
  switch (path) {
    case '/bytes':
      counters.gets += 1;
      res.setHeader('content-type', 'application/octet-stream');
      res.end(PAYLOAD.subarray(0, sizeOf(req.url ?? '')));
      return;
    case '/upload': {
      counters.uploads += 1;
      let bytes = 0;
      req.on('data', (chunk: Buffer) => (bytes += chunk.length));
      req.on('end', () => {
        counters.uploadedBytes += bytes;
        res.end(String(bytes));
      });
      return;
    }
    case '/push': {
      for (const name of ['a.css', 'b.js']) {
        const pushed = res.push(`/static/${name}`, { response: { 'content-type': 'text/plain' } });
        if (pushed !== null) {
          counters.pushes += 1;
          pushed.on('error', () => {});
          pushed.end(PAYLOAD.subarray(0, 2048));
        }
      }
      res.end('page with pushes');
      return;
    }
    case '/slow': {
      // A long body written in small steps, so that clients can cancel it midway.
      let left = sizeOf(req.url ?? '');
      const step = (): void => {
        if (res.destroyed || res.writableEnded) return;
        const n = Math.min(left, SLOW_CHUNK);
        left -= n;
        if (left === 0) res.end(PAYLOAD.subarray(0, n));
        else if (res.write(PAYLOAD.subarray(0, n))) setTimeout(step, SLOW_DELAY_MS);
        else res.once('drain', step);
      };
      step();
      return;
    }
    default:
      res.statusCode = 404;
      res.end();
  }
}

const servers: SpdyServer[] = [];
const loopDelay = monitorEventLoopDelay({ resolution: 20 });
loopDelay.enable();

async function start(): Promise<Record<string, number>> {
  const ports: Record<string, number> = {};
  for (const version of [2, 3, 3.1] as const) {
    const server = createServer({ plain: { version } }, handler);
    server.on('session', () => (counters.sessionsOpened += 1));
    server.on('sessionError', () => (counters.sessionErrors += 1));
    server.on('handlerError', (error) => console.error('soak server: handler error', error));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    ports[String(version)] = (server.address() as AddressInfo).port;
    servers.push(server);
  }
  return ports;
}

function listenerTotal(emitter: NodeJS.EventEmitter): number {
  let total = 0;
  for (const name of emitter.eventNames()) total += emitter.listenerCount(name);
  return total;
}

function sample(): Sample {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('the soak server needs --expose-gc');
  // Two passes: the first may only queue finalizers that free more on the second.
  gc();
  gc();
  const memory = process.memoryUsage();
  const resources: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) resources[kind] = (resources[kind] ?? 0) + 1;
  let sessions = 0;
  let streams = 0;
  let listeners = 0;
  for (const server of servers) {
    sessions += server.sessions.size;
    for (const connection of server.sessions) streams += connection.streamCount;
    listeners += listenerTotal(server) + listenerTotal(server.netServer) + listenerTotal(server.httpServer);
  }
  return {
    at: Math.round(performance.now()),
    heapUsed: memory.heapUsed,
    heapTotal: memory.heapTotal,
    external: memory.external,
    arrayBuffers: memory.arrayBuffers,
    rss: memory.rss,
    sessions,
    streams,
    resources,
    listeners,
    maxLoopDelayMs: Math.round(loopDelay.max / 1e6),
    counters: { ...counters },
  };
}

function send(message: ChildMessage): void {
  process.send?.(message);
}

process.on('message', (message: ParentMessage) => {
  if (message.type === 'sample') {
    send({ type: 'sample', sample: sample() });
  } else if (message.type === 'stop') {
    let open = servers.length;
    for (const server of servers) {
      server.close(() => {
        open -= 1;
        if (open === 0) {
          send({ type: 'stopped' });
          process.disconnect();
        }
      });
    }
  }
});
// The parent died: do not linger.
process.on('disconnect', () => process.exit(0));

send({ type: 'ready', ports: await start() });

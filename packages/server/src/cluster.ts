/**
 * The "Threaded" of ThreadedSPDYServer, the Node way: N worker processes
 * (node:cluster) share one listening port; each runs its own server.
 * Shutdown is graceful in every worker (GOAWAY, streams in flight finish).
 */

import cluster, { type Worker } from 'node:cluster';
import { availableParallelism } from 'node:os';
import type { SpdyServer } from './server.js';

/** The message the primary sends a worker to make it close its server and exit. */
const SHUTDOWN = '@spdy/server:shutdown';

export interface ClusterOptions {
  /** Worker processes. Default: the number of cores (`os.availableParallelism()`). */
  workers?: number;
  /** Runs in each worker: create the server, call `listen`, return it. */
  start: () => SpdyServer | Promise<SpdyServer>;
  /** Replace a worker that exits unexpectedly. Default true. */
  respawn?: boolean;
}

/** The primary's handle on its workers. */
export interface ClusterPrimary {
  readonly role: 'primary';
  /** Workers alive now. */
  readonly workers: () => Worker[];
  /** Resolves when every worker started at first accepts connections, with the shared port. */
  readonly listening: Promise<{ address: string; port: number }>;
  /** Asks every worker to shut down gracefully; resolves when all have exited. */
  close(): Promise<void>;
}

/** What a worker gets back: its own server. */
export interface ClusterWorker {
  readonly role: 'worker';
  readonly server: SpdyServer;
}

/**
 * In the primary, forks the workers and returns a {@link ClusterPrimary}; in
 * a worker, runs `options.start` and returns its server. The same script
 * runs in both, as with node:cluster itself.
 */
export async function startCluster(options: ClusterOptions): Promise<ClusterPrimary | ClusterWorker> {
  if (cluster.isPrimary) return startPrimary(options);
  // Listen for shutdown before starting: the primary may ask while this worker still boots.
  let server: SpdyServer | undefined;
  let shutdownRequested = false;
  const shutdown = (): void => {
    shutdownRequested = true;
    server?.close(() => process.exit(0));
  };
  process.on('message', (message) => {
    if (message === SHUTDOWN) shutdown();
  });
  process.once('SIGTERM', shutdown);
  server = await options.start();
  if (shutdownRequested) shutdown();
  return { role: 'worker', server };
}

function startPrimary(options: ClusterOptions): ClusterPrimary {
  const count = options.workers ?? availableParallelism();
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`workers must be a positive integer, got ${count}`);
  const respawn = options.respawn ?? true;
  let closing = false;

  const listening = new Promise<{ address: string; port: number }>((resolve) => {
    let waiting = count;
    const onListening = (_worker: Worker, address: { address: string | null; port: number }): void => {
      if (--waiting > 0) return;
      cluster.off('listening', onListening);
      resolve({ address: address.address ?? '', port: address.port });
    };
    cluster.on('listening', onListening);
  });
  cluster.on('exit', (_worker, code, signal) => {
    if (closing || !respawn) return;
    // A crash in one worker must not shrink the pool for good.
    if (code !== 0 || signal !== null) cluster.fork();
  });
  for (let i = 0; i < count; i++) cluster.fork();

  const workers = (): Worker[] => Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined);
  return {
    role: 'primary',
    workers,
    listening,
    close: async () => {
      closing = true;
      await Promise.all(
        workers().map(
          (worker) =>
            new Promise<void>((resolve) => {
              if (worker.isDead()) return resolve();
              worker.once('exit', () => resolve());
              worker.send(SHUTDOWN);
            }),
        ),
      );
    },
  };
}

#!/usr/bin/env node
/**
 * spdy-server: a static file server over SPDY/3.1, 3 and 2 (TLS with ALPN,
 * or plain TCP), with HTTP/1.1 fallback, push rules, a frame trace and a
 * cluster mode. Protocol work is all in @spdy/server; this file only reads
 * flags and wires things together.
 */

import { createServer, describeTrace, startCluster, type SpdyServer } from '@spdy/server';
import { parseCli, type CliConfig } from './config.js';
import { staticHandler } from './static.js';

function startServer(config: CliConfig): Promise<SpdyServer> {
  const server = createServer(config.options, staticHandler({ root: config.dir, push: config.push }));
  if (config.verbose) {
    let next = 1;
    const ids = new WeakMap<object, number>();
    server.on('frame', (trace, connection) => {
      if (!ids.has(connection)) ids.set(connection, next++);
      process.stderr.write(`[${process.pid} session ${ids.get(connection)}] ${describeTrace(trace)}\n`);
    });
    server.on('sessionError', (error) => process.stderr.write(`session error: ${error.message}\n`));
  }
  server.on('error', (error) => {
    process.stderr.write(`spdy-server: ${error.message}\n`);
    process.exit(1);
  });
  return new Promise((resolve) => server.listen(config.port, config.host, () => resolve(server)));
}

function announce(host: string, port: number): void {
  process.stdout.write(`listening on ${host}:${port}\n`);
}

async function main(): Promise<void> {
  let config: CliConfig;
  try {
    config = parseCli(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(2);
  }
  if (config.workers === 1) {
    const server = await startServer(config);
    const address = server.address();
    announce(config.host, typeof address === 'object' && address !== null ? address.port : config.port);
    const stop = (): void => {
      server.close(() => process.exit(0));
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    return;
  }
  const started = await startCluster({ ...(config.workers > 0 ? { workers: config.workers } : {}), start: () => startServer(config) });
  if (started.role === 'primary') {
    const { port } = await started.listening;
    announce(config.host, port);
    const stop = (): void => {
      void started.close().then(() => process.exit(0));
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  }
}

await main();

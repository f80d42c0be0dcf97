/**
 * One benchmark server in its own process (so the load client does not share
 * its CPU): `tsx bench/serve.ts <ours|spdy|http2|https|cluster:<n>> [certDir]`.
 * Prints its port, serves `/` (1 KiB) and `/bulk` (100 MiB), exits when stdin
 * closes. `cluster:<n>` is ours under startCluster: this process is the
 * primary, and node:cluster re-runs this script (same argv) in <n> workers
 * that share one port.
 */

import { readFileSync } from 'node:fs';
import { createServer as createHttp2Server } from 'node:http2';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { createServer, startCluster } from '../src/index.js';

const SMALL = Buffer.alloc(1024, 0x61);
const BULK_SIZE = 100 * 1024 * 1024;
const BULK_CHUNK = Buffer.alloc(64 * 1024, 0x62);

interface Res {
  setHeader(name: string, value: string): unknown;
  write(chunk: Buffer): boolean;
  end(chunk?: Buffer): unknown;
  once(event: 'drain', listener: () => void): unknown;
}

/** Writes the bulk body in 64 KiB pieces, honouring backpressure. */
function writeBulk(res: Res): void {
  let sent = 0;
  const pump = (): void => {
    while (sent < BULK_SIZE) {
      sent += BULK_CHUNK.length;
      if (!res.write(BULK_CHUNK)) {
        res.once('drain', pump);
        return;
      }
    }
    res.end();
  };
  pump();
}

function handler(req: { url?: string }, res: Res): void {
  res.setHeader('content-type', 'text/plain');
  if (req.url === '/bulk') writeBulk(res);
  else res.end(SMALL);
}

const [kind, certDir] = process.argv.slice(2);
const workers = /^cluster:(\d+)$/.exec(kind ?? '');
let listen: ((cb: (port: number) => void) => void) | undefined;
let close = async (): Promise<void> => {};
if (workers) {
  // Port 0 in a worker: the primary opens one random port and every worker shares it.
  const started = await startCluster({ workers: Number(workers[1]), start: () => createServer({ plain: { version: 3.1 } }, handler as never).listen(0, '127.0.0.1') });
  if (started.role === 'primary') {
    listen = (cb) => void started.listening.then(({ port }) => cb(port));
    close = () => started.close();
  }
} else {
  switch (kind) {
    case 'ours': {
      const server = createServer({ plain: { version: 3.1 } }, handler as never);
      listen = (cb) => server.listen(0, '127.0.0.1', () => cb((server.address() as AddressInfo).port));
      break;
    }
    case 'spdy': {
      const spdy = createRequire(import.meta.url)('spdy') as { createServer(o: object, h: typeof handler): import('node:net').Server };
      // PEERS.md: plain mode needs autoSpdy31 to give a 3.1 client its session window.
      const server = spdy.createServer({ spdy: { plain: true, ssl: false, protocols: ['spdy/3.1'], connection: { autoSpdy31: true } } }, (req, res) =>
        // Its plain-mode socket shim loses every second Buffer of a multi-write body (PEERS.md): one write only.
        req.url === '/bulk' ? res.end(Buffer.alloc(BULK_SIZE, 0x62)) : handler(req, res),
      );
      listen = (cb) => server.listen(0, '127.0.0.1', () => cb((server.address() as AddressInfo).port));
      break;
    }
    case 'http2': {
      const server = createHttp2Server({ maxSessionMemory: 64 }, handler as never);
      listen = (cb) => server.listen(0, '127.0.0.1', () => cb((server.address() as AddressInfo).port));
      break;
    }
    case 'https': {
      const server = createHttpsServer({ key: readFileSync(join(certDir!, 'key.pem')), cert: readFileSync(join(certDir!, 'cert.pem')), keepAliveTimeout: 60_000 }, handler as never);
      listen = (cb) => server.listen(0, '127.0.0.1', () => cb((server.address() as AddressInfo).port));
      break;
    }
    default:
      throw new Error(`unknown server kind ${kind}`);
  }
}
// A cluster worker (listen unset) only serves: it shares the primary's stdout and
// stdin, and exits when the primary's close() asks or the primary dies.
if (listen) {
  listen((port) => process.stdout.write(`${port}\n`));
  process.stdin.on('end', () => void close().then(() => process.exit(0)));
  process.stdin.resume();
}

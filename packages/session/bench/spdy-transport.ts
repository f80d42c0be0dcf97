/**
 * The peer side of the session benchmark: two spdy-transport 3.0.0
 * Connections (the engine under the `spdy` npm package) wired through an
 * in-memory duplex pair, on Node 20.
 *
 * One fault of the peer has to be repaired for it to run at all: obuf 1.1.2
 * (its buffer list) loses track of its offset when a multi-chunk `take()`
 * ends exactly on a chunk boundary, so a header block split that way fails
 * with "Headers OOB". Over an in-memory pair the split is deterministic and
 * every run dies after about 870 requests (see shared/PEERS.md). The repair
 * below replaces only that slow path, with obuf's own `copy` and `skip`; the
 * fast paths the benchmark mostly takes are unchanged.
 */

import { createRequire } from 'node:module';
import { Duplex } from 'node:stream';

const require = createRequire(import.meta.url);
const transportPath = require.resolve('spdy-transport');

interface OffsetBufferProto {
  buffers: Buffer[];
  offset: number;
  take(n: number): Buffer;
  copy(target: Buffer, targetOff: number, off: number, n: number): void;
  skip(n: number): void;
}
const OffsetBuffer = createRequire(transportPath)('obuf') as { prototype: OffsetBufferProto };
const take = OffsetBuffer.prototype.take;
OffsetBuffer.prototype.take = function (this: OffsetBufferProto, n: number): Buffer {
  const first = this.buffers[0];
  if (n === 0 || (first !== undefined && first.length - this.offset >= n)) return take.call(this, n);
  const out = Buffer.allocUnsafe(n);
  this.copy(out, 0, 0, n);
  this.skip(n);
  return out;
};

/** The parts of spdy-transport's Connection and Stream the benchmark uses (it ships no types). */
export interface TransportStream extends Duplex {
  respond(status: number, headers: Record<string, string>): void;
}
export interface TransportConnection {
  start(version: 2 | 3 | 3.1): void;
  request(options: { method: string; path: string; host: string; headers: Record<string, string> }): TransportStream;
  on(event: 'stream', listener: (stream: TransportStream) => void): this;
  on(event: 'error', listener: (error: Error) => void): this;
}
interface Transport {
  connection: { create(socket: Duplex, options: { protocol: 'spdy'; isServer: boolean }): TransportConnection };
}
const transport = require('spdy-transport') as Transport;

/** Two Duplex ends; what one writes the other reads, a writev batch arriving as one chunk (as a socket would). */
export function duplexPair(): [Duplex, Duplex] {
  const ends: Duplex[] = [];
  const make = (other: () => Duplex) =>
    new Duplex({
      read() {},
      writev(chunks, callback) {
        other().push(chunks.length === 1 ? (chunks[0]!.chunk as Buffer) : Buffer.concat(chunks.map((c) => c.chunk as Buffer)));
        callback();
      },
      final(callback) {
        other().push(null);
        callback();
      },
    });
  ends.push(make(() => ends[1]!), make(() => ends[0]!));
  return [ends[0]!, ends[1]!];
}

/** A connected client/server pair of spdy-transport Connections speaking `version`. */
export function transportPair(version: 2 | 3 | 3.1): { client: TransportConnection; server: TransportConnection } {
  const [a, b] = duplexPair();
  const server = transport.connection.create(b, { protocol: 'spdy', isServer: true });
  const client = transport.connection.create(a, { protocol: 'spdy', isServer: false });
  server.start(version);
  client.start(version);
  return { client, server };
}

/**
 * `total` GET requests with `inFlight` outstanding at a time, each answered
 * with `body`. Resolves with the number of requests completed.
 */
export function transportRequests(total: number, inFlight: number, body: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const { client, server } = transportPair(3.1);
    server.on('error', reject);
    client.on('error', reject);
    server.on('stream', (stream) => {
      stream.respond(200, { 'content-type': 'application/octet-stream' });
      stream.end(body);
      stream.resume();
    });
    let started = 0;
    let done = 0;
    const one = (): void => {
      started++;
      const stream = client.request({ method: 'GET', path: '/', host: 'bench', headers: {} });
      let received = 0;
      stream.on('data', (chunk: Buffer) => {
        received += chunk.length;
      });
      stream.on('error', reject);
      stream.on('end', () => {
        if (received !== body.length) reject(new Error(`spdy-transport delivered ${received} bytes instead of ${body.length}`));
        done++;
        if (done === total) resolve(done);
        else if (started < total) one();
      });
      stream.end();
    };
    for (let i = 0; i < Math.min(inFlight, total); i++) one();
  });
}

/** One response of `total` bytes written in `chunk`-sized writes; resolves with the bytes received. */
export function transportBulk(total: number, chunk: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const { client, server } = transportPair(3.1);
    server.on('error', reject);
    client.on('error', reject);
    server.on('stream', (stream) => {
      stream.respond(200, {});
      let sent = 0;
      const pump = (): void => {
        while (sent < total) {
          const piece = Math.min(chunk.length, total - sent);
          sent += piece;
          if (!stream.write(piece === chunk.length ? chunk : chunk.subarray(0, piece))) {
            stream.once('drain', pump);
            return;
          }
        }
        stream.end();
      };
      pump();
      stream.resume();
    });
    const stream = client.request({ method: 'GET', path: '/bulk', host: 'bench', headers: {} });
    let received = 0;
    stream.on('data', (c: Buffer) => {
      received += c.length;
    });
    stream.on('error', reject);
    stream.on('end', () => (received === total ? resolve(received) : reject(new Error(`bulk: ${received} of ${total} bytes`))));
    stream.end();
  });
}

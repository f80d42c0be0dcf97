/**
 * Our side of the session benchmark: a client and a server Session wired in
 * memory, each pull() handed straight to the other's receive(). The
 * application work is what a minimal HTTP layer does: the server answers each
 * request it sees after receive() returns, the client counts bytes and
 * starts a new request whenever one closes.
 */

import { Session } from '../src/index.js';
import type { DataProvider, SessionOptions } from '../src/types.js';

const REQUEST_HEADERS = { ':method': 'GET', ':path': '/', ':version': 'HTTP/1.1', ':scheme': 'https', ':host': 'bench' };
const RESPONSE_HEADERS = { ':status': '200', ':version': 'HTTP/1.1', 'content-type': 'application/octet-stream' };

/** The same receive windows spdy-transport uses by default (1 MiB per stream and for the session), so both engines exchange WINDOW_UPDATEs alike. */
const WINDOWS: Partial<SessionOptions> = { initialWindowSize: 1 << 20, sessionWindowSize: 1 << 20 };

/** Moves every pending byte from `from` to `to`; returns whether anything moved. */
function transfer(from: Session, to: Session): boolean {
  let moved = false;
  for (let out = from.pull(); out !== undefined; out = from.pull()) {
    to.receive(out);
    moved = true;
  }
  return moved;
}

/** `total` GET requests with `inFlight` outstanding at a time, each answered with `body`. Returns the requests completed. */
export function oursRequests(total: number, inFlight: number, body: Uint8Array): number {
  const opened: number[] = [];
  let done = 0;
  let bytes = 0;
  // Listeners for the events the application needs only (as an HTTP layer would): the session skips building the others.
  const server = new Session({ ...WINDOWS, side: 'server', version: 3.1 });
  server.on('streamOpened', (e) => opened.push(e.streamId));
  const client = new Session({ ...WINDOWS, side: 'client', version: 3.1 });
  client.on('dataChunkReceived', (e) => (bytes += e.data.length));
  client.on('streamClosed', () => done++);
  let started = 0;
  // Bounded: every turn either moves bytes or the run stalls, which throws.
  for (let turn = 0; done < total; turn++) {
    while (started < total && started - done < inFlight) {
      client.submitRequest({ headers: REQUEST_HEADERS });
      started++;
    }
    const up = transfer(client, server);
    for (const id of opened) server.submitResponse(id, RESPONSE_HEADERS, body);
    opened.length = 0;
    const down = transfer(server, client);
    if (!up && !down) throw new Error(`our sessions stalled after ${done} of ${total} requests (turn ${turn})`);
  }
  if (bytes !== total * body.length) throw new Error(`our client received ${bytes} bytes instead of ${total * body.length}`);
  return done;
}

/** One response of `total` bytes handed out by a provider in slices of `chunk`; returns the bytes received. */
export function oursBulk(total: number, chunk: Uint8Array): number {
  let received = 0;
  let closed = false;
  let opened = 0;
  const server = new Session({ ...WINDOWS, side: 'server', version: 3.1 });
  server.on('streamOpened', (e) => (opened = e.streamId));
  const client = new Session({ ...WINDOWS, side: 'client', version: 3.1 });
  client.on('dataChunkReceived', (e) => (received += e.data.length));
  client.on('streamClosed', () => (closed = true));
  let sent = 0;
  const provider: DataProvider = (maxLength) => {
    const n = Math.min(maxLength, chunk.length, total - sent);
    sent += n;
    return { data: chunk.subarray(0, n), end: sent === total };
  };
  client.submitRequest({ headers: { ...REQUEST_HEADERS, ':path': '/bulk' } });
  for (let turn = 0; !closed; turn++) {
    const up = transfer(client, server);
    if (opened !== 0) {
      server.submitResponse(opened, RESPONSE_HEADERS, provider);
      opened = 0;
    }
    const down = transfer(server, client);
    if (!up && !down) throw new Error(`our bulk transfer stalled at ${received} of ${total} bytes (turn ${turn})`);
  }
  if (received !== total) throw new Error(`our bulk transfer delivered ${received} of ${total} bytes`);
  return received;
}

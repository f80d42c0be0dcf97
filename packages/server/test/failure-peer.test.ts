/**
 * Failures of the client or the network, seen from the server: the peer
 * closes in the middle of a frame, the TCP connection resets in the middle of
 * a stream (either side), TLS handshakes fail, writes fail. Each time the
 * handler's pending request and response end in a way it can handle ('aborted',
 * a rejected `for await`, a rejected pipeline), nothing hangs, the session
 * leaves `server.sessions`, sockets and timers are released, and the server
 * goes on serving new clients.
 */

import { encodeFrame, type Frame } from '@spdy/frames';
import { HeaderDeflater } from '@spdy/zlib-headers';
import { once } from 'node:events';
import { connect as netConnect, type Socket } from 'node:net';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { connect as tlsConnect, type ConnectionOptions } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type ServerRequest, type ServerResponse, type SpdyServer } from '../src/index.js';
import { BLOCK, close, listen } from './support/app.js';
import { TestClient } from './support/client.js';
import { makeCertificate, type KeyPair } from './support/tls.js';

/** What the handler saw of one request that the peer broke off. */
interface Outcome {
  aborted: boolean;
  /** The code of the error a `for await` over the body (or the response pipeline) rejected with. */
  error: string | undefined;
  /** The response closed before it finished. */
  responseClosedUnfinished: boolean;
}

const outcomes = new Map<string, Promise<Outcome>>();

/** Records how a request ended; `work` is what the handler awaits. */
function observe(req: ServerRequest, res: ServerResponse, work: () => Promise<void>): void {
  let aborted = false;
  req.on('aborted', () => (aborted = true));
  const responseClosed = new Promise<boolean>((resolve) => res.once('close', () => resolve(!res.writableFinished)));
  const outcome = work().then(
    () => undefined,
    (error: unknown) => (error as { code?: string }).code ?? String(error),
  );
  outcomes.set(
    req.url ?? '',
    Promise.all([outcome, responseClosed]).then(([error, responseClosedUnfinished]) => ({ aborted, error, responseClosedUnfinished })),
  );
}

function handler(req: ServerRequest, res: ServerResponse): void {
  const path = (req.url ?? '').split('?')[0];
  if (path === '/upload') {
    // Reads the whole body, as an application would; a broken-off body must reject, not hang.
    observe(req, res, async () => {
      for await (const _chunk of req);
      res.end('uploaded');
    });
  } else if (path === '/big') {
    // An endless response through a pipeline: it must reject when the peer goes.
    const source = new Readable({
      read() {
        this.push(BLOCK);
      },
    });
    observe(req, res, () => pipeline(source, res));
  } else {
    res.end('hello');
  }
}

let server: SpdyServer;
let port: number;
let keys: KeyPair;
let tlsServer: SpdyServer;
let tlsPort: number;
const tlsErrors: string[] = [];

beforeAll(async () => {
  server = createServer({ plain: { version: 3 } }, handler);
  port = await listen(server);
  keys = makeCertificate();
  // Short here to see it act.
  tlsServer = createServer({ tls: { key: keys.key, cert: keys.cert }, handshakeTimeout: 200 }, handler);
  tlsServer.netServer.on('tlsClientError', (error: Error & { code?: string }) => tlsErrors.push(error.code ?? error.message));
  tlsPort = await listen(tlsServer);
});
afterAll(async () => {
  await close(server);
  await close(tlsServer);
  keys.dispose();
});

const GET = { ':method': 'GET', ':version': 'HTTP/1.1', ':host': '127.0.0.1', ':scheme': 'http' };

function synStream(deflater: HeaderDeflater, streamId: number, path: string, method: string, fin: boolean): Uint8Array {
  const frame: Frame = {
    type: 'SYN_STREAM',
    flags: fin ? 1 : 0,
    streamId,
    associatedStreamId: 0,
    priority: 0,
    slot: 0,
    headerBlock: deflater.deflate({ ...GET, ':method': method, ':path': path }),
  };
  return encodeFrame(frame, 3);
}

function dataFrame(streamId: number, size: number): Uint8Array {
  return encodeFrame({ type: 'DATA', streamId, flags: 0, data: new Uint8Array(size).fill(9) }, 3);
}

async function rawConnect(): Promise<{ socket: Socket; closed: Promise<void>; received: () => number }> {
  const socket = netConnect({ host: '127.0.0.1', port });
  await once(socket, 'connect');
  socket.on('error', () => {});
  let bytes = 0;
  socket.on('data', (chunk: Buffer) => (bytes += chunk.length));
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  return { socket, closed, received: () => bytes };
}

/** Kinds of handles a connection owns: none may outlive it. */
const TRANSIENT = ['TCPSocketWrap', 'TLSWrap', 'Timeout'];

function handleCounts(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) if (TRANSIENT.includes(kind)) counts[kind] = (counts[kind] ?? 0) + 1;
  return counts;
}

/**
 * Waits (a bounded number of event-loop turns) until the servers hold no
 * session and the process no more sockets and timers than `baseline`, then
 * asserts it, and that a new client is still served.
 */
async function expectReleased(baseline: Record<string, number>): Promise<void> {
  const settled = (): boolean =>
    server.sessions.size === 0 && tlsServer.sessions.size === 0 && TRANSIENT.every((kind) => (handleCounts()[kind] ?? 0) <= (baseline[kind] ?? 0));
  for (let i = 0; i < 200 && !settled(); i += 1) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(server.sessions.size).toBe(0);
  expect(tlsServer.sessions.size).toBe(0);
  for (const kind of TRANSIENT) expect(handleCounts()[kind] ?? 0, kind).toBeLessThanOrEqual(baseline[kind] ?? 0);
  const client = await TestClient.connect(port, 3);
  expect((await client.request('/hello')).body.toString()).toBe('hello');
  client.close();
  await client.closed;
}

/**
 * Waits until the handler of `url` has started; `outcome` settles when the
 * request has ended (wrapped: an async function would wait for it).
 */
async function started(url: string): Promise<{ outcome: Promise<Outcome> }> {
  for (let i = 0; i < 500 && !outcomes.has(url); i += 1) await new Promise((resolve) => setTimeout(resolve, 2));
  const outcome = outcomes.get(url);
  expect(outcome, `handler of ${url}`).toBeDefined();
  return { outcome: outcome as Promise<Outcome> };
}

describe('the peer closes in the middle of a frame', () => {
  it('half a SYN_STREAM then FIN: no request reaches the handler, the session closes', async () => {
    const baseline = handleCounts();
    const peer = await rawConnect();
    const frame = synStream(new HeaderDeflater(3), 1, '/upload?half-syn', 'POST', false);
    peer.socket.end(frame.subarray(0, frame.length >> 1));
    await peer.closed;
    await expectReleased(baseline);
    expect(outcomes.has('/upload?half-syn')).toBe(false);
  });

  it('half a DATA frame then FIN: the body the handler reads rejects, the response closes', async () => {
    const baseline = handleCounts();
    const peer = await rawConnect();
    peer.socket.write(synStream(new HeaderDeflater(3), 1, '/upload?half-data', 'POST', false));
    peer.socket.write(dataFrame(1, 1000));
    const { outcome: outcome } = await started('/upload?half-data');
    const data = dataFrame(1, 1000);
    peer.socket.end(data.subarray(0, 500));
    expect(await outcome).toEqual({ aborted: true, error: 'ERR_STREAM_PREMATURE_CLOSE', responseClosedUnfinished: true });
    await peer.closed;
    await expectReleased(baseline);
  });
});

describe('the TCP connection resets in the middle of a stream', () => {
  it('the client resets during an upload and a download: both handlers see it', async () => {
    const baseline = handleCounts();
    const peer = await rawConnect();
    const deflater = new HeaderDeflater(3);
    peer.socket.write(synStream(deflater, 1, '/upload?client-reset', 'POST', false));
    peer.socket.write(dataFrame(1, 2000));
    peer.socket.write(synStream(deflater, 3, '/big?client-reset', 'GET', true));
    const { outcome: upload } = await started('/upload?client-reset');
    const { outcome: download } = await started('/big?client-reset');
    // The download is under way (bytes of it arrived) when the connection resets.
    for (let i = 0; i < 500 && peer.received() < 32_768; i += 1) await new Promise((resolve) => setTimeout(resolve, 2));
    expect(peer.received()).toBeGreaterThanOrEqual(32_768);
    peer.socket.resetAndDestroy();
    expect(await upload).toEqual({ aborted: true, error: 'ERR_STREAM_PREMATURE_CLOSE', responseClosedUnfinished: true });
    expect(await download).toMatchObject({ error: 'ERR_STREAM_PREMATURE_CLOSE', responseClosedUnfinished: true });
    await expectReleased(baseline);
  });

  it("the server's socket resets while it writes a large response (writes fail): every stream of the session ends", async () => {
    const baseline = handleCounts();
    const peer = await rawConnect();
    const deflater = new HeaderDeflater(3);
    peer.socket.write(synStream(deflater, 1, '/big?server-reset', 'GET', true));
    peer.socket.write(synStream(deflater, 3, '/upload?server-reset', 'POST', false));
    const { outcome: download } = await started('/big?server-reset');
    const { outcome: upload } = await started('/upload?server-reset');
    for (let i = 0; i < 500 && peer.received() < 32_768; i += 1) await new Promise((resolve) => setTimeout(resolve, 2));
    const [connection] = server.sessions;
    expect(connection).toBeDefined();
    (connection?.socket as Socket).resetAndDestroy();
    expect(await download).toMatchObject({ error: 'ERR_STREAM_PREMATURE_CLOSE', responseClosedUnfinished: true });
    expect(await upload).toEqual({ aborted: true, error: 'ERR_STREAM_PREMATURE_CLOSE', responseClosedUnfinished: true });
    await peer.closed;
    await expectReleased(baseline);
  });

  it('the client destroys its socket while the server writes a large response: the pipeline rejects', async () => {
    const baseline = handleCounts();
    const peer = await rawConnect();
    peer.socket.write(synStream(new HeaderDeflater(3), 1, '/big?client-destroy', 'GET', true));
    const { outcome: download } = await started('/big?client-destroy');
    for (let i = 0; i < 500 && peer.received() < 32_768; i += 1) await new Promise((resolve) => setTimeout(resolve, 2));
    peer.socket.destroy();
    expect(await download).toMatchObject({ error: 'ERR_STREAM_PREMATURE_CLOSE', responseClosedUnfinished: true });
    await expectReleased(baseline);
  });
});

describe('TLS handshakes fail', () => {
  async function tlsAttempt(options: ConnectionOptions): Promise<string | undefined> {
    const socket = tlsConnect({ host: '127.0.0.1', port: tlsPort, ...options });
    const result = await new Promise<string | undefined>((resolve) => {
      socket.once('secureConnect', () => resolve(undefined));
      socket.once('error', (error: Error & { code?: string }) => resolve(error.code ?? error.message));
    });
    socket.destroy();
    return result;
  }

  it('a client that offers no protocol the server speaks (wrong ALPN): alert, no session', async () => {
    const baseline = handleCounts();
    const before = tlsErrors.length;
    expect(await tlsAttempt({ ALPNProtocols: ['h2'], rejectUnauthorized: false })).toBe('ERR_SSL_TLSV1_ALERT_NO_APPLICATION_PROTOCOL');
    await expectReleased(baseline);
    expect(tlsErrors.slice(before)).toContain('ERR_SSL_NO_APPLICATION_PROTOCOL');
  });

  it('a client that rejects the certificate (rejectUnauthorized): no session, the server carries on', async () => {
    const baseline = handleCounts();
    expect(await tlsAttempt({ ALPNProtocols: ['spdy/3.1'] })).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
    await expectReleased(baseline);
  });

  it('a client that sends garbage instead of a ClientHello: the server closes the connection', async () => {
    const baseline = handleCounts();
    const before = tlsErrors.length;
    const socket = netConnect({ host: '127.0.0.1', port: tlsPort });
    socket.on('error', () => {});
    await once(socket, 'connect');
    socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    await once(socket, 'close');
    await expectReleased(baseline);
    expect(tlsErrors.length).toBeGreaterThan(before);
  });

  it("a handshake that never completes: the server's handshake timeout closes it", async () => {
    const baseline = handleCounts();
    const before = tlsErrors.length;
    const socket = netConnect({ host: '127.0.0.1', port: tlsPort });
    socket.on('error', () => {});
    await once(socket, 'connect');
    // The first bytes of a TLS record header, and then nothing.
    socket.write(Buffer.from([0x16, 0x03, 0x01]));
    await once(socket, 'close');
    expect(tlsErrors.slice(before)).toContain('ERR_TLS_HANDSHAKE_TIMEOUT');
    await expectReleased(baseline);
  });
});

/**
 * Failures of the server or the network, seen from the client: the server
 * stops in the middle of a frame, the TCP connection is reset in the middle
 * of a stream, TLS handshakes fail, the socket fails while uploading. Each
 * time every pending request rejects with an error the application can
 * handle (code asserted), nothing hangs, and the sockets and timers of the
 * session are released.
 */

import { createServer, type RequestListener, type SpdyServer } from '@spdy/server';
import { once } from 'node:events';
import * as net from 'node:net';
import * as tls from 'node:tls';
import { afterEach, describe, expect, it } from 'vitest';
import { connect, SpdyClientError, type ClientSession } from '../src/index.js';
import { engineServer, listen, testCertificate, type EngineStream, type Listening } from './helpers.js';

const RESPONSE_HEADERS: Array<[string, string]> = [
  [':status', '200'],
  [':version', 'HTTP/1.1'],
];

const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

/** Kinds of handles a session owns: none may outlive it. */
const TRANSIENT = ['TCPSocketWrap', 'TLSWrap', 'Timeout'];

function handleCounts(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) if (TRANSIENT.includes(kind)) counts[kind] = (counts[kind] ?? 0) + 1;
  return counts;
}

/**
 * Waits (a bounded number of event-loop turns) until the process holds no
 * more sockets and timers than `baseline`, then asserts it.
 */
async function expectReleased(baseline: Record<string, number>): Promise<void> {
  const settled = (): boolean => TRANSIENT.every((kind) => (handleCounts()[kind] ?? 0) <= (baseline[kind] ?? 0));
  for (let i = 0; i < 200 && !settled(); i += 1) await new Promise((resolve) => setTimeout(resolve, 10));
  for (const kind of TRANSIENT) expect(handleCounts()[kind] ?? 0, kind).toBeLessThanOrEqual(baseline[kind] ?? 0);
}

async function track<T extends Listening>(listening: Promise<T>): Promise<T> {
  const value = await listening;
  cleanup.push(() => value.close());
  return value;
}

/** The bytes the engine has queued, taken at once (the test decides how many reach the wire). */
function pullAll(stream: EngineStream): Buffer {
  const parts: Uint8Array[] = [];
  for (let bytes = stream.session.pull(); bytes !== undefined; bytes = stream.session.pull()) parts.push(bytes);
  return Buffer.concat(parts);
}

/** A real @spdy/server on plain TCP, for the cases where the server side is well-behaved. */
async function realServer(handler: RequestListener): Promise<{ server: SpdyServer; origin: string }> {
  const server = createServer({ plain: { version: 3.1 } }, handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanup.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { server, origin: `http://127.0.0.1:${(server.address() as net.AddressInfo).port}` };
}

describe('the server stops in the middle of a frame', () => {
  it('half a SYN_REPLY then FIN: the pending request rejects with ERR_SPDY_CONNECTION_CLOSED', async () => {
    const { origin } = await track(
      engineServer(3.1, (stream) => {
        stream.session.submitSynReply(stream.streamId, RESPONSE_HEADERS, { fin: false });
        const bytes = pullAll(stream);
        stream.socket.end(bytes.subarray(0, bytes.length >> 1));
      }),
    );
    const baseline = handleCounts();
    const session = await connect(origin, { spdy: 3.1 });
    const closed = once(session, 'close');
    const first = session.request('/a').end();
    const second = session.request('/b', { method: 'POST' });
    second.write('part of a body');
    const errors = await Promise.all([first.response.catch((e: unknown) => e), second.response.catch((e: unknown) => e)]);
    for (const error of errors) {
      expect(error).toBeInstanceOf(SpdyClientError);
      expect(error).toMatchObject({ code: 'ERR_SPDY_CONNECTION_CLOSED' });
    }
    await closed;
    expect(session.isClosed).toBe(true);
    await expectReleased(baseline);
  });

  it('half a DATA frame then FIN: the body being read fails with ERR_SPDY_CONNECTION_CLOSED', async () => {
    const { origin } = await track(
      engineServer(3, (stream) => {
        stream.session.submitSynReply(stream.streamId, RESPONSE_HEADERS, { fin: false });
        stream.session.submitData(stream.streamId, Buffer.alloc(4000, 1), { fin: false });
        const bytes = pullAll(stream);
        // All of SYN_REPLY and the DATA frame's header, half of its payload.
        stream.socket.end(bytes.subarray(0, bytes.length - 2000));
      }),
    );
    const baseline = handleCounts();
    const session = await connect(origin, { spdy: 3 });
    const response = await session.request('/').end().response;
    expect(response.status).toBe(200);
    const error = await response.bytes().catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_SPDY_CONNECTION_CLOSED' });
    await expectReleased(baseline);
  });
});

describe('the TCP connection is reset in the middle of a stream', () => {
  it('by the server while it sends a body: the body errors, other requests reject, nothing is left', async () => {
    let reset: (() => void) | undefined;
    const { origin } = await track(
      engineServer(3.1, (stream) => {
        if (reset !== undefined) return; // the second request stays pending
        stream.session.submitSynReply(stream.streamId, RESPONSE_HEADERS, { fin: false });
        stream.session.submitData(stream.streamId, Buffer.alloc(10_000, 2), { fin: false });
        stream.flush();
        reset = () => stream.socket.resetAndDestroy();
      }),
    );
    const baseline = handleCounts();
    const session = await connect(origin, { spdy: 3.1 });
    const response = await session.request('/big').end().response;
    const pending = session.request('/other').end();
    // The first bytes arrived: the stream is mid-body when the connection resets.
    await once(response.body, 'readable');
    reset?.();
    const [bodyError, pendingError] = await Promise.all([response.bytes().catch((e: unknown) => e), pending.response.catch((e: unknown) => e)]);
    expect(bodyError).toMatchObject({ code: 'ERR_SPDY_CONNECTION_CLOSED' });
    expect(pendingError).toMatchObject({ code: 'ERR_SPDY_CONNECTION_CLOSED' });
    expect((pendingError as Error).cause).toMatchObject({ code: 'ECONNRESET' });
    await expectReleased(baseline);
  });

  it('by the client (its own socket reset): every request of the session rejects', async () => {
    const { origin } = await realServer((_req, res) => {
      res.write('first bytes');
      // Never ends: the client resets under it.
    });
    const baseline = handleCounts();
    const session = await connect(origin, { spdy: 3.1 });
    const response = await session.request('/').end().response;
    const upload = session.request('/up', { method: 'PUT' });
    upload.write('some');
    await once(response.body, 'readable');
    (session.socket as net.Socket).resetAndDestroy();
    const [bodyError, uploadError] = await Promise.all([response.text().catch((e: unknown) => e), upload.response.catch((e: unknown) => e)]);
    expect(bodyError).toMatchObject({ code: 'ERR_SPDY_CONNECTION_CLOSED' });
    expect(uploadError).toMatchObject({ code: 'ERR_SPDY_CONNECTION_CLOSED' });
    expect(session.isClosed).toBe(true);
    await expectReleased(baseline);
  });
});

describe('writes fail', () => {
  it('the socket errors while uploading: the upload and its response fail with a handleable error', async () => {
    // Reads the SYN_STREAM, then resets the connection in the middle of the upload.
    const raw = net.createServer((socket) => {
      socket.on('error', () => {});
      let received = 0;
      socket.on('data', (chunk: Buffer) => {
        received += chunk.length;
        // Within the 64 KiB the client may send before any WINDOW_UPDATE.
        if (received > 20_000) socket.resetAndDestroy();
      });
    });
    const { origin } = await track(listen(raw, 'http'));
    const baseline = handleCounts();
    const session = await connect(origin, { spdy: 3 });
    const upload = session.request('/upload', { method: 'POST' });
    const uploadErrors: unknown[] = [];
    upload.on('error', (error) => uploadErrors.push(error));
    const chunk = Buffer.alloc(16_384, 7);
    // Bounded: at most 4 MiB, far more than the 20 kB after which the peer resets.
    for (let i = 0; i < 256 && !upload.destroyed; i += 1) {
      if (!upload.write(chunk)) await new Promise((resolve) => upload.once('drain', resolve).once('close', resolve));
    }
    const error = await upload.response.catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'ERR_SPDY_CONNECTION_CLOSED' });
    expect(upload.destroyed).toBe(true);
    expect(uploadErrors).toEqual([error]);
    await expectReleased(baseline);
  });
});

describe('TLS handshakes fail', () => {
  it('a server that offers no SPDY protocol: ERR_SPDY_NOT_NEGOTIATED or a TLS alert, never a session', async () => {
    const server = tls.createServer({ ...testCertificate(), ALPNProtocols: ['h2'] }, (socket) => socket.on('error', () => {}));
    server.on('tlsClientError', () => {});
    const { origin } = await track(listen(server, 'https'));
    const baseline = handleCounts();
    const error = await connect(origin, { spdy: 3.1, protocols: ['spdy/3.1'], rejectUnauthorized: false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    // OpenSSL either closes with no_application_protocol or completes without ALPN.
    const code = (error as { code?: string }).code;
    expect(['ERR_SPDY_NOT_NEGOTIATED', 'ERR_SSL_TLSV1_ALERT_NO_APPLICATION_PROTOCOL']).toContain(code);
    await expectReleased(baseline);
  });

  it('a certificate that does not verify: connect rejects with the TLS error code', async () => {
    const server = tls.createServer({ ...testCertificate(), ALPNProtocols: ['spdy/3.1'] }, (socket) => socket.on('error', () => {}));
    server.on('tlsClientError', () => {});
    const { origin } = await track(listen(server, 'https'));
    const baseline = handleCounts();
    const error = await connect(origin, { spdy: 3.1 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
    await expectReleased(baseline);
  });

  it('a server that answers the ClientHello with garbage: connect rejects', async () => {
    const raw = net.createServer((socket) => {
      socket.on('error', () => {});
      socket.once('data', () => socket.end('HTTP/1.1 400 Bad Request\r\n\r\n'));
    });
    const { origin } = await track(listen(raw, 'https'));
    const baseline = handleCounts();
    const error = await connect(origin, { spdy: 3.1, rejectUnauthorized: false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as { code?: string }).code).toMatch(/^(ERR_SSL_|ECONNRESET$)/);
    await expectReleased(baseline);
  });

  it('a server that never finishes the handshake: the signal aborts connect', async () => {
    const raw = net.createServer((socket) => socket.on('error', () => {}));
    const { origin } = await track(listen(raw, 'https'));
    const baseline = handleCounts();
    const controller = new AbortController();
    const attempt = connect(origin, { spdy: 3.1, signal: controller.signal });
    // Aborted once the server has the ClientHello: the handshake is under way and stuck.
    await once(raw, 'connection');
    controller.abort(new Error('handshake took too long'));
    const error = await attempt.catch((e: unknown) => e);
    expect(error).toMatchObject({ message: 'handshake took too long' });
    await expectReleased(baseline);
  });
});

describe('after the failures', () => {
  it('a new session to a real server works', async () => {
    const { server, origin } = await realServer((_req, res) => res.end('fine'));
    const session: ClientSession = await connect(origin, { spdy: 3.1 });
    const response = await session.request('/').end().response;
    expect(await response.text()).toBe('fine');
    await session.close();
    for (let i = 0; i < 200 && server.sessions.size > 0; i += 1) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(server.sessions.size).toBe(0);
  });
});

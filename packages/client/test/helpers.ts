/** Test peers and fixtures: loopback servers only, every wait bounded by vitest's timeout. */

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ProtocolVersion } from '@spdy/frames';
import { Session, type SessionEvent } from '@spdy/session';
import spdy, { type SpdyServerResponse } from 'spdy';

let certificate: { key: Buffer; cert: Buffer } | undefined;

/** A throwaway self-signed certificate for 127.0.0.1 / localhost, made with openssl. */
export function testCertificate(): { key: Buffer; cert: Buffer } {
  if (certificate !== undefined) return certificate;
  const dir = mkdtempSync(join(tmpdir(), 'spdy-client-test-'));
  const key = join(dir, 'key.pem');
  const cert = join(dir, 'cert.pem');
  execFileSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=localhost',
    '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
  ], { stdio: 'ignore' });
  certificate = { key: readFileSync(key), cert: readFileSync(cert) };
  return certificate;
}

export interface Listening {
  origin: string;
  port: number;
  close(): Promise<void>;
}

/** Listens on 127.0.0.1 with a free port; `close` also drops open connections. */
export async function listen(server: net.Server, scheme: 'http' | 'https'): Promise<Listening> {
  const sockets = new Set<net.Socket>();
  server.on(scheme === 'https' ? 'secureConnection' : 'connection', (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('connection', (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    origin: `${scheme}://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

type Handler = (req: IncomingMessage, res: SpdyServerResponse) => void;

/**
 * The `spdy` npm package's server. Plain mode runs SPDY/3.1 only with
 * `autoSpdy31` (PEERS.md); over TLS it negotiates spdy/3.1 with ALPN.
 */
export function spdyPeer(mode: 'plain' | 'tls', handler: Handler): Promise<Listening> {
  const options =
    mode === 'plain'
      ? { spdy: { plain: true, ssl: false, protocols: ['spdy/3.1'], connection: { autoSpdy31: true } } }
      : { ...testCertificate(), spdy: { protocols: ['spdy/3.1', 'spdy/3', 'spdy/2', 'http/1.1'] } };
  const server = spdy.createServer(options, handler);
  return listen(server, mode === 'plain' ? 'http' : 'https');
}

/** What the scripted engine server does with one request. */
export interface EngineStream {
  readonly session: Session;
  readonly socket: net.Socket;
  readonly streamId: number;
  readonly headers: Array<[string, string]>;
  readonly priority: number;
  /** The request body so far (complete once `ended`). */
  body: Buffer;
  ended: boolean;
  /** Writes what the session has queued. */
  flush(): void;
}

/**
 * A plain-TCP server built from a server `Session` over net, scripted by the
 * test: `onRequest` runs when a request is complete (FIN received).
 */
export async function engineServer(
  version: ProtocolVersion,
  onRequest: (stream: EngineStream) => void,
  options: { onConnection?: (socket: net.Socket, session: Session) => void } = {},
): Promise<Listening> {
  const server = net.createServer((socket) => {
    const streams = new Map<number, EngineStream>();
    const flush = (): void => {
      let bytes: Uint8Array | undefined;
      while (!socket.destroyed && (bytes = session.pull()) !== undefined) socket.write(bytes);
    };
    const session: Session = new Session({
      side: 'server',
      version,
      onEvent: (event: SessionEvent) => {
        if (event.type === 'streamOpened') {
          const stream: EngineStream = { session, socket, streamId: event.streamId, headers: event.headers, priority: event.priority, body: Buffer.alloc(0), ended: event.fin, flush };
          streams.set(event.streamId, stream);
          if (event.fin) queueMicrotask(() => onRequest(stream));
        } else if (event.type === 'dataChunkReceived') {
          const stream = streams.get(event.streamId);
          if (stream !== undefined) stream.body = Buffer.concat([stream.body, event.data]);
        } else if (event.type === 'requestReceived') {
          const stream = streams.get(event.streamId);
          if (stream !== undefined && !stream.ended) {
            stream.ended = true;
            queueMicrotask(() => onRequest(stream));
          }
        }
      },
    });
    options.onConnection?.(socket, session);
    socket.on('data', (chunk: Buffer) => {
      session.receive(chunk);
      queueMicrotask(flush);
    });
    socket.on('error', () => {});
    socket.on('close', () => session.receiveEnd());
    flush();
  });
  return listen(server, 'http');
}

/** Reads a whole Node or web stream. */
export async function readAll(stream: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

/**
 * The `spdy` npm package (node-spdy 4.0.2 on spdy-transport 3.0.0) as an
 * interop peer, in plain-TCP mode on 127.0.0.1 (the paths that work on Node
 * 20; see shared/PEERS.md). It ships no types: the few shapes used here are
 * declared locally.
 */

import { createRequire } from 'node:module';
import type { IncomingMessage, ServerResponse, ClientRequest, Agent } from 'node:http';
import http from 'node:http';
import type { AddressInfo, Server } from 'node:net';
import type { ProtocolVersion } from '@spdy/frames';
import { versionToAlpn } from '../../src/index.js';

const require = createRequire(import.meta.url);

interface PushStream extends NodeJS.WritableStream {
  on(event: 'error', listener: (error: Error) => void): this;
}
/** node-spdy's additions to ServerResponse. */
export interface SpdyResponse extends ServerResponse {
  push(path: string, options: { request?: Record<string, string>; response?: Record<string, string> }): PushStream;
}
export interface SpdyRequest extends IncomingMessage {
  spdyVersion?: number;
}
/** What node-spdy hands to `req.on('push')`. */
export interface SpdyPush extends NodeJS.ReadableStream {
  path: string;
  headers: Record<string, string>;
}

interface SpdyModule {
  createServer(options: object, handler: (req: SpdyRequest, res: SpdyResponse) => void): Server;
  createAgent(options: object): Agent & { close(callback: () => void): void; once(event: '_connect', listener: () => void): void };
}
const spdy = require('spdy') as SpdyModule;

/**
 * Its server in plain mode. It detects SPDY/2 or 3 from the first frame; 3.1
 * needs `autoSpdy31` (frames only say 3), else it keeps no session window and
 * a 3.1 client stalls after 64 KiB of request body.
 */
export async function startSpdyServer(handler: (req: SpdyRequest, res: SpdyResponse) => void): Promise<{ port: number; close: () => Promise<void> }> {
  const server = spdy.createServer({ spdy: { plain: true, ssl: false, protocols: ['spdy/3.1', 'spdy/3', 'spdy/2'], connection: { autoSpdy31: true } } }, handler);
  const sockets = new Set<import('node:net').Socket>();
  server.on('connection', (s: import('node:net').Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Its agent (client), plain mode, speaking `version`; resolves once connected (a POST before that throws inside it). */
export async function startSpdyAgent(port: number, version: ProtocolVersion): Promise<{ agent: Agent; close: () => void }> {
  const agent = spdy.createAgent({ host: '127.0.0.1', port, spdy: { plain: true, ssl: false, protocol: versionToAlpn(version) } });
  agent.on('error', () => {
    // Connection errors surface through the requests' own timeouts and assertions.
  });
  const state = (agent as unknown as { _spdyState: { connection: unknown } })._spdyState;
  if (state.connection === null) await new Promise<void>((resolve) => agent.once('_connect', resolve));
  return { agent, close: () => agent.close(() => undefined) };
}

export interface AgentResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  pushes: { path: string; headers: Record<string, string>; body: Buffer }[];
}

/** One request through the agent; the body is written in a single end() (several Buffer writes lose chunks in plain mode). */
export function agentRequest(
  agent: Agent,
  port: number,
  init: { method?: string; path: string; body?: Buffer; headers?: Record<string, string> },
): Promise<AgentResponse> {
  return new Promise((resolve, reject) => {
    const pushes: Promise<AgentResponse['pushes'][number]>[] = [];
    const req: ClientRequest = http.request({ host: '127.0.0.1', port, method: init.method ?? 'GET', path: init.path, agent, headers: init.headers ?? {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () => {
        void Promise.all(pushes).then((p) => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks), pushes: p }));
      });
    });
    req.on('error', reject);
    (req as unknown as NodeJS.EventEmitter).on('push', (stream: SpdyPush) => {
      pushes.push(
        new Promise((done) => {
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => done({ path: stream.path, headers: stream.headers, body: Buffer.concat(chunks) }));
        }),
      );
    });
    req.end(init.body);
  });
}

/**
 * Sessions and the process around them: a supplied transport, the top-level
 * request(), and sockets that keep the process alive only while there is
 * work (checked in child processes, which must exit on their own).
 */

import { spawn } from 'node:child_process';
import * as net from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { connect, formatTraceEvent, request, SessionPool } from '../src/index.js';
import { engineServer, type Listening } from './helpers.js';

let server: Listening;
beforeAll(async () => {
  server = await engineServer(3, (stream) => {
    stream.session.submitResponse(stream.streamId, [[':status', '200'], [':version', 'HTTP/1.1']], `hello ${stream.headers.find(([n]) => n === ':path')?.[1]}`);
    stream.flush();
  });
});
afterAll(() => server.close());

it('runs a session over a transport the caller connected', async () => {
  const socket = net.connect(server.port, '127.0.0.1');
  await new Promise((resolve) => socket.once('connect', resolve));
  const session = await connect(server.origin, { socket, spdy: 3 });
  expect(session.socket).toBe(socket);
  expect(await (await session.request('/own-socket').end().response).text()).toBe('hello /own-socket');
  await session.close();
  expect(socket.destroyed).toBe(true);
});

it('connect() wants a version for plain TCP and for a supplied socket', async () => {
  await expect(connect(server.origin)).rejects.toThrow(TypeError);
  await expect(connect(server.origin, { socket: new net.Socket() })).rejects.toThrow(/options.spdy/);
  await expect(connect('ftp://127.0.0.1/', { spdy: 3 })).rejects.toThrow(/unsupported scheme/);
});

it('request() runs through the pool it is given', async () => {
  const pool = new SessionPool({ spdy: 3 });
  try {
    const response = await request(`${server.origin}/top-level`, { pool }).end().response;
    expect(await response.text()).toBe('hello /top-level');
  } finally {
    await pool.close();
  }
});

/** Runs `code` (an ES module using @spdy/client) in a child process; resolves with its exit code and output. */
function runScript(code: string): Promise<{ code: number | null; stdout: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
    env: { ...process.env, TSX_TSCONFIG_PATH: new URL('./tsconfig.paths.json', import.meta.url).pathname },
    cwd: new URL('.', import.meta.url).pathname,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let stdout = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  return new Promise((resolve) => child.once('exit', (exitCode) => resolve({ code: exitCode, stdout })));
}

it('an idle session does not keep the process alive, a pending ping does', async () => {
  const script = `
    import { connect } from '@spdy/client';
    const session = await connect('${server.origin}', { spdy: 3 });
    const response = await session.request('/idle').end().response;
    console.log(await response.text());
    console.log(typeof (await session.ping()));
    // No close(): the process must still exit once nothing is pending.
  `;
  const { code, stdout } = await runScript(script);
  expect(stdout).toBe('hello /idle\nnumber\n');
  expect(code).toBe(0);
});

it('drives the engine timers: keep-alive PINGs leave without any request', async () => {
  let sawPing!: () => void;
  const pinged = new Promise<void>((resolve) => (sawPing = resolve));
  const listening = await engineServer(3.1, () => {}, {
    onConnection: (_socket, session) =>
      session.on('controlFrameReceived', (event) => {
        if (event.frame.type === 'PING') sawPing();
      }),
  });
  const session = await connect(listening.origin, { spdy: 3.1, session: { keepAliveInterval: 10 } });
  try {
    await pinged;
    expect(session.isClosed).toBe(false);
  } finally {
    session.destroy();
    await listening.close();
  }
});

it('formats a frame trace: one line per frame, headers indented', async () => {
  const lines: string[] = [];
  const session = await connect(server.origin, { spdy: 3, trace: (event) => lines.push(formatTraceEvent(event)) });
  try {
    await (await session.request('/traced').end().response).text();
  } finally {
    await session.close();
  }
  const text = lines.join('\n');
  expect(text).toMatch(/^send SYN_STREAM stream=1 .*flags=FIN/m);
  expect(text).toMatch(/^ {7}:path: \/traced$/m);
  expect(text).toMatch(/^recv SYN_REPLY stream=1 /m);
  expect(text).toMatch(/^recv DATA stream=1 flags=FIN length=13B$/m);
  expect(text).toMatch(/^send GOAWAY /m);
});

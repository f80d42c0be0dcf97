/**
 * spdy-server as a user runs it: a child process, its one stdout line, and
 * real clients (SPDY over plain TCP and TLS, HTTP/1.1) against it.
 */

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { header, TestClient } from '../../../packages/server/test/support/client.js';
import { makeCertificate, type KeyPair } from '../../../packages/server/test/support/tls.js';

const APP = fileURLToPath(new URL('..', import.meta.url));

interface Running {
  child: ChildProcess;
  port: number;
  stdout: () => string;
  stderr: () => string;
  stop: () => Promise<number | null>;
}

/** Starts the CLI from its sources (workspace packages from theirs) and waits for its line. */
async function start(args: string[]): Promise<Running> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
    cwd: APP,
    env: { ...process.env, TSX_TSCONFIG_PATH: join(APP, 'test', 'tsconfig.paths.json') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.on('data', (c: Buffer) => {
      stdout += c.toString();
      const match = /^listening on 127\.0\.0\.1:(\d+)\n/.exec(stdout);
      if (match) resolve(Number(match[1]));
    });
    child.once('exit', (code) => reject(new Error(`spdy-server exited (${code}) before listening: ${stderr}`)));
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    port,
    stdout: () => stdout,
    stderr: () => stderr,
    stop: () => {
      child.kill('SIGTERM');
      return exited;
    },
  };
}

function http1(port: number, path: string): Promise<{ status: number; type: string | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: res.headers['content-type'], body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('spdy-server with the bundled demo site (plain TCP, SPDY/3.1)', () => {
  let server: Running;
  beforeAll(async () => {
    server = await start(['--port', '0']);
  });
  afterAll(async () => {
    expect(await server.stop()).toBe(0);
  });

  it('prints exactly one line once it accepts connections', () => {
    expect(server.stdout()).toBe(`listening on 127.0.0.1:${server.port}\n`);
  });

  it('serves index.html and pushes its stylesheet and script', async () => {
    const client = await TestClient.connect(server.port, 3.1);
    const res = await client.request('/');
    expect(res.status).toBe('200 OK');
    expect(header(res.headers, 'content-type')).toBe('text/html; charset=utf-8');
    expect(res.body.toString()).toContain('<link rel="stylesheet" href="/style.css">');
    await Promise.all(client.pushes.map((p) => p.closed));
    const pushed = Object.fromEntries(client.pushes.map((p) => [header(p.headers, ':path'), p]));
    expect(Object.keys(pushed).sort()).toEqual(['/app.js', '/style.css']);
    expect(pushed['/style.css']!.body.toString()).toContain('font-family');
    expect(header(pushed['/app.js']!.headers, 'content-type')).toBe('text/javascript; charset=utf-8');
    client.close();
  });

  it('answers 404 for missing files and for paths escaping the directory', async () => {
    const client = await TestClient.connect(server.port, 3.1);
    expect((await client.request('/missing.txt')).status).toBe('404 Not Found');
    expect((await client.request('/../package.json')).status).toBe('404 Not Found');
    expect((await client.request('/%2e%2e/package.json')).status).toBe('404 Not Found');
    client.close();
  });

  it('serves HTTP/1.1 clients on the same port', async () => {
    const res = await http1(server.port, '/style.css');
    expect(res.status).toBe(200);
    expect(res.type).toBe('text/css; charset=utf-8');
  });
});

describe('spdy-server over TLS with a frame trace', () => {
  let keys: KeyPair;
  beforeAll(() => {
    keys = makeCertificate();
  });
  afterAll(() => keys.dispose());

  it('negotiates SPDY/3 by ALPN and prints frames with -v', async () => {
    const server = await start(['--port', '0', '--cert', keys.certFile, '--key', keys.keyFile, '-v']);
    const client = await TestClient.connect(server.port, 3, { tls: true });
    const res = await client.request('/style.css');
    expect(res.status).toBe('200 OK');
    client.close();
    expect(await server.stop()).toBe(0);
    expect(server.stderr()).toContain('<- SYN_STREAM');
    expect(server.stderr()).toContain(':path: /style.css');
    expect(server.stderr()).toContain('-> SYN_REPLY');
  });
});

describe('spdy-server with a directory, push rules and SPDY/2', () => {
  it('pushes what the rule says', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'spdy-site-'));
    writeFileSync(join(dir, 'page.html'), '<html>no links here</html>');
    writeFileSync(join(dir, 'data.json'), '{"a":1}');
    const server = await start(['--port', '0', '--plain', '--spdy', '2', '--dir', dir, '--push', '/page.html=/data.json']);
    const client = await TestClient.connect(server.port, 2);
    const res = await client.request('/page.html');
    expect(res.body.toString()).toBe('<html>no links here</html>');
    await Promise.all(client.pushes.map((p) => p.closed));
    expect(client.pushes.map((p) => [header(p.headers, ':path'), p.body.toString()])).toEqual([['/data.json', '{"a":1}']]);
    client.close();
    expect(await server.stop()).toBe(0);
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('spdy-server --workers', () => {
  it('runs a cluster behind one port and shuts it down gracefully', async () => {
    const server = await start(['--port', '0', '--workers', '2']);
    const clients = await Promise.all(Array.from({ length: 6 }, () => TestClient.connect(server.port, 3.1)));
    const responses = await Promise.all(clients.map((c) => c.request('/app.js')));
    for (const res of responses) expect(res.status).toBe('200 OK');
    for (const c of clients) c.close();
    expect(server.stdout().split('\n').filter(Boolean)).toHaveLength(1);
    expect(await server.stop()).toBe(0);
  });
});

describe('spdy-server flags', () => {
  it('rejects bad flags with a message and exit code 2', async () => {
    await expect(start(['--spdy', '4'])).rejects.toThrow(/--spdy must be 2, 3 or 3.1/);
    await expect(start(['--cert', 'x.pem'])).rejects.toThrow(/--cert and --key go together/);
  });
});

/**
 * spdy-client as people run it: a child process against the example server
 * (plain TCP SPDY), and main() against an HTTP/1.1-only TLS server (the
 * fallback path) for POST data, headers and --insecure.
 */

import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExitCode, main } from '../src/main.js';

const APPS = fileURLToPath(new URL('../..', import.meta.url));
const TSCONFIG = fileURLToPath(new URL('./tsconfig.paths.json', import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), 'spdy-client-cli-'));

/** Runs one of the example CLIs from its sources. */
function runTs(app: 'client' | 'server', args: string[]): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', join(APPS, app, 'src', 'cli.ts'), ...args], {
    env: { ...process.env, TSX_TSCONFIG_PATH: TSCONFIG },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

async function client(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = runTs('client', args);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  return { code, stdout, stderr };
}

/** main() with its output captured. */
async function runMain(args: string[]): Promise<{ code: number; stdout: Buffer; stderr: string }> {
  const out: Buffer[] = [];
  let stderr = '';
  const code = await main(args, { writeOut: (chunk) => out.push(Buffer.from(chunk)), writeErr: (text) => (stderr += text) });
  return { code, stdout: Buffer.concat(out), stderr };
}

describe('usage errors exit with 2', () => {
  it.each([
    [[], /no URL/],
    [['http://127.0.0.1:1/'], /needs --spdy/],
    [['--spdy', '4', 'https://127.0.0.1:1/'], /--spdy must be 2, 3 or 3.1/],
    [['-o', 'x', 'https://a/', 'https://b/'], /single URL/],
    [['-H', 'nocolon', 'https://a/'], /name: value/],
    [['-m', '0', 'https://a/'], /positive integer/],
    [['ftp://a/'], /only http/],
  ])('%j', async (args, message) => {
    const { code, stderr } = await runMain(args as string[]);
    expect(code).toBe(ExitCode.USAGE);
    expect(stderr).toMatch(message);
  });
});

describe('against the example server (plain TCP, SPDY/3.1)', () => {
  let server: ChildProcess;
  let origin: string;
  beforeAll(async () => {
    server = runTs('server', ['--plain', '--spdy', '3.1', '--port', '0']);
    let out = '';
    const port = await new Promise<number>((resolve, reject) => {
      server.stdout!.on('data', (c: Buffer) => {
        out += c.toString();
        const match = /listening on 127\.0\.0\.1:(\d+)/.exec(out);
        if (match) resolve(Number(match[1]));
      });
      server.once('exit', (code) => reject(new Error(`spdy-server exited with ${code}`)));
    });
    origin = `http://127.0.0.1:${port}`;
  });
  afterAll(async () => {
    const exited = new Promise((resolve) => server.once('exit', resolve));
    server.kill('SIGTERM');
    await exited;
  });

  it('fetches the demo page and its pushes, body to stdout, summary to stderr, exit 0', async () => {
    const { code, stdout, stderr } = await client(['--spdy', '3.1', `${origin}/`]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/<html/i);
    expect(stderr).toMatch(new RegExp(`200 ${origin}/ spdy/3\\.1 \\d+ B in`));
    expect(stderr).toMatch(/pushed http:\/\/127\.0\.0\.1:\d+\/\S+ 200 \d+ B/);
    expect(stderr).toMatch(/1 request\(s\): 1 ok, 0 failed, [1-9]\d* pushed/);
  });

  it('-v traces frames, -n discards bodies, -m runs several at once', async () => {
    const { code, stdout, stderr } = await client(['--spdy', '3.1', '-v', '-n', '-m', '2', `${origin}/`, `${origin}/`, `${origin}/`]);
    expect(code).toBe(0);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/send SYN_STREAM stream=1 /);
    expect(stderr).toMatch(/recv SYN_REPLY stream=1 /);
    expect(stderr).toMatch(/3 request\(s\): 3 ok, 0 failed/);
  });

  it('-o writes the body to a file', async () => {
    const file = join(tmp, 'page.html');
    const { code, stdout } = await client(['--spdy', '3.1', '-o', file, `${origin}/`]);
    expect(code).toBe(0);
    expect(stdout).toBe('');
    expect(readFileSync(file, 'utf8')).toMatch(/<html/i);
  });

  it('exits with 1 when a request fails (404, refused connection)', async () => {
    const missing = await client(['--spdy', '3.1', `${origin}/no-such-file`]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/! 404 /);
    const refused = await runMain(['--spdy', '3', 'http://127.0.0.1:1/']);
    expect(refused.code).toBe(ExitCode.FAILED);
    expect(refused.stderr).toMatch(/! FAILED http:\/\/127\.0\.0\.1:1\/: fetch failed: connect ECONNREFUSED/);
  });
});

describe('against an HTTP/1.1-only TLS server', () => {
  let server: https.Server;
  let origin: string;
  beforeAll(async () => {
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', join(tmp, 'key.pem'), '-out', join(tmp, 'cert.pem'), '-days', '2', '-subj', '/CN=localhost',
    ], { stdio: 'ignore' });
    server = https.createServer({ key: readFileSync(join(tmp, 'key.pem')), cert: readFileSync(join(tmp, 'cert.pem')), ALPNProtocols: ['http/1.1'] }, (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => res.end(`${req.method} ${req.headers['x-token']} ${Buffer.concat(chunks).toString()}`));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('refuses a self-signed certificate without --insecure', async () => {
    const { code, stderr } = await runMain([`${origin}/`]);
    expect(code).toBe(ExitCode.FAILED);
    expect(stderr).toMatch(/FAILED/);
  });

  it('POSTs -d data with -H headers over the HTTP/1.1 fallback', async () => {
    const data = join(tmp, 'data.txt');
    writeFileSync(data, 'payload!');
    const { code, stdout, stderr } = await runMain(['--insecure', '-d', data, '-H', 'X-Token: t0k', `${origin}/submit`]);
    expect(code).toBe(ExitCode.OK);
    expect(stdout.toString()).toBe('POST t0k payload!');
    expect(stderr).toMatch(/200 https:\/\/127\.0\.0\.1:\d+\/submit http\/1\.1 17 B/);
  });
});

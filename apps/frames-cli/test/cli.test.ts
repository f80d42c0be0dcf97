/** The executable itself, as a user runs it: arguments, standard streams and exit status of a real process. */

import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fixture } from './io.js';

const appDir = fileURLToPath(new URL('..', import.meta.url));

/** Runs src/cli.ts through tsx, with the workspace packages taken from their sources (no build needed). */
function spdyFrames(args: string[], input?: Uint8Array) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli.ts', ...args], {
    cwd: appDir,
    input,
    env: { ...process.env, TSX_TSCONFIG_PATH: 'test/tsconfig.sources.json' },
    timeout: 60_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr.toString('utf8') };
}

describe('spdy-frames', () => {
  it('decodes a capture file to its golden lines', () => {
    const result = spdyFrames(['decode', '--data', 'utf8', fixture('spdy-transport-server-to-client.bin')]);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout.toString('utf8')).toBe(readFileSync(fixture('spdy-transport-server-to-client.jsonl'), 'utf8'));
  });

  it('encodes lines from standard input into raw bytes on standard output', () => {
    const lines = readFileSync(fixture('spdy-transport-client-to-server.jsonl'));
    const result = spdyFrames(['encode', '--version', '3.1', '-'], lines);
    expect(result.status).toBe(0);
    expect(result.stdout.equals(readFileSync(fixture('spdy-transport-client-to-server.bin')))).toBe(true);
  });

  it('exits 1 on a truncated capture, with the frames on stdout and the fault on stderr', () => {
    const result = spdyFrames(['decode', '-'], readFileSync(fixture('spdy-transport-client-to-server.bin')).subarray(0, 40));
    expect(result.status).toBe(1);
    expect(result.stdout.toString('utf8').trim().split('\n')).toHaveLength(2);
    expect(result.stderr).toMatch(/malformed input at byte 36/);
  });

  it('exits 2 on a usage error', () => {
    const result = spdyFrames(['decode', '--version', '5']);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/--version must be 2, 3 or 3.1/);
  });
});

/**
 * The `spdy-client` command without the process around it: arguments in,
 * bodies and a summary out through an {@link Io}, an exit code back. All the
 * protocol work is @spdy/client's `fetch()`; this file only parses flags,
 * schedules requests and reports.
 */

import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { finished } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import type { ProtocolVersion } from '@spdy/frames';
import { fetch, formatTraceEvent, SessionPool } from '@spdy/client';

/** Where the command writes. */
export interface Io {
  writeOut(chunk: Uint8Array): void;
  writeErr(text: string): void;
}

export const ExitCode = {
  OK: 0,
  /** At least one request failed (no response, or an HTTP status of 400 or more). */
  FAILED: 1,
  /** Bad arguments. */
  USAGE: 2,
} as const;

export const USAGE = `Usage: spdy-client [options] <url>...

Fetches each URL over SPDY and prints the bodies to standard output, then a
summary (status, protocol, size, timings, pushed resources) to standard error.

  https://host:port/path   TLS; ALPN offers spdy/3.1, spdy/3, spdy/2, then http/1.1
                           (a server that only speaks HTTP/1.1 is fetched over it)
  http://host:port/path    plain TCP: SPDY with the version given by --spdy

Options:
  --spdy <2|3|3.1>   SPDY version: required for http:// URLs, the preferred one over TLS
  --insecure         accept a self-signed or otherwise unverified certificate
  -o, --output <f>   write the body to file f (one URL only)
  -n, --null         discard the bodies
  -v, --verbose      trace every frame sent and received on standard error
  -H, --header <h>   add a request header 'name: value' (repeatable)
  -d, --data <f>     POST the contents of file f
  -m, --max <n>      requests in flight at once (default 100)
  -h, --help         this text

Exit status: 0 when every request got a response below 400; 1 when one failed;
2 for usage errors.`;

class UsageError extends Error {}

interface Options {
  urls: URL[];
  spdy: ProtocolVersion | undefined;
  insecure: boolean;
  output: string | undefined;
  discard: boolean;
  verbose: boolean;
  headers: Array<[string, string]>;
  data: string | undefined;
  max: number;
}

function parseOptions(args: string[]): Options | 'help' {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      spdy: { type: 'string' },
      insecure: { type: 'boolean', default: false },
      output: { type: 'string', short: 'o' },
      null: { type: 'boolean', short: 'n', default: false },
      verbose: { type: 'boolean', short: 'v', default: false },
      header: { type: 'string', short: 'H', multiple: true, default: [] },
      data: { type: 'string', short: 'd' },
      max: { type: 'string', short: 'm', default: '100' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return 'help';
  let spdy: ProtocolVersion | undefined;
  if (values.spdy !== undefined) {
    if (!['2', '3', '3.1'].includes(values.spdy)) throw new UsageError(`--spdy must be 2, 3 or 3.1, not ${values.spdy}`);
    spdy = Number(values.spdy) as ProtocolVersion;
  }
  if (positionals.length === 0) throw new UsageError('no URL given');
  const urls = positionals.map((text) => {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      throw new UsageError(`not a URL: ${text}`);
    }
    if (url.protocol === 'http:' && spdy === undefined) throw new UsageError(`${text}: plain TCP (http://) needs --spdy <2|3|3.1>`);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`${text}: only http:// and https:// URLs`);
    return url;
  });
  if (values.output !== undefined && urls.length > 1) throw new UsageError('-o writes the body of a single URL');
  const headers = values.header.map((line): [string, string] => {
    const colon = line.indexOf(':');
    if (colon <= 0) throw new UsageError(`-H wants 'name: value', not ${line}`);
    return [line.slice(0, colon).trim(), line.slice(colon + 1).trim()];
  });
  const max = Number(values.max);
  if (!Number.isInteger(max) || max < 1) throw new UsageError(`-m wants a positive integer, not ${values.max}`);
  return { urls, spdy, insecure: values.insecure, output: values.output, discard: values.null, verbose: values.verbose, headers, data: values.data, max };
}

interface Outcome {
  url: URL;
  ok: boolean;
  line: string;
  pushes: string[];
}

/** Runs the command; resolves with the exit code. */
export async function main(args: string[], io: Io): Promise<number> {
  let options: Options | 'help';
  try {
    options = parseOptions(args);
  } catch (error) {
    io.writeErr(`spdy-client: ${(error as Error).message}\n\n${USAGE}\n`);
    return ExitCode.USAGE;
  }
  if (options === 'help') {
    io.writeErr(`${USAGE}\n`);
    return ExitCode.OK;
  }
  const opts = options;
  const started = performance.now();
  const elapsed = (): string => `${(performance.now() - started).toFixed(1).padStart(8)}ms`;
  const pool = new SessionPool({
    spdy: opts.spdy,
    rejectUnauthorized: !opts.insecure,
    trace: opts.verbose ? (event, session) => io.writeErr(`[${elapsed()}] ${session.origin} ${formatTraceEvent(event)}\n`) : undefined,
  });
  let body: Uint8Array | undefined;
  if (opts.data !== undefined) {
    try {
      body = await readFile(opts.data);
    } catch (error) {
      io.writeErr(`spdy-client: cannot read ${opts.data}: ${(error as Error).message}\n`);
      return ExitCode.USAGE;
    }
  }
  const outcomes: Outcome[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < opts.urls.length) {
      const url = opts.urls[next++] as URL;
      outcomes.push(await fetchOne(url, opts, pool, body, io));
    }
  };
  await Promise.all(Array.from({ length: Math.min(opts.max, opts.urls.length) }, worker));
  await pool.close();

  const failed = outcomes.filter((o) => !o.ok).length;
  const pushes = outcomes.reduce((n, o) => n + o.pushes.length, 0);
  for (const outcome of outcomes) {
    io.writeErr(`${outcome.line}\n`);
    for (const push of outcome.pushes) io.writeErr(`  pushed ${push}\n`);
  }
  io.writeErr(`${outcomes.length} request(s): ${outcomes.length - failed} ok, ${failed} failed, ${pushes} pushed, ${(performance.now() - started).toFixed(1)} ms\n`);
  return failed > 0 ? ExitCode.FAILED : ExitCode.OK;
}

async function fetchOne(url: URL, opts: Options, pool: SessionPool, body: Uint8Array | undefined, io: Io): Promise<Outcome> {
  const start = performance.now();
  const pushes: Promise<string>[] = [];
  try {
    const response = await fetch(url, {
      method: body === undefined ? 'GET' : 'POST',
      headers: opts.headers,
      body,
      pool,
      onPush: (request, pushed) => pushes.push(drain(pushed.body).then((n) => `${request.url} ${pushed.status} ${n} B`)),
    });
    const headersAt = performance.now() - start;
    const size = await deliver(response, opts, io);
    const protocol = pool.protocol(url) ?? '?';
    const ok = response.status < 400;
    const line = `${ok ? '  ' : '! '}${response.status} ${url.href} ${protocol} ${size} B in ${(performance.now() - start).toFixed(1)} ms (headers after ${headersAt.toFixed(1)} ms)`;
    return { url, ok, line, pushes: await Promise.all(pushes) };
  } catch (error) {
    const cause = (error as Error).cause as Error | undefined;
    const reason = `${(error as Error).message}${cause?.message !== undefined ? `: ${cause.message}` : ''}`;
    return { url, ok: false, line: `! FAILED ${url.href}: ${reason}`, pushes: await Promise.all(pushes) };
  }
}

/** Writes or discards a response body; returns its size. */
async function deliver(response: Response, opts: Options, io: Io): Promise<number> {
  if (response.body === null) return 0;
  if (opts.discard) return drain(response.body);
  if (opts.output !== undefined) {
    const file = createWriteStream(opts.output);
    let size = 0;
    for await (const chunk of response.body) {
      size += chunk.length;
      if (!file.write(chunk)) await once(file, 'drain');
    }
    file.end();
    await finished(file);
    return size;
  }
  // Bodies go to standard output whole, so concurrent responses never interleave.
  const bytes = new Uint8Array(await response.arrayBuffer());
  io.writeOut(bytes);
  return bytes.length;
}

async function drain(body: ReadableStream<Uint8Array> | null): Promise<number> {
  let size = 0;
  if (body !== null) for await (const chunk of body) size += chunk.length;
  return size;
}

/**
 * The command line of spdy-server: flags into a configuration.
 */

import type { ServerOptions } from '@spdy/server';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parsePushRules, type PushPolicy } from './static.js';

export const USAGE = `usage: spdy-server [--dir <path>] [--port <n>] [--host <addr>]
                   [--cert <file> --key <file> | --plain --spdy <2|3|3.1>]
                   [--workers <n>] [--push <page>=<asset>,...]... [--no-push] [-v]

  --dir       directory to serve (default: the bundled demo site)
  --port      port to listen on; 0 picks a free one (default 8443 with TLS, 8080 plain)
  --host      address to listen on (default 127.0.0.1)
  --cert/--key  TLS certificate and key (PEM): ALPN offers spdy/3.1, spdy/3, spdy/2, http/1.1
  --plain     plain TCP (the default without --cert): SPDY of --spdy, or HTTP/1.1
  --spdy      SPDY version for plain TCP (default 3.1)
  --workers   worker processes sharing the port (default 1; 0 = one per core)
  --push      push rule: with <page>, push the listed assets (repeatable)
  --no-push   push nothing (default: push the stylesheets and scripts an HTML page links)
  -v          print every frame to stderr`;

/** The bundled demo site, next to src/ and dist/. */
const DEMO_SITE = join(dirname(fileURLToPath(import.meta.url)), '..', 'site');

export interface CliConfig {
  dir: string;
  port: number;
  host: string;
  options: ServerOptions;
  workers: number;
  push: PushPolicy;
  verbose: boolean;
}

/** Reads the command line; throws an Error with a message for the user on bad flags. */
export function parseCli(argv: readonly string[]): CliConfig {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      dir: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string', default: '127.0.0.1' },
      cert: { type: 'string' },
      key: { type: 'string' },
      plain: { type: 'boolean', default: false },
      spdy: { type: 'string', default: '3.1' },
      workers: { type: 'string', default: '1' },
      push: { type: 'string', multiple: true, default: [] },
      'no-push': { type: 'boolean', default: false },
      v: { type: 'boolean', short: 'v', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) throw new Error(USAGE);
  const tls = values.cert !== undefined || values.key !== undefined;
  if (tls && (values.cert === undefined || values.key === undefined)) throw new Error('--cert and --key go together');
  if (tls && values.plain) throw new Error('--plain and --cert/--key exclude each other');
  const version = { '2': 2, '3': 3, '3.1': 3.1 }[values.spdy];
  if (version === undefined) throw new Error(`--spdy must be 2, 3 or 3.1, got ${values.spdy}`);
  const port = Number(values.port ?? (tls ? 8443 : 8080));
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be 0..65535, got ${values.port}`);
  const workers = Number(values.workers);
  if (!Number.isInteger(workers) || workers < 0) throw new Error(`--workers must be a non-negative integer, got ${values.workers}`);
  const push: PushPolicy = values['no-push'] ? 'off' : values.push.length > 0 ? parsePushRules(values.push) : 'auto';
  const options: ServerOptions = tls
    ? { tls: { key: readFileSync(values.key!), cert: readFileSync(values.cert!) } }
    : { plain: { version: version as 2 | 3 | 3.1 } };
  return { dir: values.dir ?? DEMO_SITE, port, host: values.host, options, workers, push, verbose: values.v };
}


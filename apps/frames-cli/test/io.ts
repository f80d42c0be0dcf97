/** An in-memory {@link Io} for running the command without a process. */

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type Io, main } from '../src/main.js';

export const fixture = (name: string): string => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));

export interface Run {
  code: number;
  /** Standard output as bytes (encode writes raw bytes). */
  bytes: Uint8Array;
  stdout: string;
  stderr: string;
  /** The order in which the two streams were written to, e.g. ['out', 'err']. */
  order: Array<'out' | 'err'>;
}

/** Runs `spdy-frames args`, with `stdin` as standard input and files read from disk. */
export async function run(args: string[], stdin: string | Uint8Array = ''): Promise<Run> {
  const out: Uint8Array[] = [];
  let stderr = '';
  const order: Array<'out' | 'err'> = [];
  const io: Io = {
    readInput: async (file) => (file === undefined ? (typeof stdin === 'string' ? new TextEncoder().encode(stdin) : stdin) : readFileSync(file)),
    writeOut: (chunk) => {
      out.push(typeof chunk === 'string' ? new TextEncoder().encode(chunk) : chunk);
      order.push('out');
    },
    writeErr: (text) => {
      stderr += text;
      order.push('err');
    },
  };
  const code = await main(args, io);
  const bytes = new Uint8Array(Buffer.concat(out));
  return { code, bytes, stdout: new TextDecoder().decode(bytes), stderr, order };
}

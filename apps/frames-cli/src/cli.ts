#!/usr/bin/env node
/** The `spdy-frames` executable: binds {@link main} to this process. */

import { readFile } from 'node:fs/promises';
import { main } from './main.js';

async function readStdin(): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

// A closed pipe (`spdy-frames decode x | head`) is the reader's choice, not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

process.exitCode = await main(process.argv.slice(2), {
  readInput: (file) => (file === undefined ? readStdin() : readFile(file)),
  writeOut: (chunk) => process.stdout.write(chunk),
  writeErr: (text) => process.stderr.write(text),
});

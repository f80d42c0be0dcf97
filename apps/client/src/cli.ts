#!/usr/bin/env node
/** The `spdy-client` executable: binds {@link main} to this process. */

import { main } from './main.js';

// A closed pipe (`spdy-client URL | head`) is the reader's choice, not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

process.exitCode = await main(process.argv.slice(2), {
  writeOut: (chunk) => process.stdout.write(chunk),
  writeErr: (text) => process.stderr.write(text),
});

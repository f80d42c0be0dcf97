/**
 * The benchmark server, in its own process so it does not share the load
 * client's CPU: @spdy/server over plain TCP, SPDY/3.1, answering every GET
 * with 1 KiB. Prints its port; exits when stdin closes.
 */

import type { AddressInfo } from 'node:net';
import { createServer } from '@spdy/server';

const SMALL = Buffer.alloc(1024, 0x61);

const server = createServer({ plain: { version: 3.1 }, maxConcurrentStreams: 1000 }, (_req, res) => {
  res.setHeader('content-type', 'text/plain');
  res.end(SMALL);
});
server.listen(0, '127.0.0.1', () => process.stdout.write(`${(server.address() as AddressInfo).port}\n`));
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));

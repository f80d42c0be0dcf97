/**
 * The handler the tests serve, and helpers to start and stop servers.
 */

import { createHash, randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import type { RequestListener, ServerRequest, SpdyServer } from '../../src/index.js';

/** A block repeated to make large bodies cheaply. */
export const BLOCK = randomBytes(1 << 20);

/** `size` bytes of BLOCK repeated, as a stream that respects backpressure. */
export function bigBody(size: number): Readable {
  let sent = 0;
  return new Readable({
    read() {
      if (sent >= size) {
        this.push(null);
        return;
      }
      const n = Math.min(BLOCK.length, size - sent);
      sent += n;
      this.push(BLOCK.subarray(0, n));
    },
  });
}

/** sha256 of `bigBody(size)`. */
export function bigBodyHash(size: number): string {
  const hash = createHash('sha256');
  for (let sent = 0; sent < size; sent += BLOCK.length) hash.update(BLOCK.subarray(0, Math.min(BLOCK.length, size - sent)));
  return hash.digest('hex');
}

export function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

async function readAll(req: ServerRequest): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/**
 * Routes:
 * - `GET /hello` -> "hello <method> <spdy version>"
 * - `POST /echo` -> the body, streamed back
 * - `POST /hash` -> sha256 of the body
 * - `GET /big/<n>` -> n bytes of BLOCK
 * - `GET /page` -> pushes /style.css and /app.js, then the page
 * - `GET /trailers` -> a body and trailers
 * - `GET /throw` -> a handler that throws
 */
export const testHandler: RequestListener = async (req, res) => {
  const url = req.url ?? '/';
  if (url === '/hello') {
    res.setHeader('content-type', 'text/plain');
    res.setHeader('connection', 'keep-alive'); // connection-specific: dropped over SPDY
    res.end(`hello ${req.method} ${req.spdyVersion ?? 'http/1.1'}`);
  } else if (url === '/echo') {
    res.setHeader('content-type', 'application/octet-stream');
    req.pipe(res);
  } else if (url === '/hash') {
    const body = await readAll(req);
    res.end(sha256(body));
  } else if (url.startsWith('/big/')) {
    bigBody(Number(url.slice(5))).pipe(res);
  } else if (url === '/page') {
    const css = res.push('/style.css', { response: { 'content-type': 'text/css' } });
    css?.end('body { color: red }');
    const js = res.push('/app.js', { response: { 'content-type': 'text/javascript' } });
    js?.end('console.log(1)');
    res.setHeader('content-type', 'text/html');
    res.end(`<html>${css ? 'pushed' : 'not pushed'}</html>`);
  } else if (url === '/trailers') {
    res.setHeader('trailer', 'x-checksum');
    res.write('body');
    res.addTrailers({ 'x-checksum': 'abc' });
    res.end();
  } else if (url === '/throw') {
    throw new Error('handler failure (expected by the test)');
  } else {
    res.statusCode = 404;
    res.end('not found');
  }
};

export function listen(server: SpdyServer): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

export function close(server: SpdyServer): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

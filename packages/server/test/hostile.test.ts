import { encodeFrame, RstStatus } from '@spdy/frames';
import { HeaderDeflater } from '@spdy/zlib-headers';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type SpdyServer } from '../src/index.js';
import { BLOCK, close, listen, testHandler } from './support/app.js';
import { expectStillServing, TestClient } from './support/client.js';
import { rawConnect } from './support/raw-peer.js';


function synStream(deflater: HeaderDeflater, streamId: number, headers: Record<string, string>, fin = true): Uint8Array {
  return encodeFrame(
    { type: 'SYN_STREAM', flags: fin ? 1 : 0, streamId, associatedStreamId: 0, priority: 0, slot: 0, headerBlock: deflater.deflate(headers) },
    3,
  );
}

const GET = { ':method': 'GET', ':path': '/hello', ':version': 'HTTP/1.1', ':host': 'x', ':scheme': 'http' };

let server: SpdyServer;
let port: number;
const produced = { bytes: 0 };

beforeAll(async () => {
  server = createServer({ plain: { version: 3 }, maxConcurrentStreams: 100 }, (req, res) => {
    if (req.url === '/endless') {
      // Counts what the handler produced: that is what the server could have to buffer.
      const source = new Readable({
        read() {
          produced.bytes += BLOCK.length;
          this.push(BLOCK);
        },
      });
      source.pipe(res);
      res.on('close', () => source.destroy());
      return;
    }
    return testHandler(req, res);
  });
  port = await listen(server);
});
afterAll(() => close(server));

describe('hostile peers', () => {
  it('garbage after a SPDY-looking first byte: GOAWAY and close, server unaffected', async () => {
    const errors: string[] = [];
    const onError = (error: Error) => errors.push(error.message);
    server.on('sessionError', onError);
    const peer = await rawConnect(port);
    peer.socket.write(Buffer.from([0x80, 0x03, 0x00, 0x63, 0xff, 0xff, 0xff, 0xff, 1, 2, 3, 4, 5, 6, 7, 8]));
    await peer.closed;
    server.off('sessionError', onError);
    expect(errors).toHaveLength(1);
    expect(peer.frames.some((f) => f.type === 'GOAWAY')).toBe(true);
    await expectStillServing(port);
  });

  it('garbage that is not SPDY is an HTTP/1.1 parse error: 400 and close', async () => {
    const peer = await rawConnect(port);
    const received: Buffer[] = [];
    peer.socket.removeAllListeners('data');
    peer.socket.on('data', (c: Buffer) => received.push(c));
    peer.socket.write(Buffer.from('\x01\x02garbage\r\n\r\n'));
    await peer.closed;
    expect(Buffer.concat(received).toString()).toMatch(/^HTTP\/1\.1 400/);
    await expectStillServing(port);
  });

  it('half a frame then close', async () => {
    const peer = await rawConnect(port);
    const frame = synStream(new HeaderDeflater(3), 1, GET);
    peer.socket.end(frame.subarray(0, 11));
    await peer.closed;
    await expectStillServing(port);
  });

  it('past MAX_CONCURRENT_STREAMS, extra streams are refused; the others are served', async () => {
    const peer = await rawConnect(port);
    const deflater = new HeaderDeflater(3, { level: 0 });
    const frames: Uint8Array[] = [];
    // 10,000 streams at once; SYN_STREAM with FIN, so each is a complete request.
    for (let i = 0; i < 10_000; i++) frames.push(synStream(deflater, 2 * i + 1, GET));
    peer.socket.write(Buffer.concat(frames));
    await new Promise<void>((resolve) => {
      const check = () => {
        const done = peer.frames.filter((f) => (f.type === 'RST_STREAM') || (f.type === 'DATA' && (f.flags & 1) === 1)).length;
        if (done >= 10_000) resolve();
      };
      peer.socket.on('data', check);
    });
    const refused = peer.frames.filter((f) => f.type === 'RST_STREAM' && f.status === RstStatus.REFUSED_STREAM).length;
    const answered = peer.frames.filter((f) => f.type === 'SYN_REPLY').length;
    expect(refused).toBeGreaterThan(0);
    expect(answered).toBeGreaterThanOrEqual(100);
    expect(refused + answered).toBe(10_000);
    peer.socket.destroy();
    await expectStillServing(port);
  });

  it('a header bomb is rejected without inflating it; the server keeps serving', async () => {
    const peer = await rawConnect(port);
    // Highly compressible: 4 MiB of headers in a small frame.
    const bomb: Record<string, string> = { ...GET };
    for (let i = 0; i < 4; i++) bomb[`x-bomb-${i}`] = 'a'.repeat(1 << 20);
    const frame = synStream(new HeaderDeflater(3), 1, bomb);
    expect(frame.length).toBeLessThan(65536);
    peer.socket.write(frame);
    await Promise.race([peer.closed, new Promise<void>((resolve) => peer.socket.on('data', () => peer.frames.some((f) => f.type === 'RST_STREAM' || f.type === 'GOAWAY') && resolve()))]);
    expect(peer.frames.some((f) => f.type === 'SYN_REPLY')).toBe(false);
    peer.socket.destroy();
    await expectStillServing(port);
  });

  it('a client that never reads: the server stops producing instead of buffering', async () => {
    // A huge window, so flow control does not stop the server: only the socket's backpressure does.
    const client = await TestClient.connect(port, 3, { session: { initialWindowSize: 0x7fffffff } });
    client.socket.pause();
    void client.request('/endless');
    // Wait until production stalls (bounded): a server that buffered without limit never would.
    let last = -1;
    for (let i = 0; i < 50 && produced.bytes !== last; i++) {
      last = produced.bytes;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(produced.bytes).toBe(last);
    // Kernel socket buffers plus our bounded queues: far below what an unbounded server would hold.
    expect(produced.bytes).toBeLessThan(64 << 20);
    client.close();
    await expectStillServing(port);
  });
});

describe('a handler that does not read the request body', () => {
  it('holds the client to its window instead of buffering the upload', async () => {
    let held: import('../src/index.js').ServerRequest | undefined;
    const server = createServer({ plain: { version: 3.1 } }, (req) => {
      held = req; // never read, never answered
    });
    const port = await listen(server);
    const client = await TestClient.connect(port, 3.1);
    void client.request('/upload', { body: new Uint8Array(10 << 20) });
    const id = client.lastStreamId;
    // Wait (bounded) until the client can send no more: its window is spent and no WINDOW_UPDATE comes.
    for (let i = 0; i < 200 && !(held && client.session.sendWindow(id) <= 0 && held.readableLength >= 65536); i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(client.session.sendWindow(id)).toBeLessThanOrEqual(0);
    expect(held!.readableLength).toBeLessThanOrEqual(65536);
    // Reading releases it: the rest of the upload arrives.
    let total = 0;
    held!.on('data', (c: Buffer) => (total += c.length));
    await new Promise((resolve) => held!.on('end', resolve));
    expect(total).toBe(10 << 20);
    client.close();
    await close(server);
  });
});

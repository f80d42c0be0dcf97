/**
 * The session's abuse limits through a real server: a flooding client gets
 * GOAWAY with the right status and is disconnected, a client under the limit
 * is unaffected, and other clients are still served afterwards.
 */
import { encodeFrame, GoawayStatus, RstStatus, type Frame, type SpdyProtocolError } from '@spdy/frames';
import { HeaderDeflater } from '@spdy/zlib-headers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type SpdyServer } from '../src/index.js';
import { close, listen, testHandler } from './support/app.js';
import { expectStillServing, TestClient } from './support/client.js';
import { rawConnect, type RawPeer } from './support/raw-peer.js';

const GET = { ':method': 'GET', ':path': '/hello', ':version': 'HTTP/1.1', ':host': 'x', ':scheme': 'http' };

function synStream(deflater: HeaderDeflater, streamId: number, headers: Record<string, string> = GET): Buffer {
  return Buffer.from(
    encodeFrame({ type: 'SYN_STREAM', flags: 1, streamId, associatedStreamId: 0, priority: 0, slot: 0, headerBlock: deflater.deflate(headers) }, 3),
  );
}

function frames(list: Frame[]): Buffer {
  return Buffer.concat(list.map((f) => encodeFrame(f, 3)));
}

function pings(from: number, n: number): Buffer {
  return frames(Array.from({ length: n }, (_, i): Frame => ({ type: 'PING', flags: 0, id: from + 2 * i })));
}

let server: SpdyServer;
let port: number;
const errors: string[] = [];

beforeAll(async () => {
  server = createServer({ plain: { version: 3 } }, testHandler);
  server.on('sessionError', (error: SpdyProtocolError) => errors.push(error.code));
  port = await listen(server);
});
afterAll(() => close(server));

async function expectFloodEnds(peer: RawPeer, code: string): Promise<void> {
  await peer.closed;
  expect(peer.frames.find((f) => f.type === 'GOAWAY')).toMatchObject({ status: GoawayStatus.PROTOCOL_ERROR });
  expect(errors).toContain(code);
  await expectStillServing(port);
}

describe('abuse limits through the server', () => {
  it('a few PINGs are echoed and the session keeps serving', async () => {
    const peer = await rawConnect(port);
    peer.socket.write(pings(1, 50));
    await peer.until((f) => f.filter((x) => x.type === 'PING').length === 50);
    peer.socket.write(synStream(new HeaderDeflater(3), 1));
    await peer.until((f) => f.some((x) => x.type === 'SYN_REPLY'));
    expect(peer.frames.some((f) => f.type === 'GOAWAY')).toBe(false);
    peer.socket.destroy();
  });

  it('a PING flood ends the session with GOAWAY PROTOCOL_ERROR', async () => {
    const peer = await rawConnect(port);
    peer.socket.write(pings(1, 2000));
    await expectFloodEnds(peer, 'ERR_SPDY_PING_FLOOD');
  });

  it('rapid reset (open and cancel at once) ends the session', async () => {
    const peer = await rawConnect(port);
    const deflater = new HeaderDeflater(3, { level: 0 });
    const out: Buffer[] = [];
    for (let i = 0, id = 1; i < 1000; i++, id += 2) {
      out.push(synStream(deflater, id), frames([{ type: 'RST_STREAM', flags: 0, streamId: id, status: RstStatus.CANCEL }]));
    }
    peer.socket.write(Buffer.concat(out));
    await expectFloodEnds(peer, 'ERR_SPDY_RAPID_RESET');
  });

  it('a SETTINGS flood ends the session', async () => {
    const peer = await rawConnect(port);
    const settings: Frame = { type: 'SETTINGS', flags: 0, entries: [{ id: 4, flags: 0, value: 100 }] };
    peer.socket.write(frames(Array.from({ length: 1000 }, () => settings)));
    await expectFloodEnds(peer, 'ERR_SPDY_SETTINGS_FLOOD');
  });

  it('DATA for invalid streams, by the thousand, ends the session', async () => {
    const peer = await rawConnect(port);
    const data = new Uint8Array(1);
    // A control frame first: the server tells SPDY from HTTP/1.1 by the first byte.
    peer.socket.write(pings(1, 1));
    peer.socket.write(frames(Array.from({ length: 5000 }, (_, i): Frame => ({ type: 'DATA', flags: 0, streamId: 1001 + 2 * i, data }))));
    await expectFloodEnds(peer, 'ERR_SPDY_INVALID_FRAME_FLOOD');
  });

  it('a request with too many headers is refused; the connection keeps serving', async () => {
    const peer = await rawConnect(port);
    const deflater = new HeaderDeflater(3);
    const many: Record<string, string> = { ...GET };
    for (let i = 0; i < 300; i++) many[`x-h${i}`] = 'v';
    peer.socket.write(Buffer.concat([synStream(deflater, 1, many), synStream(deflater, 3)]));
    await peer.until((f) => f.some((x) => x.type === 'SYN_REPLY'));
    expect(peer.frames.find((f) => f.type === 'RST_STREAM')).toMatchObject({ streamId: 1, status: RstStatus.FRAME_TOO_LARGE });
    expect(peer.frames.find((f) => f.type === 'SYN_REPLY')).toMatchObject({ streamId: 3 });
    peer.socket.destroy();
  });
});

describe('idle and silent clients', () => {
  it('a silent TCP connection (firstByteTimeout) and an idle session (idleTimeout) are closed; others are served', async () => {
    const quick = createServer({ plain: { version: 3 }, firstByteTimeout: 50, idleTimeout: 50 }, testHandler);
    const quickPort = await listen(quick);
    const silent = await rawConnect(quickPort);
    const idle = await rawConnect(quickPort);
    idle.socket.write(pings(1, 1));
    await Promise.all([silent.closed, idle.closed]);
    expect(silent.frames).toHaveLength(0);
    // The idle session was told why: GOAWAY OK.
    expect(idle.frames.find((f) => f.type === 'GOAWAY')).toMatchObject({ status: GoawayStatus.OK });
    const client = await TestClient.connect(quickPort, 3);
    expect((await client.request('/hello')).body.toString()).toBe('hello GET 3');
    client.close();
    await close(quick);
  });
});

describe('a client that floods and never reads', () => {
  it('control frames queued past the limit end the session, and its socket is dropped', { timeout: 30_000 }, async () => {
    // The queue limit is above what one 64 KiB read can queue (5461 PINGs), so it is crossed only
    // while the socket is write-blocked: the GOAWAY then cannot leave either.
    const flooded = createServer({ plain: { version: 3 }, session: { maxPingsPerSecond: 0, maxQueuedControlFrames: 20_000 } }, testHandler);
    const codes: string[] = [];
    flooded.on('sessionError', (error: SpdyProtocolError) => codes.push(error.code));
    const serverSide = new Promise<void>((resolve) => flooded.once('session', (c) => c.socket.once('close', () => resolve())));
    const floodedPort = await listen(flooded);
    const peer = await rawConnect(floodedPort);
    peer.socket.pause();
    // 1 MiB of PINGs at a time until the session gives up: the echoes fill the socket buffers, then the queue.
    const chunk = pings(1, 87_000);
    for (let i = 0; i < 256 && codes.length === 0; i++) {
      if (!peer.socket.write(chunk)) await new Promise((resolve) => peer.socket.once('drain', resolve));
    }
    expect(codes).toEqual(['ERR_SPDY_OUTBOUND_QUEUE']);
    await serverSide;
    peer.socket.destroy();
    const client = await TestClient.connect(floodedPort, 3);
    expect((await client.request('/hello')).body.toString()).toBe('hello GET 3');
    client.close();
    await close(flooded);
  });
});

/**
 * DATA frames straddling reads: delivered in pieces, views of the input, yet
 * judged, counted and reported once per frame, whatever the split.
 */
import { Flag, RstStatus, encodeFrame, wireVersion } from '@spdy/frames';
import type { ProtocolVersion } from '@spdy/frames';
import { describe, expect, it } from 'vitest';
import { Session } from '../src/index.js';
import type { SessionEvent } from '../src/types.js';
import { pseudoRandomBytes, sha256 } from './support/pair.js';
import { ALL_VERSIONS, FLOW_VERSIONS, concat, ofType, started } from './support/peer.js';

const GET = { ':method': 'POST', ':path': '/', ':version': 'HTTP/1.1', ':scheme': 'https', ':host': 'h' };

/** What a client writes for two POSTs whose bodies span several 1000-byte DATA frames. */
function clientBytes(version: ProtocolVersion): Uint8Array {
  const client = new Session({ side: 'client', version, maxOutboundDataFrameSize: 1000 });
  client.submitRequest({ headers: GET, body: pseudoRandomBytes(2500, 1) });
  client.submitRequest({ headers: GET, body: pseudoRandomBytes(1200, 2) });
  const out: Uint8Array[] = [];
  for (let chunk = client.pull(); chunk !== undefined; chunk = client.pull()) out.push(chunk.slice());
  return concat(out);
}

/** The server's events for `chunks`, and each stream's DATA chunks joined into one body (length and digest). */
function serve(version: ProtocolVersion, chunks: readonly Uint8Array[]): { events: SessionEvent[]; bodies: Map<number, string> } {
  const events: SessionEvent[] = [];
  const parts = new Map<number, Uint8Array[]>();
  const server = new Session({
    side: 'server',
    version,
    onEvent: (e: SessionEvent) => {
      if (e.type === 'dataChunkReceived') {
        // Copy: a chunk may be a view of the input.
        parts.set(e.streamId, [...(parts.get(e.streamId) ?? []), e.data.slice()]);
      } else {
        events.push(e);
      }
    },
  });
  for (const chunk of chunks) server.receive(chunk);
    const bodies = new Map([...parts].map(([id, p]) => {
    const body = concat(p);
    return [id, `${body.length} ${sha256(body)}`];
  }));
  return { events, bodies };
}

describe.each(ALL_VERSIONS)('SPDY/%s DATA across reads', (version) => {
  it('gives the same bodies and dataFrameReceived events at every split point', () => {
    const bytes = clientBytes(version);
    const whole = serve(version, [bytes]);
    expect(whole.events.filter((e) => e.type === 'dataFrameReceived')).toHaveLength(5);
    expect([...whole.bodies.values()].map((b) => b.split(' ')[0])).toEqual(['2500', '1200']);
    for (let at = 1; at < bytes.length; at++) {
      const split = serve(version, [bytes.subarray(0, at), bytes.subarray(at)]);
      expect(split.events).toEqual(whole.events);
      expect(split.bodies).toEqual(whole.bodies);
    }
  });

  it('delivers a frame split across reads as views of the input, and reports the frame once', () => {
    const peer = started({ side: 'server', version });
    peer.synStream({ streamId: 1 });
    const data = pseudoRandomBytes(5000, 3);
    const input = encodeFrame({ type: 'DATA', streamId: 1, flags: Flag.FIN, data }, wireVersion(version));
    peer.events.length = 0;
    peer.bytes(input.subarray(0, 1000));
    peer.bytes(input.subarray(1000, 3000));
    peer.bytes(input.subarray(3000));
    const chunks = peer.events.filter((e) => e.type === 'dataChunkReceived');
    expect(chunks.map((c) => [c.data.length, c.flags])).toEqual([
      [992, 0],
      [2000, 0],
      [2008, Flag.FIN],
    ]);
    for (const c of chunks) expect(c.data.buffer).toBe(input.buffer);
    expect(concat(chunks.map((c) => c.data))).toEqual(data);
    expect(peer.events.filter((e) => e.type === 'dataFrameReceived')).toEqual([{ type: 'dataFrameReceived', streamId: 1, flags: Flag.FIN, length: 5000 }]);
    expect(peer.events.map((e) => e.type).filter((t) => t === 'streamEnded' || t === 'requestReceived')).toEqual(['streamEnded', 'requestReceived']);
  });

  it('refuses a split frame for an unknown stream once, then drops its other pieces silently', () => {
    const peer = started({ side: 'server', version });
    const input = encodeFrame({ type: 'DATA', streamId: 5, flags: 0, data: new Uint8Array(3000) }, wireVersion(version));
    for (const at of [0, 1000, 2000]) peer.bytes(input.subarray(at, at + 1000));
    peer.bytes(input.subarray(3000));
    expect(ofType(peer.read(), 'RST_STREAM')).toEqual([expect.objectContaining({ streamId: 5, status: RstStatus.INVALID_STREAM })]);
    expect(peer.events.filter((e) => e.type === 'dataChunkReceived')).toEqual([]);
  });
});

describe.each(FLOW_VERSIONS)('SPDY/%s flow control of DATA across reads', (version) => {
  it('rejects a frame beyond the stream window on its first piece, with one RST_STREAM', () => {
    const input = encodeFrame({ type: 'DATA', streamId: 1, flags: 0, data: new Uint8Array(70_000) }, wireVersion(version));
    const run = (step: number) => {
      const peer = started({ side: 'server', version, sessionWindowSize: 100_000 });
      peer.synStream({ streamId: 1 });
      peer.read();
      for (let at = 0; at < input.length; at += step) peer.bytes(input.subarray(at, at + step));
      // A second refused frame takes the session window past its WINDOW_UPDATE threshold.
      peer.bytes(input);
      return { written: peer.read(), chunks: peer.events.filter((e) => e.type === 'dataChunkReceived'), window: peer.session.receiveWindow(0) };
    };
    const split = run(20_000);
    expect(ofType(split.written, 'RST_STREAM')).toEqual([expect.objectContaining({ streamId: 1, status: RstStatus.FLOW_CONTROL_ERROR })]);
    expect(split.chunks).toEqual([]);
    // Every byte of the refused frames went through the 3.1 session window and back, as when the frame came whole.
    expect(split).toEqual(run(input.length));
    const returned = ofType(split.written, 'WINDOW_UPDATE').filter((u) => u.streamId === 0).reduce((sum, u) => sum + u.deltaWindowSize, 0);
    expect(returned).toBe(version === 3.1 ? 140_000 : 0);
  });

  it('manual mode: the pieces are consumed one by one and the windows come back whole', () => {
    const peer = started({ side: 'server', version, flowControl: 'manual' });
    peer.synStream({ streamId: 1 });
    const input = encodeFrame({ type: 'DATA', streamId: 1, flags: 0, data: new Uint8Array(40_000) }, wireVersion(version));
    peer.bytes(input.subarray(0, 15_000));
    peer.bytes(input.subarray(15_000));
    expect(peer.session.receiveWindow(1)).toBe(65536 - 40_000);
    const chunks = peer.events.filter((e) => e.type === 'dataChunkReceived');
    expect(chunks).toHaveLength(2);
    for (const c of chunks) peer.session.consume(1, c.data.length);
    expect(peer.session.receiveWindow(1)).toBe(65536);
    if (version === 3.1) expect(peer.session.receiveWindow(0)).toBe(65536);
  });

  it('drops the rest of a frame silently when a listener resets its stream after the first piece', () => {
    const peer = started({ side: 'server', version, sessionWindowSize: 100_000 });
    peer.synStream({ streamId: 1 });
    peer.read();
    peer.session.on('dataChunkReceived', (e) => peer.session.submitRstStream(e.streamId, RstStatus.CANCEL));
    const input = encodeFrame({ type: 'DATA', streamId: 1, flags: 0, data: new Uint8Array(60_000) }, wireVersion(version));
    for (let at = 0; at < input.length; at += 20_000) peer.bytes(input.subarray(at, at + 20_000));
    const written = peer.read();
    expect(ofType(written, 'RST_STREAM')).toEqual([expect.objectContaining({ streamId: 1, status: RstStatus.CANCEL })]);
    expect(peer.events.filter((e) => e.type === 'dataChunkReceived').map((e) => e.data.length)).toEqual([19_992]);
    expect(peer.events.filter((e) => e.type === 'dataFrameReceived')).toEqual([]);
    // The session window got all 60000 bytes back: the delivered piece and the dropped rest.
    const returned = ofType(written, 'WINDOW_UPDATE').filter((u) => u.streamId === 0).reduce((sum, u) => sum + u.deltaWindowSize, 0);
    expect(returned).toBe(version === 3.1 ? 60_000 : 0);
  });
});

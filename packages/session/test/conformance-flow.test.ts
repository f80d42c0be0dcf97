/**
 * Flow control: per-stream windows (draft 3 §2.6.8) and the session window of
 * SPDY/3.1 (draft 3.1 §2.6.8), SETTINGS_INITIAL_WINDOW_SIZE, automatic and
 * manual WINDOW_UPDATE, and the option for peers without flow control.
 */

import { Flag, GoawayStatus, MAX_WINDOW_SIZE, RstStatus, SettingsId } from '@spdy/frames';
import { describe, expect, it } from 'vitest';
import { SessionStateError } from '../src/index.js';
import { FLOW_VERSIONS, Peer, ofType, started } from './support/peer.js';

const POST = { ':method': 'POST', ':path': '/upload', ':version': 'HTTP/1.1', ':scheme': 'https', ':host': 'a' };

function dataBytes(peer: Peer, streamId?: number): number {
  return ofType(peer.read(), 'DATA')
    .filter((f) => streamId === undefined || f.streamId === streamId)
    .reduce((n, f) => n + f.data.length, 0);
}

function windowUpdates(frames: ReturnType<Peer['read']>): { streamId: number; delta: number }[] {
  return ofType(frames, 'WINDOW_UPDATE').map((f) => ({ streamId: f.streamId, delta: f.deltaWindowSize }));
}

describe.each(FLOW_VERSIONS)('SPDY/%s', (version) => {
  it('2.6.8: a sender stops at the 64 KiB initial stream window and resumes on WINDOW_UPDATE', () => {
    const peer = started({ side: 'client', version });
    const id = peer.session.submitRequest({ headers: POST, body: new Uint8Array(100_000) });
    expect(dataBytes(peer, id)).toBe(65536);
    expect(peer.session.sendWindow(id)).toBe(0);
    peer.windowUpdate(id, 10_000);
    if (version === 3.1) peer.windowUpdate(0, 10_000);
    expect(dataBytes(peer, id)).toBe(10_000);
  });

  it('3.1 §2.6.8: an empty DATA frame with FIN goes out even when no window is left', () => {
    const peer = started({ side: 'client', version });
    const id = peer.session.submitSynStream({ headers: POST });
    peer.session.submitData(id, new Uint8Array(65536));
    expect(dataBytes(peer, id)).toBe(65536);
    expect(peer.session.sendWindow(id)).toBe(0);
    peer.session.submitData(id, new Uint8Array(0), { fin: true });
    const data = ofType(peer.read(), 'DATA');
    expect(data).toEqual([expect.objectContaining({ streamId: id, flags: Flag.FIN })]);
    expect(data[0]!.data.length).toBe(0);
    expect(peer.session.streamState(id)).toBe('half-closed-local');
  });

  it('2.6.8: SETTINGS_INITIAL_WINDOW_SIZE from the peer applies to new streams', () => {
    const peer = started({ side: 'client', version });
    peer.settings([{ id: SettingsId.INITIAL_WINDOW_SIZE, flags: 0, value: 1000 }]);
    const id = peer.session.submitRequest({ headers: POST, body: new Uint8Array(5000) });
    expect(dataBytes(peer, id)).toBe(1000);
    expect(peer.session.sendWindow(id)).toBe(0);
  });

  it('2.6.8: a smaller SETTINGS_INITIAL_WINDOW_SIZE makes an open stream\'s window negative; sending waits until it is positive', () => {
    const peer = started({ side: 'client', version });
    const id = peer.session.submitRequest({ headers: POST, body: new Uint8Array(200_000) });
    expect(dataBytes(peer, id)).toBe(65536);
    peer.settings([{ id: SettingsId.INITIAL_WINDOW_SIZE, flags: 0, value: 16384 }]);
    expect(peer.session.sendWindow(id)).toBe(16384 - 65536);
    if (version === 3.1) peer.windowUpdate(0, 100_000);
    peer.windowUpdate(id, 65536 - 16384);
    expect(peer.session.sendWindow(id)).toBe(0);
    expect(dataBytes(peer, id)).toBe(0);
    peer.windowUpdate(id, 1000);
    expect(dataBytes(peer, id)).toBe(1000);
  });

  it('2.6.8: a larger SETTINGS_INITIAL_WINDOW_SIZE grows open streams\' windows by the difference', () => {
    const peer = started({ side: 'client', version });
    const id = peer.session.submitRequest({ headers: POST, body: new Uint8Array(200_000) });
    expect(dataBytes(peer, id)).toBe(65536);
    if (version === 3.1) peer.windowUpdate(0, 100_000);
    peer.settings([{ id: SettingsId.INITIAL_WINDOW_SIZE, flags: 0, value: 65536 + 30_000 }]);
    expect(dataBytes(peer, id)).toBe(30_000);
  });

  it('2.6.8: DATA beyond the stream window we advertised is FLOW_CONTROL_ERROR', () => {
    const peer = started({ side: 'server', version, flowControl: 'manual', sessionWindowSize: 1 << 20 });
    peer.synStream({ streamId: 1 });
    peer.data(1, 65536);
    expect(ofType(peer.read(), 'RST_STREAM')).toEqual([]);
    peer.data(1, 1);
    expect(ofType(peer.read(), 'RST_STREAM')).toEqual([expect.objectContaining({ streamId: 1, status: RstStatus.FLOW_CONTROL_ERROR })]);
    expect(peer.session.isClosed).toBe(false);
  });

  it('2.6.8 (reducing the window): after we shrink SETTINGS_INITIAL_WINDOW_SIZE, data the peer sent under the old size is tolerated', () => {
    const peer = started({ side: 'server', version, flowControl: 'manual', sessionWindowSize: 1 << 20 });
    peer.synStream({ streamId: 1 });
    peer.data(1, 30_000);
    peer.session.submitSettings([{ id: SettingsId.INITIAL_WINDOW_SIZE, flags: 0, value: 16_384 }]);
    peer.read();
    // In flight before the peer saw our SETTINGS: the stream's window is now negative, not violated.
    peer.data(1, 20_000);
    expect(ofType(peer.read(), 'RST_STREAM')).toEqual([]);
    expect(peer.session.receiveWindow(1)).toBe(16_384 - 50_000);
    expect(peer.eventsOf('dataChunkReceived').reduce((n, e) => n + e.data.length, 0)).toBe(50_000);
  });

  it('2.6.8: a WINDOW_UPDATE that takes a stream window past 2^31-1 is FLOW_CONTROL_ERROR', () => {
    const peer = started({ side: 'client', version });
    const id = peer.session.submitSynStream({ headers: POST });
    peer.flush();
    peer.windowUpdate(id, MAX_WINDOW_SIZE - 65536);
    expect(ofType(peer.read(), 'RST_STREAM')).toEqual([]);
    expect(peer.session.sendWindow(id)).toBe(MAX_WINDOW_SIZE);
    peer.windowUpdate(id, 1);
    expect(ofType(peer.read(), 'RST_STREAM')).toEqual([expect.objectContaining({ streamId: id, status: RstStatus.FLOW_CONTROL_ERROR })]);
  });

  it('2.6.8: WINDOW_UPDATE is sent once half of a stream window was received (auto mode)', () => {
    const peer = started({ side: 'server', version });
    peer.synStream({ streamId: 1 });
    peer.data(1, 32767);
    expect(windowUpdates(peer.read()).filter((u) => u.streamId === 1)).toEqual([]);
    peer.data(1, 1);
    expect(windowUpdates(peer.read()).filter((u) => u.streamId === 1)).toEqual([{ streamId: 1, delta: 32768 }]);
    expect(peer.session.receiveWindow(1)).toBe(65536);
  });

  it('2.6.8: no WINDOW_UPDATE for a stream once its FIN arrived', () => {
    const peer = started({ side: 'server', version });
    peer.synStream({ streamId: 1 });
    peer.data(1, 40_000, Flag.FIN);
    expect(windowUpdates(peer.read()).filter((u) => u.streamId === 1)).toEqual([]);
  });

  it('2.6.8: manual mode: WINDOW_UPDATE follows consume(), not arrival', () => {
    const peer = started({ side: 'server', version, flowControl: 'manual' });
    peer.synStream({ streamId: 1 });
    peer.data(1, 40_000);
    expect(windowUpdates(peer.read())).toEqual([]);
    expect(peer.session.receiveWindow(1)).toBe(65536 - 40_000);
    peer.session.consume(1, 40_000);
    const updates = windowUpdates(peer.read());
    expect(updates.filter((u) => u.streamId === 1)).toEqual([{ streamId: 1, delta: 40_000 }]);
    if (version === 3.1) expect(updates.filter((u) => u.streamId === 0)).toEqual([{ streamId: 0, delta: 40_000 }]);
    expect(peer.session.receiveWindow(1)).toBe(65536);
  });

  it('2.6.8: submitWindowUpdate grants the peer more window at once', () => {
    const peer = started({ side: 'server', version, flowControl: 'manual' });
    peer.synStream({ streamId: 1 });
    peer.session.submitWindowUpdate(1, 100_000);
    if (version === 3.1) peer.session.submitWindowUpdate(0, 100_000);
    expect(windowUpdates(peer.read())).toEqual(
      version === 3.1 ? [{ streamId: 1, delta: 100_000 }, { streamId: 0, delta: 100_000 }] : [{ streamId: 1, delta: 100_000 }],
    );
    expect(peer.session.receiveWindow(1)).toBe(65536 + 100_000);
    peer.data(1, 150_000);
    expect(ofType(peer.read(), 'RST_STREAM')).toEqual([]);
    expect(() => peer.session.submitWindowUpdate(1, 0)).toThrow(RangeError);
  });

  it('2.6.8: ignorePeerFlowControl sends a whole body without any WINDOW_UPDATE (peers like spdystream)', () => {
    const peer = started({ side: 'client', version, ignorePeerFlowControl: true });
    const id = peer.session.submitRequest({ headers: POST, body: new Uint8Array(300_000) });
    const frames = ofType(peer.read(), 'DATA').filter((f) => f.streamId === id);
    expect(frames.reduce((n, f) => n + f.data.length, 0)).toBe(300_000);
    expect(frames.at(-1)!.flags & Flag.FIN).toBe(Flag.FIN);
  });

  it('2.6.8: a WINDOW_UPDATE for a stream that finished sending is ignored', () => {
    const peer = started({ side: 'client', version });
    const id = peer.session.submitRequest({ headers: POST, body: 'small' });
    peer.flush();
    peer.windowUpdate(id, 1000);
    expect(peer.read()).toEqual([]);
    expect(peer.session.isClosed).toBe(false);
  });
});

describe('SPDY/3.1 session window', () => {
  it('3.1 §2.6.8: the session window (stream 0) limits the sum of all streams to 64 KiB', () => {
    const peer = started({ side: 'client', version: 3.1 });
    const a = peer.session.submitRequest({ headers: POST, body: new Uint8Array(40_000) });
    const b = peer.session.submitRequest({ headers: POST, body: new Uint8Array(40_000) });
    expect(dataBytes(peer)).toBe(65536);
    expect(peer.session.sendWindow(0)).toBe(0);
    peer.windowUpdate(0, 16384);
    expect(dataBytes(peer)).toBe(80_000 - 65536);
    expect(peer.session.sendWindow(a)).toBeGreaterThanOrEqual(0);
    expect(peer.session.sendWindow(b)).toBeGreaterThanOrEqual(0);
  });

  it('3.1 §2.6.8: SETTINGS_INITIAL_WINDOW_SIZE never changes the session window', () => {
    const peer = started({ side: 'client', version: 3.1 });
    peer.settings([{ id: SettingsId.INITIAL_WINDOW_SIZE, flags: 0, value: 1 << 20 }]);
    expect(peer.session.sendWindow(0)).toBe(65536);
  });

  it('3.1 §2.6.8: a larger sessionWindowSize is announced with WINDOW_UPDATE on stream 0 at start', () => {
    const peer = new Peer({ side: 'server', version: 3.1, sessionWindowSize: 1 << 20 });
    expect(windowUpdates(peer.read()).filter((u) => u.streamId === 0)).toEqual([{ streamId: 0, delta: (1 << 20) - 65536 }]);
    expect(peer.session.receiveWindow(0)).toBe(1 << 20);
  });

  it('3.1 §2.6.8: DATA beyond the session window is a session error', () => {
    const peer = started({ side: 'server', version: 3.1, flowControl: 'manual', initialWindowSize: 1 << 20 });
    peer.synStream({ streamId: 1 });
    peer.data(1, 65536);
    expect(ofType(peer.read(), 'GOAWAY')).toEqual([]);
    peer.data(1, 1);
    expect(ofType(peer.read(), 'GOAWAY')).toEqual([expect.objectContaining({ lastGoodStreamId: 1, status: GoawayStatus.PROTOCOL_ERROR })]);
    expect(peer.session.isClosed).toBe(true);
  });

  it('3.1 §2.6.8: a WINDOW_UPDATE taking the session window past 2^31-1 is a session error', () => {
    const peer = started({ side: 'client', version: 3.1 });
    peer.windowUpdate(0, MAX_WINDOW_SIZE - 65536);
    expect(peer.session.sendWindow(0)).toBe(MAX_WINDOW_SIZE);
    expect(ofType(peer.read(), 'GOAWAY')).toEqual([]);
    peer.windowUpdate(0, 1);
    expect(ofType(peer.read(), 'GOAWAY')).toHaveLength(1);
    expect(peer.session.isClosed).toBe(true);
  });

  it('3.1 §2.6.8: every DATA byte counts against the session window, even on a refused stream', () => {
    const peer = started({ side: 'server', version: 3.1, maxConcurrentStreams: 1, flowControl: 'manual' });
    peer.synStream({ streamId: 1 });
    peer.synStream({ streamId: 3 });
    expect(ofType(peer.read(), 'RST_STREAM')).toEqual([expect.objectContaining({ streamId: 3, status: RstStatus.REFUSED_STREAM })]);
    peer.data(3, 1000);
    peer.data(9, 500);
    expect(peer.session.receiveWindow(0)).toBe(65536 - 1500);
  });

  it('3.1 §2.6.8: the session WINDOW_UPDATE is automatic too, at half the session window', () => {
    const peer = started({ side: 'server', version: 3.1 });
    peer.synStream({ streamId: 1 });
    peer.synStream({ streamId: 3 });
    peer.data(1, 20_000);
    peer.data(3, 12_767);
    expect(windowUpdates(peer.read()).filter((u) => u.streamId === 0)).toEqual([]);
    peer.data(3, 1);
    expect(windowUpdates(peer.read()).filter((u) => u.streamId === 0)).toEqual([{ streamId: 0, delta: 32768 }]);
  });
});

describe('SPDY/2', () => {
  it('draft 2 has no WINDOW_UPDATE: submitWindowUpdate is a caller error', () => {
    const peer = started({ side: 'server', version: 2 });
    peer.synStream({ streamId: 1 });
    expect(() => peer.session.submitWindowUpdate(1, 1000)).toThrow(SessionStateError);
  });

  it('draft 2 has no flow control: a 300 KB body leaves at once and no WINDOW_UPDATE is ever sent', () => {
    const peer = started({ side: 'client', version: 2 });
    const id = peer.session.submitRequest({ headers: POST, body: new Uint8Array(300_000) });
    expect(dataBytes(peer, id)).toBe(300_000);
    const server = started({ side: 'server', version: 2 });
    server.synStream({ streamId: 1 });
    server.data(1, 200_000);
    expect(ofType(server.read(), 'WINDOW_UPDATE')).toEqual([]);
    expect(ofType(server.read(), 'RST_STREAM')).toEqual([]);
  });
});

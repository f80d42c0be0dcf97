/**
 * Abuse limits: each defence stays quiet under its threshold and ends the
 * session (GOAWAY with the right status, a `sessionError` with a stable code)
 * past it. Rates are counted on the `now` the Peer passes to receive().
 */
import { encodeFrame, Flag, GoawayStatus, RstStatus, SettingsId, type ProtocolVersion } from '@spdy/frames';
import { describe, expect, it } from 'vitest';
import type { DataProvider } from '../src/index.js';
import { Peer, type Received } from './support/peer.js';

const OK = { ':status': '200', ':version': 'HTTP/1.1' };

function server(version: ProtocolVersion = 3.1, options: Partial<ConstructorParameters<typeof Peer>[0]> = {}): Peer {
  const peer = new Peer({ side: 'server', version, ...options });
  peer.flush();
  return peer;
}

/** The code of the session's error, or undefined while it is healthy. */
function errorCode(peer: Peer): string | undefined {
  for (const e of peer.events) if (e.type === 'sessionError') return e.error.code;
  return undefined;
}

function goaway(frames: readonly Received[]): Received | undefined {
  return frames.find((f) => f.type === 'GOAWAY');
}

function expectGoaway(peer: Peer, code: string, status: number = GoawayStatus.PROTOCOL_ERROR): void {
  expect(errorCode(peer)).toBe(code);
  const frame = goaway(peer.read());
  expect(frame).toMatchObject({ type: 'GOAWAY', status });
  expect(peer.session.isClosed).toBe(true);
}

function headersOf(count: number): Record<string, string> {
  const headers: Record<string, string> = { ':method': 'GET', ':path': '/', ':version': 'HTTP/1.1', ':host': 'h', ':scheme': 'https' };
  for (let i = Object.keys(headers).length; i < count; i++) headers[`x-h${i}`] = 'v';
  return headers;
}

describe('maxHeaderCount', () => {
  it('a block with more headers than the limit is refused (FRAME_TOO_LARGE); the session goes on', () => {
    const peer = server(3, { maxHeaderCount: 50 });
    peer.synStream({ streamId: 1, flags: Flag.FIN, headers: headersOf(50) });
    peer.synStream({ streamId: 3, flags: Flag.FIN, headers: headersOf(51) });
    const opened = peer.events.filter((e) => e.type === 'streamOpened').map((e) => e.streamId);
    expect(opened).toEqual([1]);
    expect(peer.read().filter((f) => f.type === 'RST_STREAM')).toMatchObject([{ streamId: 3, status: RstStatus.FRAME_TOO_LARGE }]);
    expect(errorCode(peer)).toBeUndefined();
    const invalid = peer.events.find((e) => e.type === 'invalidControlFrameReceived');
    expect(invalid?.type === 'invalidControlFrameReceived' && invalid.error.code).toBe('ERR_SPDY_TOO_MANY_HEADERS');
  });

  it('defaults to 256', () => {
    const peer = server(3);
    peer.synStream({ streamId: 1, flags: Flag.FIN, headers: headersOf(256) });
    peer.synStream({ streamId: 3, flags: Flag.FIN, headers: headersOf(257) });
    expect(peer.events.filter((e) => e.type === 'streamOpened').map((e) => e.streamId)).toEqual([1]);
  });
});

describe('rapid reset (CVE-2023-44487)', () => {
  /** Opens `n` streams from `first` and resets each before any answer. */
  function openAndReset(peer: Peer, first: number, n: number): number {
    let id = first;
    for (let i = 0; i < n; i++, id += 2) {
      peer.synStream({ streamId: id, flags: Flag.FIN });
      peer.rst(id, RstStatus.CANCEL);
    }
    return id;
  }

  it('100 per second are tolerated, in every second; the 101st in one second ends the session', () => {
    const peer = server();
    let id = openAndReset(peer, 1, 100);
    peer.now += 1000;
    id = openAndReset(peer, id, 100);
    expect(errorCode(peer)).toBeUndefined();
    openAndReset(peer, id, 1);
    expectGoaway(peer, 'ERR_SPDY_RAPID_RESET');
  });

  it('streams reset after we answered do not count', () => {
    const peer = server();
    for (let i = 0, id = 1; i < 300; i++, id += 2) {
      peer.synStream({ streamId: id, flags: Flag.FIN });
      peer.session.submitResponse(id, OK, () => 'deferred');
      peer.read();
      peer.rst(id, RstStatus.CANCEL);
    }
    expect(errorCode(peer)).toBeUndefined();
  });
});

describe('control frame floods', () => {
  it('PING: 100 per second are echoed; the 101st ends the session', () => {
    const peer = server();
    for (let i = 0; i < 100; i++) peer.ping(2 * i + 1);
    expect(peer.read().filter((f) => f.type === 'PING')).toHaveLength(100);
    peer.ping(1001);
    expectGoaway(peer, 'ERR_SPDY_PING_FLOOD');
  });

  it('SETTINGS: 50 per second are applied; the 51st ends the session', () => {
    const peer = server();
    const settings = [{ id: SettingsId.MAX_CONCURRENT_STREAMS, flags: 0, value: 10 }];
    for (let i = 0; i < 50; i++) peer.settings(settings);
    expect(errorCode(peer)).toBeUndefined();
    peer.settings(settings);
    expectGoaway(peer, 'ERR_SPDY_SETTINGS_FLOOD');
  });

  it('WINDOW_UPDATE releasing nothing: 10000 per second pass, the next ends the session', () => {
    const peer = server();
    for (let i = 0; i < 10_000; i++) peer.windowUpdate(0, 1);
    expect(errorCode(peer)).toBeUndefined();
    peer.windowUpdate(0, 1);
    expectGoaway(peer, 'ERR_SPDY_WINDOW_UPDATE_FLOOD');
  });

  it('WINDOW_UPDATEs that release pending data are not counted', () => {
    const peer = server(3.1, { maxWindowUpdatesPerSecond: 5 });
    peer.synStream({ streamId: 1, flags: Flag.FIN });
    peer.session.submitResponse(1, OK, new Uint8Array(100_000));
    peer.read();
    peer.windowUpdate(0, 1 << 20);
    // The stream window is spent; each small update lets a little more out.
    for (let i = 0; i < 50; i++) {
      peer.windowUpdate(1, 100);
      expect(peer.read().some((f) => f.type === 'DATA')).toBe(true);
    }
    expect(errorCode(peer)).toBeUndefined();
  });

  it('a WINDOW_UPDATE overflowing the session window is a session error', () => {
    const peer = server();
    peer.windowUpdate(0, 0x7fffffff);
    expectGoaway(peer, 'ERR_SPDY_FLOW_CONTROL');
  });
});

describe('frames for invalid streams', () => {
  it('DATA for streams never opened: each gets RST_STREAM up to the limit, then GOAWAY', () => {
    const peer = server(3.1, { maxInvalidFramesPerSecond: 20 });
    for (let i = 0; i < 20; i++) peer.data(1001 + 2 * i, 1);
    expect(peer.read().filter((f) => f.type === 'RST_STREAM')).toHaveLength(20);
    expect(errorCode(peer)).toBeUndefined();
    peer.data(2001, 1);
    expectGoaway(peer, 'ERR_SPDY_INVALID_FRAME_FLOOD');
  });

  it('RST_STREAM for streams that never existed counts; for streams that closed it does not', () => {
    const peer = server(3.1, { maxInvalidFramesPerSecond: 20 });
    peer.synStream({ streamId: 1, flags: Flag.FIN });
    peer.session.submitResponse(1, OK, 'done');
    peer.read();
    for (let i = 0; i < 100; i++) peer.rst(1, RstStatus.CANCEL);
    for (let i = 0; i < 20; i++) peer.rst(1001 + 2 * i, RstStatus.CANCEL);
    expect(errorCode(peer)).toBeUndefined();
    peer.rst(3001, RstStatus.CANCEL);
    expectGoaway(peer, 'ERR_SPDY_INVALID_FRAME_FLOOD');
  });
});

describe('a peer that does not read', () => {
  it('control frames queued past maxQueuedControlFrames end the session with INTERNAL_ERROR', () => {
    const peer = server(3.1, { maxQueuedControlFrames: 50, maxPingsPerSecond: 0 });
    for (let i = 0; i < 50; i++) peer.ping(2 * i + 1);
    peer.read();
    for (let i = 0; i < 50; i++) peer.ping(2 * i + 1);
    expect(errorCode(peer)).toBeUndefined();
    peer.ping(1001);
    expectGoaway(peer, 'ERR_SPDY_OUTBOUND_QUEUE', GoawayStatus.INTERNAL_ERROR);
  });

  it('with a zero window, data providers are not pulled: nothing buffers beyond the window', () => {
    const peer = server();
    let produced = 0;
    const provider: DataProvider = (maxLength) => {
      produced += maxLength;
      return { data: new Uint8Array(maxLength) };
    };
    peer.synStream({ streamId: 1, flags: Flag.FIN });
    peer.session.submitResponse(1, OK, provider);
    for (let i = 0; i < 20; i++) peer.read();
    // The peer never acknowledged: exactly the initial 64 KiB window was produced, however often we pull.
    expect(produced).toBe(65_536);
    peer.windowUpdate(1, 1000);
    peer.windowUpdate(0, 1000);
    for (let i = 0; i < 20; i++) peer.read();
    expect(produced).toBe(66_536);
  });
});

describe('rates need a clock', () => {
  it('without `now`, no rate limit applies (nothing to measure a rate against)', () => {
    const peer = server();
    const settings = [{ id: SettingsId.MAX_CONCURRENT_STREAMS, flags: 0, value: 10 }];
    const frame = { type: 'SETTINGS' as const, flags: 0, entries: settings };
    const session = peer.session;
    for (let i = 0; i < 200; i++) session.receive(encodeSettings(peer, frame));
    expect(errorCode(peer)).toBeUndefined();
  });
});

function encodeSettings(peer: Peer, frame: { type: 'SETTINGS'; flags: number; entries: { id: number; flags: number; value: number }[] }): Uint8Array {
  return encodeFrame(frame, peer.wire);
}

describe('options', () => {
  it('0 disables a limit; negative or fractional values are refused', () => {
    const peer = server(3.1, { maxPingsPerSecond: 0 });
    for (let i = 0; i < 1000; i++) peer.ping(2 * i + 1);
    expect(peer.read().filter((f) => f.type === 'PING')).toHaveLength(1000);
    expect(errorCode(peer)).toBeUndefined();
    for (const name of ['maxHeaderCount', 'maxRapidResetsPerSecond', 'maxPingsPerSecond', 'maxSettingsPerSecond', 'maxWindowUpdatesPerSecond', 'maxInvalidFramesPerSecond', 'maxQueuedControlFrames']) {
      expect(() => new Peer({ side: 'server', version: 3, [name]: -1 }), name).toThrow(RangeError);
      expect(() => new Peer({ side: 'server', version: 3, [name]: 1.5 }), name).toThrow(RangeError);
    }
  });
});

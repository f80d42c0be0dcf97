/**
 * Error handling (§2.4, §2.6.3): which status answers which fault, what is a
 * stream error and what a session error, and that nothing the peer sends
 * throws out of receive().
 */

import { deflateSync, constants as zlibConstants } from 'node:zlib';
import { Flag, FrameType, GoawayStatus, RstStatus } from '@spdy/frames';
import { dictionaryFor } from '@spdy/zlib-headers';
import { describe, expect, it } from 'vitest';
import { ALL_VERSIONS, ofType, rawControlFrame, rstFor, started } from './support/peer.js';

const GET = { ':method': 'GET', ':path': '/', ':version': 'HTTP/1.1', ':scheme': 'https', ':host': 'a' };

/**
 * A name/value block with any content (our encoders refuse bad ones), compressed as the first block of a
 * session's zlib stream. Being the first, it needs no shared state with a deflater; nothing may follow it.
 */
function firstRawBlock(pairs: readonly [string, string][], wire: 2 | 3): Uint8Array {
  const size = wire === 2 ? 2 : 4;
  const parts: Buffer[] = [];
  const length = (n: number) => {
    const b = Buffer.alloc(size);
    if (size === 2) b.writeUInt16BE(n);
    else b.writeUInt32BE(n);
    return b;
  };
  parts.push(length(pairs.length));
  for (const [name, value] of pairs) {
    const n = Buffer.from(name, 'latin1');
    const v = Buffer.from(value, 'latin1');
    parts.push(length(n.length), n, length(v.length), v);
  }
  return deflateSync(Buffer.concat(parts), { dictionary: dictionaryFor(wire), finishFlush: zlibConstants.Z_SYNC_FLUSH });
}

describe.each(ALL_VERSIONS)('SPDY/%s', (version) => {
  it('2.4.2: a RST_STREAM is never answered with a RST_STREAM (unknown, open or closed stream)', () => {
    const peer = started({ side: 'server', version });
    peer.rst(9, RstStatus.CANCEL);
    peer.synStream({ streamId: 1 });
    peer.rst(1, RstStatus.CANCEL);
    peer.rst(1, RstStatus.CANCEL);
    expect(peer.read()).toEqual([]);
    expect(peer.session.isClosed).toBe(false);
  });

  it('2.4.2: repeated faults on one stream produce one RST_STREAM (coalesced)', () => {
    const peer = started({ side: 'server', version });
    peer.synStream({ streamId: 1, flags: Flag.FIN });
    peer.data(1, 'x');
    peer.data(1, 'y');
    peer.data(1, 'z', Flag.FIN);
    expect(ofType(peer.read(), 'RST_STREAM').filter((f) => f.streamId === 1)).toHaveLength(1);
  });

  it('2.6.3: a peer RST_STREAM is an event (streamReset, streamClosed with resetBy remote), never a throw', () => {
    const peer = started({ side: 'client', version });
    const id = peer.session.submitRequest({ headers: GET, userData: 'mine' });
    peer.flush();
    peer.rst(id, RstStatus.REFUSED_STREAM);
    expect(peer.eventsOf('streamReset')).toEqual([{ type: 'streamReset', streamId: id, status: RstStatus.REFUSED_STREAM }]);
    expect(peer.eventsOf('streamClosed')).toEqual([
      expect.objectContaining({ streamId: id, status: RstStatus.REFUSED_STREAM, resetBy: 'remote', userData: 'mine' }),
    ]);
    expect(peer.read()).toEqual([]);
  });

  it('2.6.3: a RST_STREAM of ours reports resetBy local and drops what was queued for the stream', () => {
    const peer = started({ side: 'server', version, ignorePeerFlowControl: true });
    peer.synStream({ streamId: 1, flags: Flag.FIN });
    peer.session.submitResponse(1, { ':status': '200', ':version': 'HTTP/1.1' }, new Uint8Array(100_000));
    peer.session.submitRstStream(1, RstStatus.INTERNAL_ERROR);
    const out = peer.read();
    expect(ofType(out, 'RST_STREAM')).toEqual([expect.objectContaining({ streamId: 1, status: RstStatus.INTERNAL_ERROR })]);
    expect(ofType(out, 'DATA')).toEqual([]);
    expect(peer.eventsOf('streamClosed')).toEqual([expect.objectContaining({ streamId: 1, status: RstStatus.INTERNAL_ERROR, resetBy: 'local' })]);
    expect(peer.eventsOf('controlFrameNotSent').map((e) => e.frame.type)).toEqual(['SYN_REPLY']);
  });

  it('2.6.1: a header block above maxHeaderListSize is FRAME_TOO_LARGE (SPDY/2: PROTOCOL_ERROR) and the session goes on', () => {
    const peer = started({ side: 'server', version, maxHeaderListSize: 1024 });
    peer.synStream({ streamId: 1, headers: peer.requestHeaders({ 'x-big': 'b'.repeat(4000) }) });
    expect(peer.eventsOf('streamOpened')).toEqual([]);
    expect(ofType(peer.read(), 'RST_STREAM')).toEqual([
      expect.objectContaining({ streamId: 1, status: rstFor(version, RstStatus.FRAME_TOO_LARGE, RstStatus.PROTOCOL_ERROR) }),
    ]);
    peer.synStream({ streamId: 3, flags: Flag.FIN });
    expect(peer.eventsOf('streamOpened').map((e) => e.streamId)).toEqual([3]);
    expect(peer.session.isClosed).toBe(false);
  });

  it('2.4.1: a corrupt header block is a session error: GOAWAY PROTOCOL_ERROR, session closed', () => {
    const peer = started({ side: 'server', version });
    peer.synStream({ streamId: 1, flags: Flag.FIN });
    peer.send({
      type: 'SYN_STREAM',
      streamId: 3,
      associatedStreamId: 0,
      priority: 0,
      slot: 0,
      flags: 0,
      headerBlock: new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]),
    });
    const goaways = ofType(peer.read(), 'GOAWAY');
    expect(goaways).toEqual([expect.objectContaining({ lastGoodStreamId: 1, status: version === 2 ? 0 : GoawayStatus.PROTOCOL_ERROR })]);
    expect(peer.session.isClosed).toBe(true);
    expect(peer.eventsOf('sessionError')).toHaveLength(1);
    expect(peer.eventsOf('sessionClosed')).toEqual([expect.objectContaining({ reason: 'error' })]);
  });

  it('2.2.1: a control frame of unknown type is ignored and reported', () => {
    const peer = started({ side: 'server', version });
    peer.rawControl(0x42, 0, new Uint8Array([1, 2, 3]));
    expect(peer.read()).toEqual([]);
    expect(peer.eventsOf('unknownControlFrame')).toEqual([expect.objectContaining({ frame: expect.objectContaining({ frameType: 0x42 }) })]);
    peer.synStream({ streamId: 1, flags: Flag.FIN });
    expect(peer.eventsOf('streamOpened')).toHaveLength(1);
  });

  it('2.6.3: a malformed RST_STREAM (length 4) is a parse error reported as an event, answered by GOAWAY', () => {
    const peer = started({ side: 'server', version });
    peer.bytes(rawControlFrame(FrameType.RST_STREAM, 0, new Uint8Array(4), peer.wire));
    expect(peer.eventsOf('controlFrameParseError')).toHaveLength(1);
    expect(ofType(peer.read(), 'GOAWAY')).toHaveLength(1);
    expect(peer.session.isClosed).toBe(true);
  });

  it('2.6.3: RST_STREAM with status 0 is not valid: it is reported, and still never answered by RST_STREAM', () => {
    const peer = started({ side: 'server', version });
    peer.synStream({ streamId: 1 });
    // Our encoder refuses status 0, so the frame is built by hand: stream 1, status 0.
    peer.rawControl(FrameType.RST_STREAM, 0, new Uint8Array([0, 0, 0, 1, 0, 0, 0, 0]));
    expect(ofType(peer.read(), 'RST_STREAM')).toEqual([]);
  });

  it('2.4.1: receive() after the session closed ignores input and never throws', () => {
    const peer = started({ side: 'server', version });
    peer.session.failSession(GoawayStatus.INTERNAL_ERROR);
    const out = peer.read();
    expect(ofType(out, 'GOAWAY')).toEqual([expect.objectContaining({ status: version === 2 ? 0 : GoawayStatus.INTERNAL_ERROR })]);
    expect(peer.session.isClosed).toBe(true);
    peer.synStream({ streamId: 1 });
    peer.bytes(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]));
    expect(peer.read()).toEqual([]);
    expect(() => peer.session.submitPing()).toThrow();
  });

  it('2.3.7: the transport ending closes open streams with an error status and the session', () => {
    const peer = started({ side: 'client', version });
    const id = peer.session.submitRequest({ headers: GET });
    peer.flush();
    peer.session.receiveEnd(0);
    const closed = peer.eventsOf('streamClosed');
    expect(closed).toHaveLength(1);
    expect(closed[0]!.streamId).toBe(id);
    expect(closed[0]!.status).not.toBe(0);
    expect(peer.session.isClosed).toBe(true);
    expect(peer.eventsOf('sessionClosed')).toHaveLength(1);
  });

  it('2.4: an HTTP/1.1 request on a SPDY session never throws; the transport ending then closes the session', () => {
    const peer = started({ side: 'server', version });
    // 'GET ' reads as a DATA frame header announcing 2 MB: the session waits for it.
    expect(() => peer.bytes(new TextEncoder().encode('GET / HTTP/1.1\r\nHost: a\r\n\r\n'))).not.toThrow();
    expect(() => peer.session.receiveEnd(0)).not.toThrow();
    expect(peer.session.isClosed).toBe(true);
  });

  it('2.2.1: a control frame announcing 16 MB is a session error as soon as its header arrives', () => {
    const peer = started({ side: 'server', version });
    // The header plus the stream id: enough for the decoder to name the stream it gives up on.
    peer.bytes(new Uint8Array([0x80, peer.wire, 0, 1, 0, 0xff, 0xff, 0xff, 0, 0, 0, 1]));
    expect(ofType(peer.read(), 'GOAWAY')).toHaveLength(1);
    expect(peer.session.isClosed).toBe(true);
  });

  it('3.2.2: DATA before SYN_REPLY on our stream is a protocol error on that stream', () => {
    const peer = started({ side: 'client', version });
    const id = peer.session.submitRequest({ headers: GET });
    peer.flush();
    peer.data(id, 'too early');
    const out = peer.read();
    const rst = ofType(out, 'RST_STREAM');
    const goaway = ofType(out, 'GOAWAY');
    // Draft 2 says the receiver SHOULD close the connection (a GOAWAY is allowed there); a RST_STREAM PROTOCOL_ERROR satisfies both drafts.
    if (version === 2 && goaway.length > 0) expect(peer.session.isClosed).toBe(true);
    else expect(rst).toEqual([expect.objectContaining({ streamId: id, status: RstStatus.PROTOCOL_ERROR })]);
    expect(peer.eventsOf('dataChunkReceived')).toEqual([]);
  });

  it('2.6.3: a SYN_STREAM of another SPDY version is answered with UNSUPPORTED_VERSION and the session goes on', () => {
    const peer = started({ side: 'server', version });
    const other = peer.wire === 2 ? 3 : 2;
    // Stream id 1, associated 0, priority 0, and a header block we never inflate (another dictionary).
    peer.rawControl(FrameType.SYN_STREAM, 0, new Uint8Array([0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 2, 3]), other);
    expect(ofType(peer.read(), 'RST_STREAM')).toEqual([expect.objectContaining({ streamId: 1, status: RstStatus.UNSUPPORTED_VERSION })]);
    expect(peer.eventsOf('streamOpened')).toEqual([]);
    peer.synStream({ streamId: 3, flags: Flag.FIN });
    expect(peer.eventsOf('streamOpened').map((e) => e.streamId)).toEqual([3]);
  });

  describe('2.6.10: malformed name/value blocks are stream errors PROTOCOL_ERROR; the session goes on', () => {
    const request = (wire: 2 | 3): [string, string][] =>
      wire === 2
        ? [
            ['method', 'GET'],
            ['url', '/'],
            ['version', 'HTTP/1.1'],
          ]
        : [
            [':method', 'GET'],
            [':path', '/'],
            [':version', 'HTTP/1.1'],
            [':scheme', 'https'],
            [':host', 'a'],
          ];
    const cases: [string, (wire: 2 | 3) => [string, string][]][] = [
      ['a zero-length name', (wire) => [...request(wire), ['', 'x']]],
      ['a duplicate name', (wire) => [...request(wire), ['x-a', '1'], ['x-a', '2']]],
      ['a value starting with NUL', (wire) => [...request(wire), ['x-a', '\u0000b']]],
      ['a value ending with NUL', (wire) => [...request(wire), ['x-a', 'b\u0000']]],
      ['two NULs in a row in a value', (wire) => [...request(wire), ['x-a', 'b\u0000\u0000c']]],
    ];
    it.each(cases)('%s', (_name, pairs) => {
      const peer = started({ side: 'server', version });
      peer.send({ type: 'SYN_STREAM', streamId: 1, associatedStreamId: 0, priority: 0, slot: 0, flags: Flag.FIN, headerBlock: firstRawBlock(pairs(peer.wire), peer.wire) });
      expect(peer.eventsOf('streamOpened')).toEqual([]);
      expect(ofType(peer.read(), 'RST_STREAM')).toEqual([expect.objectContaining({ streamId: 1, status: RstStatus.PROTOCOL_ERROR })]);
      peer.ping(5);
      expect(peer.read()).toEqual([expect.objectContaining({ type: 'PING', id: 5 })]);
      expect(peer.session.isClosed).toBe(false);
    });

    it('a valid block built the same way is accepted (the raw builder itself is right)', () => {
      const peer = started({ side: 'server', version });
      peer.send({ type: 'SYN_STREAM', streamId: 1, associatedStreamId: 0, priority: 0, slot: 0, flags: Flag.FIN, headerBlock: firstRawBlock([...request(peer.wire), ['x-a', 'b\u0000c']], peer.wire) });
      expect(peer.eventsOf('streamOpened')).toHaveLength(1);
      expect(ofType(peer.read(), 'RST_STREAM')).toEqual([]);
    });
  });
});

/**
 * Bugs the fuzzer found in the packages, kept as regression tests once fixed.
 */
import { Flag, FrameDecoder, SpdyProtocolError } from '@spdy/frames';
import { Session } from '@spdy/session';
import { HeaderFrameEncoder } from '@spdy/zlib-headers';
import { describe, expect, it } from 'vitest';

describe('fuzz finding: a client SYN_STREAM with FLAG_UNIDIRECTIONAL', () => {
  for (const version of [2, 3, 3.1] as const) {
    it(`does not hand the server application a request it cannot answer (SPDY/${version})`, () => {
      const server = new Session({ side: 'server', version });
      const states: (string | undefined)[] = [];
      server.on('requestReceived', ({ streamId }) => {
        states.push(server.streamState(streamId));
        server.submitResponse(streamId, { ':status': '200', ':version': 'HTTP/1.1' }, 'hello');
      });
      const request = new HeaderFrameEncoder({ version, level: 0 }).encode({
        type: 'SYN_STREAM',
        flags: Flag.FIN | Flag.UNIDIRECTIONAL,
        streamId: 1,
        associatedStreamId: 0,
        priority: 0,
        slot: 0,
        headers: { ':method': 'GET', ':path': '/', ':version': 'HTTP/1.1', ':scheme': 'https', ':host': 'example.com' },
      });
      // Got: requestReceived fires on a stream already closed, submitResponse throws
      // SessionStateError "stream 1 is closed: both sides sent FIN", and receive() rethrows it.
      expect(() => server.receive(request)).not.toThrow();
      expect(states).not.toContain('closed');
    });
  }
});

describe('fuzz finding: a session error while our graceful GOAWAY is still queued', () => {
  for (const side of ['client', 'server'] as const) {
    it(`still writes a GOAWAY before closing (${side})`, () => {
      const session = new Session({ side, version: 3 });
      const peer = new Session({ side: side === 'client' ? 'server' : 'client', version: 3 });
      // An open stream keeps the session open after submitGoaway (it waits for the stream to finish).
      const request = { ':method': 'GET', ':path': '/', ':version': 'HTTP/1.1', ':scheme': 'https', ':host': 'example.com' };
      if (side === 'client') session.submitRequest({ headers: request });
      else peer.submitRequest({ headers: request, body: 'x'.repeat(10) });
      for (let b = peer.pull(); b; b = peer.pull()) session.receive(b);
      for (let b = session.pull(); b; b = session.pull());
      session.submitGoaway();
      expect(session.isClosed).toBe(false);
      session.receive(Uint8Array.of(0x80, 3, 0, 4, 0, 0, 0, 0)); // SETTINGS of length 0: a session error
      expect(session.isClosed).toBe(true);
      const types: string[] = [];
      for (let b = session.pull(); b; b = session.pull()) {
        for (const item of new FrameDecoder({ version: 3 }).decode(b)) if (!(item instanceof SpdyProtocolError)) types.push(item.type);
      }
      // Was: [] — fail() dropped the queued GOAWAY with the rest of the output and queued none.
      expect(types).toContain('GOAWAY');
    });
  }
});

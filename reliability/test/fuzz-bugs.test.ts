/**
 * Bugs the fuzzer found in the packages, kept as regression tests once fixed.
 * (Open ones live in fuzz-bugs-open.test.ts, uncommitted while they fail.)
 */
import { Flag } from '@spdy/frames';
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

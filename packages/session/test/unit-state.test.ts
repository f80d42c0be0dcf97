import { RstStatus } from '@spdy/frames';
import { describe, expect, it } from 'vitest';
import { STREAM_INPUTS, STREAM_STATES, STREAM_TRANSITIONS, type StreamInput, type StreamState, canReceive, canSend, statusForVersion, transition } from '../src/state.js';

/** Runs inputs from `start`, failing on any error outcome; returns the final state. */
function run(start: StreamState, inputs: StreamInput[]): StreamState {
  let state = start;
  for (const input of inputs) {
    const t = transition(state, input);
    if (t.kind === 'error') throw new Error(`${input} in ${state}: ${t.error.reason}`);
    if (t.kind === 'next') state = t.state;
  }
  return state;
}

describe('stream state table', () => {
  it('has a defined outcome for every (state, input) pair, and nothing else', () => {
    expect(Object.keys(STREAM_TRANSITIONS).sort()).toEqual([...STREAM_STATES].sort());
    let pairs = 0;
    for (const state of STREAM_STATES) {
      expect(Object.keys(STREAM_TRANSITIONS[state]).sort()).toEqual([...STREAM_INPUTS].sort());
      for (const input of STREAM_INPUTS) {
        const t = transition(state, input);
        pairs++;
        if (t.kind === 'next') expect(STREAM_STATES).toContain(t.state);
        else if (t.kind === 'error') {
          expect(t.error.code).toMatch(/^ERR_/);
          // Peer errors carry the RST_STREAM status to send; caller errors carry none.
          if (t.error.scope === 'stream') expect(t.error.status).toBeGreaterThan(0);
          else expect(t.error.status).toBe(0);
        } else expect(t.kind).toBe('ignore');
      }
    }
    expect(pairs).toBe(STREAM_STATES.length * STREAM_INPUTS.length);
  });

  it('every receive input ends in a stream error, never a local one, and every send input never in a stream error', () => {
    for (const state of STREAM_STATES) {
      for (const input of STREAM_INPUTS) {
        const t = transition(state, input);
        if (t.kind !== 'error') continue;
        expect(t.error.scope).toBe(input.startsWith('recv-') ? 'stream' : 'local');
      }
    }
  });

  it('2.4.2: a received RST_STREAM is never an error in any state (no RST answers a RST)', () => {
    for (const state of STREAM_STATES) expect(transition(state, 'recv-rst').kind).not.toBe('error');
  });

  it('2.4.2: resetting a closed stream again is ignored (one RST_STREAM per stream)', () => {
    expect(transition('closed', 'send-rst')).toEqual({ kind: 'ignore' });
  });

  it('a request: open, our FIN, the reply, the peer FIN closes it', () => {
    expect(run('idle', ['send-syn-stream'])).toBe('open');
    expect(run('idle', ['send-syn-stream', 'send-fin'])).toBe('half-closed-local');
    expect(run('idle', ['send-syn-stream', 'send-fin', 'recv-syn-reply', 'recv-data', 'recv-fin'])).toBe('closed');
  });

  it('2.3.6: half-close either way keeps the other direction working', () => {
    expect(run('idle', ['recv-syn-stream', 'recv-fin', 'send-syn-reply', 'send-data', 'send-data'])).toBe('half-closed-remote');
    expect(run('idle', ['send-syn-stream', 'send-fin', 'recv-data', 'recv-window-update'])).toBe('half-closed-local');
  });

  it('2.3.2.1: a unidirectional stream is half-closed for its recipient from the start', () => {
    expect(transition('idle', 'recv-syn-stream-uni')).toEqual({ kind: 'next', state: 'half-closed-local' });
    expect(transition('idle', 'send-syn-stream-uni')).toEqual({ kind: 'next', state: 'half-closed-remote' });
    const t = transition('half-closed-local', 'send-data');
    expect(t.kind === 'error' && t.error.scope).toBe('local');
  });

  it('3.3.1: a push without response headers is reserved until HEADERS carries them', () => {
    expect(run('idle', ['send-push'])).toBe('reserved-local');
    const early = transition('reserved-local', 'send-data');
    expect(early.kind === 'error' && early.error.code).toBe('ERR_STREAM_RESERVED');
    expect(run('idle', ['send-push', 'send-headers', 'send-data', 'send-fin'])).toBe('closed');

    expect(run('idle', ['recv-push'])).toBe('reserved-remote');
    const data = transition('reserved-remote', 'recv-data');
    expect(data.kind === 'error' && data.error.status).toBe(RstStatus.PROTOCOL_ERROR);
    expect(run('idle', ['recv-push', 'recv-headers', 'recv-data', 'recv-fin'])).toBe('closed');
  });

  it('names the spec status of each peer error', () => {
    const status = (state: StreamState, input: StreamInput) => {
      const t = transition(state, input);
      return t.kind === 'error' ? t.error.status : undefined;
    };
    expect(status('half-closed-remote', 'recv-data')).toBe(RstStatus.STREAM_ALREADY_CLOSED); // 2.3.6
    expect(status('closed', 'recv-data')).toBe(RstStatus.PROTOCOL_ERROR); // 2.3.7
    expect(status('idle', 'recv-data')).toBe(RstStatus.INVALID_STREAM); // 2.2.2
    expect(status('open', 'recv-syn-stream')).toBe(RstStatus.PROTOCOL_ERROR); // 2.3.2
    expect(status('open', 'recv-data')).toBeUndefined();
  });

  it('canSend and canReceive agree with the table', () => {
    for (const state of STREAM_STATES) {
      expect(canSend(state)).toBe(transition(state, 'send-headers').kind === 'next');
      expect(canReceive(state)).toBe(transition(state, 'recv-headers').kind === 'next');
    }
  });

  it('maps SPDY/3 statuses to SPDY/2 ones', () => {
    expect(statusForVersion(RstStatus.STREAM_ALREADY_CLOSED, 2)).toBe(RstStatus.INVALID_STREAM);
    expect(statusForVersion(RstStatus.STREAM_IN_USE, 2)).toBe(RstStatus.PROTOCOL_ERROR);
    expect(statusForVersion(RstStatus.FLOW_CONTROL_ERROR, 2)).toBe(RstStatus.FLOW_CONTROL_ERROR);
    expect(statusForVersion(RstStatus.STREAM_IN_USE, 3)).toBe(RstStatus.STREAM_IN_USE);
  });
});

/**
 * The stream state machine as a table: (state, input) -> outcome, with an
 * entry for every pair (the compiler checks completeness), so no input can
 * reach an undefined path. Tests walk every pair.
 *
 * States are seen from one endpoint. SPDY has no PUSH_PROMISE; the reserved
 * states hold a pushed stream whose SYN_STREAM went out (or came in) without
 * the response headers: §3.3.1 requires HEADERS with them before any DATA.
 * A unidirectional stream is half-closed for its recipient from the start
 * (§2.3.2.1).
 *
 * Checks that need more than the state (SYN_REPLY direction and repetition,
 * stream id order, windows) live in the session; this table only answers
 * what a frame does to the state.
 */

import { RstStatus } from '@spdy/frames';

export type StreamState =
  | 'idle'
  | 'reserved-local'
  | 'reserved-remote'
  | 'open'
  | 'half-closed-local'
  | 'half-closed-remote'
  | 'closed';

export const STREAM_STATES: readonly StreamState[] = [
  'idle',
  'reserved-local',
  'reserved-remote',
  'open',
  'half-closed-local',
  'half-closed-remote',
  'closed',
];

/** What happens to a stream: a frame sent or received. FIN is its own input, applied after the frame carrying it. */
export type StreamInput =
  /** We open a bidirectional stream. */
  | 'send-syn-stream'
  /** We open a unidirectional stream carrying its response headers (or needing none). */
  | 'send-syn-stream-uni'
  /** We push: a unidirectional SYN_STREAM whose response headers follow in HEADERS. */
  | 'send-push'
  | 'send-syn-reply'
  | 'send-headers'
  | 'send-data'
  /** Our last frame on the stream left (FIN on SYN_STREAM, SYN_REPLY, HEADERS or DATA). */
  | 'send-fin'
  | 'send-rst'
  | 'recv-syn-stream'
  | 'recv-syn-stream-uni'
  | 'recv-push'
  | 'recv-syn-reply'
  | 'recv-headers'
  | 'recv-data'
  | 'recv-fin'
  | 'recv-rst'
  | 'recv-window-update';

export const STREAM_INPUTS: readonly StreamInput[] = [
  'send-syn-stream',
  'send-syn-stream-uni',
  'send-push',
  'send-syn-reply',
  'send-headers',
  'send-data',
  'send-fin',
  'send-rst',
  'recv-syn-stream',
  'recv-syn-stream-uni',
  'recv-push',
  'recv-syn-reply',
  'recv-headers',
  'recv-data',
  'recv-fin',
  'recv-rst',
  'recv-window-update',
];

/**
 * A violation. `stream` scope: the peer broke the protocol on this stream,
 * answer RST_STREAM `status` (§2.4.2). `local` scope: our caller tried
 * something the state forbids; the session throws SessionStateError.
 */
export interface TransitionError {
  readonly code: string;
  readonly scope: 'stream' | 'local';
  /** RST_STREAM status (SPDY/3 numbering; see `statusForVersion`); 0 for local errors. */
  readonly status: number;
  readonly reason: string;
}

export type Transition =
  | { readonly kind: 'next'; readonly state: StreamState }
  | { readonly kind: 'ignore' }
  | { readonly kind: 'error'; readonly error: TransitionError };

const to = (state: StreamState): Transition => ({ kind: 'next', state });
const IGNORE: Transition = { kind: 'ignore' };
const fail = (code: string, scope: 'stream' | 'local', status: number, reason: string): Transition => ({
  kind: 'error',
  error: { code, scope, status, reason },
});

// Peer errors.
/** §2.2.2: DATA (or another stream frame) for a stream that is not open. */
const NOT_OPEN = fail('ERR_SPDY_STREAM_NOT_OPEN', 'stream', RstStatus.INVALID_STREAM, 'frame for a stream that is not open');
/** §2.3.6 and §2.6.3: a frame after the sender's FIN (or on a stream unidirectional towards us). */
const AFTER_FIN = fail(
  'ERR_SPDY_STREAM_ALREADY_CLOSED',
  'stream',
  RstStatus.STREAM_ALREADY_CLOSED,
  'frame after the sender half-closed the stream',
);
/** §2.3.2: a second SYN_STREAM for the same stream. */
const DUPLICATE = fail('ERR_SPDY_DUPLICATE_STREAM', 'stream', RstStatus.PROTOCOL_ERROR, 'second SYN_STREAM for the same stream');
/** §2.3.7: DATA after the stream closed. */
const DATA_AFTER_CLOSE = fail('ERR_SPDY_DATA_AFTER_CLOSE', 'stream', RstStatus.PROTOCOL_ERROR, 'DATA on a closed stream');
/** §3.3.1: a pushed stream carries its response headers before any DATA. */
const DATA_BEFORE_HEADERS = fail(
  'ERR_SPDY_DATA_BEFORE_HEADERS',
  'stream',
  RstStatus.PROTOCOL_ERROR,
  'DATA on a pushed stream before its response headers',
);
/** The pushing side cannot reply to its own push. */
const REPLY_TO_PUSH = fail('ERR_SPDY_SYN_REPLY_ON_PUSH', 'stream', RstStatus.PROTOCOL_ERROR, 'SYN_REPLY on a pushed stream');

// Caller errors.
const L_EXISTS = fail('ERR_STREAM_EXISTS', 'local', 0, 'the stream already exists');
const L_NOT_OPEN = fail('ERR_STREAM_NOT_OPEN', 'local', 0, 'the stream is not open');
const L_HALF_CLOSED = fail('ERR_STREAM_HALF_CLOSED', 'local', 0, 'we already sent FIN on this stream');
const L_RESERVED = fail('ERR_STREAM_RESERVED', 'local', 0, 'a pushed stream sends its response headers before DATA');
const L_NO_REPLY = fail('ERR_STREAM_NO_REPLY', 'local', 0, 'SYN_REPLY answers a stream the peer opened');

/** One state's row of the transition table: what each input does from that state. */
export type StreamTransitionRow = { readonly [I in StreamInput]: Transition };

/** The table. Every (state, input) pair has an entry; the type makes a missing one a compile error. */
export const STREAM_TRANSITIONS: { readonly [S in StreamState]: StreamTransitionRow } = {
  idle: {
    'send-syn-stream': to('open'),
    'send-syn-stream-uni': to('half-closed-remote'),
    'send-push': to('reserved-local'),
    'send-syn-reply': L_NOT_OPEN,
    'send-headers': L_NOT_OPEN,
    'send-data': L_NOT_OPEN,
    'send-fin': L_NOT_OPEN,
    // Nothing to reset: the session answers unknown ids itself.
    'send-rst': IGNORE,
    'recv-syn-stream': to('open'),
    'recv-syn-stream-uni': to('half-closed-local'),
    'recv-push': to('reserved-remote'),
    'recv-syn-reply': NOT_OPEN,
    'recv-headers': NOT_OPEN,
    'recv-data': NOT_OPEN,
    'recv-fin': NOT_OPEN,
    // §2.4.2: never answer a RST_STREAM with a RST_STREAM.
    'recv-rst': IGNORE,
    // WINDOW_UPDATE is metadata, not part of a stream (§2.3.6); for an unknown stream it has nothing to update.
    'recv-window-update': IGNORE,
  },
  'reserved-local': {
    'send-syn-stream': L_EXISTS,
    'send-syn-stream-uni': L_EXISTS,
    'send-push': L_EXISTS,
    'send-syn-reply': L_NO_REPLY,
    'send-headers': to('half-closed-remote'),
    'send-data': L_RESERVED,
    'send-fin': to('closed'),
    'send-rst': to('closed'),
    'recv-syn-stream': DUPLICATE,
    'recv-syn-stream-uni': DUPLICATE,
    'recv-push': DUPLICATE,
    // The stream is unidirectional from us: the peer may send nothing on it.
    'recv-syn-reply': AFTER_FIN,
    'recv-headers': AFTER_FIN,
    'recv-data': AFTER_FIN,
    'recv-fin': AFTER_FIN,
    'recv-rst': to('closed'),
    'recv-window-update': to('reserved-local'),
  },
  'reserved-remote': {
    'send-syn-stream': L_EXISTS,
    'send-syn-stream-uni': L_EXISTS,
    'send-push': L_EXISTS,
    'send-syn-reply': L_HALF_CLOSED,
    'send-headers': L_HALF_CLOSED,
    'send-data': L_HALF_CLOSED,
    'send-fin': L_HALF_CLOSED,
    'send-rst': to('closed'),
    'recv-syn-stream': DUPLICATE,
    'recv-syn-stream-uni': DUPLICATE,
    'recv-push': DUPLICATE,
    'recv-syn-reply': REPLY_TO_PUSH,
    'recv-headers': to('half-closed-local'),
    'recv-data': DATA_BEFORE_HEADERS,
    // A push that ends without ever sending a response: nothing more will come.
    'recv-fin': to('closed'),
    'recv-rst': to('closed'),
    'recv-window-update': to('reserved-remote'),
  },
  open: {
    'send-syn-stream': L_EXISTS,
    'send-syn-stream-uni': L_EXISTS,
    'send-push': L_EXISTS,
    'send-syn-reply': to('open'),
    'send-headers': to('open'),
    'send-data': to('open'),
    'send-fin': to('half-closed-local'),
    'send-rst': to('closed'),
    'recv-syn-stream': DUPLICATE,
    'recv-syn-stream-uni': DUPLICATE,
    'recv-push': DUPLICATE,
    'recv-syn-reply': to('open'),
    'recv-headers': to('open'),
    'recv-data': to('open'),
    'recv-fin': to('half-closed-remote'),
    'recv-rst': to('closed'),
    'recv-window-update': to('open'),
  },
  'half-closed-local': {
    'send-syn-stream': L_EXISTS,
    'send-syn-stream-uni': L_EXISTS,
    'send-push': L_EXISTS,
    'send-syn-reply': L_HALF_CLOSED,
    'send-headers': L_HALF_CLOSED,
    'send-data': L_HALF_CLOSED,
    'send-fin': L_HALF_CLOSED,
    'send-rst': to('closed'),
    'recv-syn-stream': DUPLICATE,
    'recv-syn-stream-uni': DUPLICATE,
    'recv-push': DUPLICATE,
    'recv-syn-reply': to('half-closed-local'),
    'recv-headers': to('half-closed-local'),
    'recv-data': to('half-closed-local'),
    'recv-fin': to('closed'),
    'recv-rst': to('closed'),
    'recv-window-update': to('half-closed-local'),
  },
  'half-closed-remote': {
    'send-syn-stream': L_EXISTS,
    'send-syn-stream-uni': L_EXISTS,
    'send-push': L_EXISTS,
    'send-syn-reply': to('half-closed-remote'),
    'send-headers': to('half-closed-remote'),
    'send-data': to('half-closed-remote'),
    'send-fin': to('closed'),
    'send-rst': to('closed'),
    'recv-syn-stream': DUPLICATE,
    'recv-syn-stream-uni': DUPLICATE,
    'recv-push': DUPLICATE,
    'recv-syn-reply': AFTER_FIN,
    'recv-headers': AFTER_FIN,
    'recv-data': AFTER_FIN,
    'recv-fin': AFTER_FIN,
    'recv-rst': to('closed'),
    // §2.3.6: WINDOW_UPDATE stays allowed on a half-closed stream (we may still be sending).
    'recv-window-update': to('half-closed-remote'),
  },
  closed: {
    'send-syn-stream': L_EXISTS,
    'send-syn-stream-uni': L_EXISTS,
    'send-push': L_EXISTS,
    'send-syn-reply': L_NOT_OPEN,
    'send-headers': L_NOT_OPEN,
    'send-data': L_NOT_OPEN,
    'send-fin': L_NOT_OPEN,
    // Coalesced: one RST_STREAM per stream (§2.4.2).
    'send-rst': IGNORE,
    'recv-syn-stream': DUPLICATE,
    'recv-syn-stream-uni': DUPLICATE,
    'recv-push': DUPLICATE,
    'recv-syn-reply': NOT_OPEN,
    'recv-headers': NOT_OPEN,
    // §2.3.7: "If an endpoint receives a data frame after the stream is closed, it must send a
    // RST_STREAM to the sender with the status PROTOCOL_ERROR" (INVALID_STREAM is for ids never opened, §2.2.2).
    'recv-data': DATA_AFTER_CLOSE,
    'recv-fin': NOT_OPEN,
    'recv-rst': IGNORE,
    'recv-window-update': IGNORE,
  },
};

/** The outcome of `input` in `state`. */
export function transition(state: StreamState, input: StreamInput): Transition {
  return STREAM_TRANSITIONS[state][input];
}

/** Whether we may still send frames on a stream in this state. */
export function canSend(state: StreamState): boolean {
  return state === 'open' || state === 'half-closed-remote' || state === 'reserved-local';
}

/** Whether the peer may still send frames on a stream in this state. */
export function canReceive(state: StreamState): boolean {
  return state === 'open' || state === 'half-closed-local' || state === 'reserved-remote';
}

/**
 * A RST_STREAM status for the wire version: SPDY/2 defines codes 1 to 7 only,
 * so the SPDY/3 additions map to their nearest SPDY/2 meaning.
 */
export function statusForVersion(status: number, wire: 2 | 3): number {
  if (wire === 3 || status <= RstStatus.FLOW_CONTROL_ERROR) return status;
  // STREAM_ALREADY_CLOSED: the stream is no longer active for the sender, which is INVALID_STREAM in v2.
  return status === RstStatus.STREAM_ALREADY_CLOSED ? RstStatus.INVALID_STREAM : RstStatus.PROTOCOL_ERROR;
}

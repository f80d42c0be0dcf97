export { Session } from './session.js';
export { SessionStateError } from './errors.js';
export { StreamTable } from './stream-table.js';
export { ALPN_PROTOCOLS, alpnToVersion, versionToAlpn } from './alpn.js';
export {
  STREAM_INPUTS,
  STREAM_STATES,
  STREAM_TRANSITIONS,
  type StreamInput,
  type StreamState,
  type StreamTransitionRow,
  type Transition,
  type TransitionError,
  transition,
} from './state.js';
export type * from './types.js';

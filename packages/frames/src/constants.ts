/**
 * Wire constants of SPDY/2, SPDY/3 and SPDY/3.1, defined once here and
 * imported by every other package.
 *
 * SPDY/3.1 is version 3 on the wire: it is told apart from SPDY/3 only by the
 * negotiated protocol (ALPN `spdy/3.1` or an Upgrade header), so frames carry
 * {@link WireVersion} and sessions carry {@link ProtocolVersion}.
 */

/** The version number written in control frames. */
export type WireVersion = 2 | 3;

/** A negotiated protocol version: 3.1 is version 3 on the wire plus a session window. */
export type ProtocolVersion = 2 | 3 | 3.1;

/** The wire version of a protocol version. */
export function wireVersion(version: ProtocolVersion): WireVersion {
  return version === 2 ? 2 : 3;
}

/** Control frame type numbers (§2.6 of each draft). */
export const FrameType = {
  SYN_STREAM: 1,
  SYN_REPLY: 2,
  RST_STREAM: 3,
  SETTINGS: 4,
  /** SPDY/2 only; removed in draft 3. */
  NOOP: 5,
  PING: 6,
  GOAWAY: 7,
  HEADERS: 8,
  WINDOW_UPDATE: 9,
  /** SPDY/3 only; deprecated by 3.1. */
  CREDENTIAL: 10,
} as const;
export type FrameTypeNumber = (typeof FrameType)[keyof typeof FrameType];

/** Frame flags. Each frame type defines its own meaning for the 8 flag bits. */
export const Flag = {
  /** DATA, SYN_STREAM, SYN_REPLY, HEADERS: the sender's last frame on the stream. */
  FIN: 0x01,
  /** SYN_STREAM: the stream is half-closed for the recipient from the start (push). */
  UNIDIRECTIONAL: 0x02,
  /** DATA in SPDY/2 only: the payload is compressed (deprecated, never used by real peers). */
  DATA_COMPRESS: 0x02,
  /** SETTINGS: forget every persisted setting (v2 calls it CLEAR_PREVIOUSLY_PERSISTED_SETTINGS). */
  SETTINGS_CLEAR_SETTINGS: 0x01,
} as const;

/** Flags of a single SETTINGS entry. */
export const SettingsFlag = {
  NONE: 0x00,
  /** Sender asks the recipient to persist the value and return it in future sessions. */
  PERSIST_VALUE: 0x01,
  /** The value is one the sender was asked to persist earlier and now returns. */
  PERSISTED: 0x02,
} as const;

/** SETTINGS ids (§2.6.4). */
export const SettingsId = {
  UPLOAD_BANDWIDTH: 1,
  DOWNLOAD_BANDWIDTH: 2,
  ROUND_TRIP_TIME: 3,
  MAX_CONCURRENT_STREAMS: 4,
  CURRENT_CWND: 5,
  DOWNLOAD_RETRANS_RATE: 6,
  INITIAL_WINDOW_SIZE: 7,
  /** SPDY/3 only. */
  CLIENT_CERTIFICATE_VECTOR_SIZE: 8,
} as const;

/** RST_STREAM status codes (§2.6.3). */
export const RstStatus = {
  PROTOCOL_ERROR: 1,
  INVALID_STREAM: 2,
  REFUSED_STREAM: 3,
  UNSUPPORTED_VERSION: 4,
  CANCEL: 5,
  INTERNAL_ERROR: 6,
  FLOW_CONTROL_ERROR: 7,
  /** SPDY/3 and later. */
  STREAM_IN_USE: 8,
  /** SPDY/3 and later. */
  STREAM_ALREADY_CLOSED: 9,
  /** SPDY/3 only (CREDENTIAL); unused in 3.1. */
  INVALID_CREDENTIALS: 10,
  /** SPDY/3 and later. */
  FRAME_TOO_LARGE: 11,
} as const;
export type RstStatusCode = (typeof RstStatus)[keyof typeof RstStatus];

/** GOAWAY status codes (§2.6.6; SPDY/2's GOAWAY has no status field). */
export const GoawayStatus = {
  OK: 0,
  PROTOCOL_ERROR: 1,
  INTERNAL_ERROR: 2,
} as const;
export type GoawayStatusCode = (typeof GoawayStatus)[keyof typeof GoawayStatus];

/** Size of every frame header, control or data. */
export const FRAME_HEADER_SIZE = 8;

/** Largest 24-bit length a frame header can carry. */
export const MAX_FRAME_LENGTH = 0xffffff;

/** Largest stream id (31 bits). */
export const MAX_STREAM_ID = 0x7fffffff;

/** Largest flow-control window and WINDOW_UPDATE delta (2^31 - 1). */
export const MAX_WINDOW_SIZE = 0x7fffffff;

/** Initial window of every stream, and of the 3.1 session (§2.6.8): 64 KiB. */
export const DEFAULT_INITIAL_WINDOW_SIZE = 65536;

/** Lowest (numerically highest) priority per wire version: 2 bits in v2, 3 bits in v3. */
export function lowestPriority(version: WireVersion): number {
  return version === 2 ? 3 : 7;
}

/** Reverse lookup tables for logs and error messages. */
function invert<T extends Record<string, number>>(table: T): Record<number, string> {
  const out: Record<number, string> = {};
  for (const [name, value] of Object.entries(table)) out[value] ??= name;
  return out;
}
const frameTypeNames = invert(FrameType);
const rstStatusNames = invert(RstStatus);
const goawayStatusNames = invert(GoawayStatus);
const settingsIdNames = invert(SettingsId);

/** The spec's name of a control frame type, or `UNKNOWN(n)`. */
export function frameTypeName(type: number): string {
  return frameTypeNames[type] ?? `UNKNOWN(${type})`;
}
/** The spec's name of a RST_STREAM status code, or `UNKNOWN(n)`. */
export function rstStatusName(status: number): string {
  return rstStatusNames[status] ?? `UNKNOWN(${status})`;
}
/** The spec's name of a GOAWAY status code, or `UNKNOWN(n)`. */
export function goawayStatusName(status: number): string {
  return goawayStatusNames[status] ?? `UNKNOWN(${status})`;
}
/** The spec's name of a SETTINGS id, or `UNKNOWN(n)`. */
export function settingsIdName(id: number): string {
  return settingsIdNames[id] ?? `UNKNOWN(${id})`;
}

/**
 * The public shapes of the session engine: options, data providers and events.
 *
 * Events mirror every callback of spdylay's Session (see
 * shared/reference/python-spdylay-api.rst) plus the higher-level outcomes an
 * HTTP layer needs (headers, pushes, resets, GOAWAY with the streams it left
 * unprocessed). They are plain objects tagged by `type`, easy to assert on.
 */

import type {
  ControlFrame,
  Frame,
  ProtocolVersion,
  SettingsEntry,
  SpdyProtocolError,
  UnknownControlFrame,
} from '@spdy/frames';
import type { HeaderList } from '@spdy/zlib-headers';

export type Side = 'client' | 'server';

/** Headers as the application writes them: pairs, or a record (arrays for several values). */
export type HeadersInit = HeaderList | Record<string, string | readonly string[]>;

/**
 * What a data provider returns for one call:
 * - `{ data, end? }`: bytes to send (at most `maxLength`; may be empty), and
 *   whether they are the last ones (FIN goes on the frame carrying them);
 * - `'deferred'`: nothing now; the stream's data waits until `resumeData()`.
 */
export type DataProviderResult = { readonly data: Uint8Array; readonly end?: boolean } | 'deferred';

/** Pulls outbound DATA for one stream, as spdylay's DataProvider read_cb does. */
export type DataProvider = (maxLength: number, streamId: number) => DataProviderResult;

/** A body to send: bytes or a string (UTF-8), or a provider for streaming and deferral. */
export type BodyInit = Uint8Array | string | DataProvider;

/** How received DATA is acknowledged with WINDOW_UPDATE. */
export type FlowControlMode =
  /** WINDOW_UPDATE is sent once half a window has been received. */
  | 'auto'
  /** The application calls `consume(streamId, n)` when it has processed bytes (real backpressure). */
  | 'manual';

export interface SessionOptions {
  side: Side;
  /** Chosen explicitly: from ALPN (`alpnToVersion`) or an Upgrade header, never guessed. */
  version: ProtocolVersion;
  /**
   * Reference-style send callback: receives bytes and returns how many it
   * accepted (0 = would block). Optional: `pull()` is the other way out.
   */
  send?: (bytes: Uint8Array) => number;
  /** Receives every event (in addition to listeners registered with `on`). */
  onEvent?: (event: SessionEvent) => void;

  /** SETTINGS_MAX_CONCURRENT_STREAMS we advertise and enforce on incoming streams. Default 100. */
  maxConcurrentStreams?: number;
  /** Our per-stream receive window (SETTINGS_INITIAL_WINDOW_SIZE we advertise). Default 65536. */
  initialWindowSize?: number;
  /** SPDY/3.1: our session receive window; raised from 64 KiB at start with a WINDOW_UPDATE on stream 0. Default 65536. */
  sessionWindowSize?: number;
  /** Default 'auto'. */
  flowControl?: FlowControlMode;
  /**
   * Send without regard to the peer's windows. For peers that implement no
   * flow control at all (Go's spdystream, under Kubernetes, never sends
   * WINDOW_UPDATE, so a strict sender stalls after 64 KiB). Default false.
   */
  ignorePeerFlowControl?: boolean;
  /** Largest control frame payload accepted. Default 65536. */
  maxControlFrameSize?: number;
  /** Largest decompressed header block. Default from @spdy/zlib-headers. */
  maxHeaderListSize?: number;
  /** zlib level for our header blocks. Default: 0 for clients (CRIME), 9 for servers. */
  compressionLevel?: number;
  /** Largest DATA payload we send per frame. Default 16384. */
  maxOutboundDataFrameSize?: number;
  /** Send a PING after this many ms without input (keep-alive). Default: off. */
  keepAliveInterval?: number;
  /** Close the session (GOAWAY OK) after this many ms without any stream and without input. Default: off. */
  idleTimeout?: number;
  /** A PING unanswered for this many ms ends the session. Default 30000 when keep-alive is on. */
  pingTimeout?: number;
  /** Client only: settings persisted from an earlier session with this origin, sent back with FLAG_SETTINGS_PERSISTED. */
  persistedSettings?: readonly SettingsEntry[];
  /** Most headers (name/value pairs) accepted in one header block; more: RST_STREAM FRAME_TOO_LARGE. Default 256; 0 = no limit. */
  maxHeaderCount?: number;
  // Rate limits against floods (CVE-2023-44487 "rapid reset" and the cheap-frame floods of
  // CVE-2019-9512/9515/9517). Each counts per session over one-second windows of the `now`
  // passed to `receive()` (without `now` they stay inactive); past the limit the session ends
  // with GOAWAY PROTOCOL_ERROR and a `sessionError`. 0 = no limit.
  /** Streams the peer opens and then resets before we answered. Default 100 per second. */
  maxRapidResetsPerSecond?: number;
  /** PINGs the peer initiates (each needs an echo). Default 100 per second. */
  maxPingsPerSecond?: number;
  /** SETTINGS frames. Default 50 per second. */
  maxSettingsPerSecond?: number;
  /**
   * WINDOW_UPDATE frames that release no pending data (for the session window, for streams with
   * nothing queued, for unknown streams). Default 10000 per second.
   */
  maxWindowUpdatesPerSecond?: number;
  /**
   * Peer frames we must refuse with RST_STREAM (DATA or headers for streams that are not
   * open, refused streams, ...) plus RST_STREAM for streams that never existed. Default 1000 per second.
   */
  maxInvalidFramesPerSecond?: number;
  /**
   * Control frames (PING echoes, RST_STREAM, WINDOW_UPDATE, replies) waiting to be written:
   * past it the peer is not reading what it makes us send, and the session ends with GOAWAY
   * INTERNAL_ERROR. Checked after each received frame, so it must exceed what one `receive()` call
   * can queue (a 64 KiB read holds at most about 5500 PINGs). Default 10000; 0 = no limit.
   */
  maxQueuedControlFrames?: number;
  /** Validate HTTP layering (required headers, connection-specific headers). Default true. */
  validateHttp?: boolean;
  /** Time of creation, in ms (any monotonic clock). Default 0. */
  now?: number;
}

/** Why a stream closed. */
export interface StreamCloseInfo {
  /** RST_STREAM status if it was reset (by either side), 0 if it closed normally. */
  readonly status: number;
  /** Which side reset it, if it was reset. */
  readonly resetBy?: 'local' | 'remote';
}

// ---------------------------------------------------------------------------
// Events. The first group mirrors spdylay's callbacks one to one.

/** A valid control frame was received (on_ctrl_recv_cb). Header frames carry decoded headers. */
export interface ControlFrameReceivedEvent {
  readonly type: 'controlFrameReceived';
  readonly frame: ControlFrame;
  /** Decoded headers for SYN_STREAM, SYN_REPLY and HEADERS. */
  readonly headers?: HeaderList;
}
/** A control frame broke the protocol; RST_STREAM or GOAWAY was queued (on_invalid_ctrl_recv_cb). */
export interface InvalidControlFrameReceivedEvent {
  readonly type: 'invalidControlFrameReceived';
  readonly frame: ControlFrame;
  readonly error: SpdyProtocolError;
}
/**
 * A chunk of DATA arrived (on_data_chunk_recv_cb). A frame that straddles two
 * reads arrives as several chunks, only the last keeping FIN; `dataFrameReceived`
 * follows the last. `data` may be a view into the input: copy to keep.
 */
export interface DataChunkReceivedEvent {
  readonly type: 'dataChunkReceived';
  readonly streamId: number;
  readonly flags: number;
  readonly data: Uint8Array;
}
/** A whole DATA frame arrived (on_data_recv_cb). */
export interface DataFrameReceivedEvent {
  readonly type: 'dataFrameReceived';
  readonly streamId: number;
  readonly flags: number;
  readonly length: number;
}
/** A control frame is about to be serialized; SYN_STREAM now has its stream id (before_ctrl_send_cb). */
export interface BeforeControlFrameSendEvent {
  readonly type: 'beforeControlFrameSend';
  readonly frame: ControlFrame;
  readonly headers?: HeaderList;
}
/** A control frame was handed to the transport (on_ctrl_send_cb). */
export interface ControlFrameSentEvent {
  readonly type: 'controlFrameSent';
  readonly frame: ControlFrame;
  readonly headers?: HeaderList;
}
/** A queued control frame was dropped (stream closed, GOAWAY, id space exhausted) (on_ctrl_not_send_cb). */
export interface ControlFrameNotSentEvent {
  readonly type: 'controlFrameNotSent';
  readonly frame: ControlFrame;
  readonly headers?: HeaderList;
  readonly reason: string;
}
/** A DATA frame was handed to the transport (on_data_send_cb). */
export interface DataSentEvent {
  readonly type: 'dataSent';
  readonly streamId: number;
  readonly flags: number;
  readonly length: number;
}
/** A stream closed (on_stream_close_cb); its user data is still readable during the event. */
export interface StreamClosedEvent {
  readonly type: 'streamClosed';
  readonly streamId: number;
  readonly status: number;
  readonly resetBy?: 'local' | 'remote';
  readonly userData: unknown;
}
/** The peer finished sending a request, FIN included (on_request_recv_cb). Server side. */
export interface RequestReceivedEvent {
  readonly type: 'requestReceived';
  readonly streamId: number;
}
/** Control frame bytes could not be parsed (on_ctrl_recv_parse_error_cb). */
export interface ControlFrameParseErrorEvent {
  readonly type: 'controlFrameParseError';
  readonly error: SpdyProtocolError;
}
/** A control frame of unknown type (or another version) arrived (on_unknown_ctrl_recv_cb). */
export interface UnknownControlFrameEvent {
  readonly type: 'unknownControlFrame';
  readonly frame: UnknownControlFrame;
}

// Higher-level events for HTTP layers.

/** Server: a new stream (request) opened by the client. */
export interface StreamOpenedEvent {
  readonly type: 'streamOpened';
  readonly streamId: number;
  readonly headers: HeaderList;
  readonly priority: number;
  /** FIN on the SYN_STREAM: no body follows. */
  readonly fin: boolean;
}
/** Client: the response headers of one of our streams (SYN_REPLY). */
export interface ResponseReceivedEvent {
  readonly type: 'responseReceived';
  readonly streamId: number;
  readonly headers: HeaderList;
  readonly fin: boolean;
}
/** More headers on an open stream (HEADERS frame; trailers when `fin`). */
export interface HeadersReceivedEvent {
  readonly type: 'headersReceived';
  readonly streamId: number;
  readonly headers: HeaderList;
  readonly fin: boolean;
}
/** Client: the server pushed a stream associated with one of ours. */
export interface PushReceivedEvent {
  readonly type: 'pushReceived';
  readonly streamId: number;
  readonly associatedStreamId: number;
  readonly headers: HeaderList;
  readonly priority: number;
  readonly fin: boolean;
}
/** The peer sent its last byte on a stream (half-closed remote). */
export interface StreamEndedEvent {
  readonly type: 'streamEnded';
  readonly streamId: number;
}
/** The peer reset a stream (CANCEL, REFUSED_STREAM, ...): a normal outcome, never an exception. */
export interface StreamResetEvent {
  readonly type: 'streamReset';
  readonly streamId: number;
  readonly status: number;
}
/** A send window grew: streams blocked on flow control may write again (streamId 0: the 3.1 session window). */
export interface WindowUpdatedEvent {
  readonly type: 'windowUpdated';
  readonly streamId: number;
  readonly delta: number;
}
/** The peer's SETTINGS were applied. */
export interface SettingsReceivedEvent {
  readonly type: 'settingsReceived';
  readonly entries: readonly SettingsEntry[];
}
/** One of our PINGs came back. */
export interface PingAcknowledgedEvent {
  readonly type: 'pingAcknowledged';
  readonly id: number;
  /** Round-trip time in ms, from the `now` values passed in. */
  readonly rtt: number;
}
/** The peer sent GOAWAY: no new streams; `unprocessedStreamIds` may be retried elsewhere. */
export interface GoawayReceivedEvent {
  readonly type: 'goawayReceived';
  readonly lastGoodStreamId: number;
  readonly status: number;
  readonly unprocessedStreamIds: readonly number[];
}
/** A stream waiting for the peer's MAX_CONCURRENT_STREAMS got its id and SYN_STREAM was queued. */
export interface StreamStartedEvent {
  readonly type: 'streamStarted';
  readonly streamId: number;
  readonly userData: unknown;
}
/** The session failed: a session error (ours or the peer's), GOAWAY queued when we detected it. */
export interface SessionErrorEvent {
  readonly type: 'sessionError';
  readonly error: SpdyProtocolError;
}
/** Nothing more will be read or written; the transport may be closed once output is flushed. */
export interface SessionClosedEvent {
  readonly type: 'sessionClosed';
  readonly reason: 'goaway-sent' | 'goaway-received' | 'error' | 'idle' | 'ping-timeout' | 'terminated';
}

export type SessionEvent =
  | ControlFrameReceivedEvent
  | InvalidControlFrameReceivedEvent
  | DataChunkReceivedEvent
  | DataFrameReceivedEvent
  | BeforeControlFrameSendEvent
  | ControlFrameSentEvent
  | ControlFrameNotSentEvent
  | DataSentEvent
  | StreamClosedEvent
  | RequestReceivedEvent
  | ControlFrameParseErrorEvent
  | UnknownControlFrameEvent
  | StreamOpenedEvent
  | ResponseReceivedEvent
  | HeadersReceivedEvent
  | PushReceivedEvent
  | StreamEndedEvent
  | StreamResetEvent
  | WindowUpdatedEvent
  | SettingsReceivedEvent
  | PingAcknowledgedEvent
  | GoawayReceivedEvent
  | StreamStartedEvent
  | SessionErrorEvent
  | SessionClosedEvent;

export type SessionEventType = SessionEvent['type'];

/** Event type -> event object, for typed listeners. */
export type SessionEventMap = { [E in SessionEvent as E['type']]: E };

/** Frames the session writes, for trace hooks (re-exported for adapters). */
export type { Frame };

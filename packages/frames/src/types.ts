/**
 * Typed SPDY frames: a discriminated union on `type`.
 *
 * Frames hold what is on the wire and nothing derived: `flags` keeps every
 * bit as received (so an unknown bit survives a round trip), header blocks are
 * the compressed bytes (see `@spdy/zlib-headers` to decode them), and the
 * wire version is a property of the encoder and decoder, not of each frame.
 * Reserved bits (the 'X' bits of the spec) are dropped on decode and written
 * as zero.
 */

/** DATA frame (§2.2.2). `data` is a view into the decoder's input where possible. */
export interface DataFrame {
  readonly type: 'DATA';
  /** 31-bit stream id. */
  readonly streamId: number;
  /** FIN (0x01); in SPDY/2 also the deprecated COMPRESS (0x02). */
  readonly flags: number;
  readonly data: Uint8Array;
}

/** SYN_STREAM (§2.6.1): opens a stream. */
export interface SynStreamFrame {
  readonly type: 'SYN_STREAM';
  /** FIN (0x01), UNIDIRECTIONAL (0x02). */
  readonly flags: number;
  readonly streamId: number;
  /** The stream this one is associated with (server push), or 0. */
  readonly associatedStreamId: number;
  /** 0 is highest; 0–3 in SPDY/2, 0–7 in SPDY/3. */
  readonly priority: number;
  /** CREDENTIAL slot (SPDY/3; always 0 in SPDY/2). */
  readonly slot: number;
  /** The compressed name/value header block. */
  readonly headerBlock: Uint8Array;
}

/** SYN_REPLY (§2.6.2): accepts a stream. */
export interface SynReplyFrame {
  readonly type: 'SYN_REPLY';
  /** FIN (0x01). */
  readonly flags: number;
  readonly streamId: number;
  readonly headerBlock: Uint8Array;
}

/** RST_STREAM (§2.6.3): abnormal termination of a stream. */
export interface RstStreamFrame {
  readonly type: 'RST_STREAM';
  readonly flags: number;
  readonly streamId: number;
  /** A {@link RstStatus} code. */
  readonly status: number;
}

/** One entry of a SETTINGS frame. */
export interface SettingsEntry {
  /** A {@link SettingsId} (24 bits). */
  readonly id: number;
  /** {@link SettingsFlag} bits: PERSIST_VALUE (0x01), PERSISTED (0x02). */
  readonly flags: number;
  /** Unsigned 32-bit value. */
  readonly value: number;
}

/** SETTINGS (§2.6.4). */
export interface SettingsFrame {
  readonly type: 'SETTINGS';
  /** CLEAR_SETTINGS (0x01). */
  readonly flags: number;
  readonly entries: readonly SettingsEntry[];
}

/** NOOP (SPDY/2 only). */
export interface NoopFrame {
  readonly type: 'NOOP';
  readonly flags: number;
}

/** PING (§2.6.5). */
export interface PingFrame {
  readonly type: 'PING';
  readonly flags: number;
  /** Unsigned 32-bit id: odd from clients, even from servers. */
  readonly id: number;
}

/** GOAWAY (§2.6.6). */
export interface GoawayFrame {
  readonly type: 'GOAWAY';
  readonly flags: number;
  /** The last stream id the sender accepted from the recipient. */
  readonly lastGoodStreamId: number;
  /**
   * A {@link GoawayStatus} code. SPDY/2 has no status on the wire: it is not
   * written, and a 4-byte SPDY/2 GOAWAY decodes as OK (0); an 8-byte one (as
   * the `spdy` npm package writes) keeps the status it carries.
   */
  readonly status: number;
}

/** HEADERS (§2.6.7): more headers on an open stream. */
export interface HeadersFrame {
  readonly type: 'HEADERS';
  /** FIN (0x01). */
  readonly flags: number;
  readonly streamId: number;
  readonly headerBlock: Uint8Array;
}

/** WINDOW_UPDATE (§2.6.8; SPDY/3 and later). Stream 0 is the session window of 3.1. */
export interface WindowUpdateFrame {
  readonly type: 'WINDOW_UPDATE';
  readonly flags: number;
  readonly streamId: number;
  /** 1 to 2^31-1. */
  readonly deltaWindowSize: number;
}

/** CREDENTIAL (SPDY/3 only; deprecated by 3.1). */
export interface CredentialFrame {
  readonly type: 'CREDENTIAL';
  readonly flags: number;
  /** 16-bit slot index. */
  readonly slot: number;
  readonly proof: Uint8Array;
  readonly certificates: readonly Uint8Array[];
}

/**
 * A control frame this codec does not model: an unknown type number, or a
 * control frame of another wire version than the decoder's. Surfaced with its
 * raw payload so the application can decide (the spec says to ignore them; a
 * SYN_STREAM of another version earns RST_STREAM UNSUPPORTED_VERSION).
 */
export interface UnknownControlFrame {
  readonly type: 'UNKNOWN';
  /** The version field as received. */
  readonly version: number;
  /** The type field as received. */
  readonly frameType: number;
  readonly flags: number;
  readonly payload: Uint8Array;
}

/** Every frame of SPDY/2, SPDY/3 and SPDY/3.1. */
export type Frame =
  | DataFrame
  | SynStreamFrame
  | SynReplyFrame
  | RstStreamFrame
  | SettingsFrame
  | NoopFrame
  | PingFrame
  | GoawayFrame
  | HeadersFrame
  | WindowUpdateFrame
  | CredentialFrame
  | UnknownControlFrame;

/** Every control frame (all but DATA). */
export type ControlFrame = Exclude<Frame, DataFrame>;

/** Frames that carry a compressed name/value header block. */
export type HeaderFrame = SynStreamFrame | SynReplyFrame | HeadersFrame;

/** The `type` tags of {@link Frame}. */
export type FrameKind = Frame['type'];

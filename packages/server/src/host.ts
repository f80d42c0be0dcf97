/**
 * What request, response and push objects need from the connection that
 * carries their stream. Every call schedules a write of what the session
 * queued, so callers never drive the socket themselves.
 */

import type { ProtocolVersion } from '@spdy/frames';
import type { BodyInit, HeadersInit } from '@spdy/session';
import type { Duplex } from 'node:stream';

export interface StreamHost {
  readonly version: ProtocolVersion;
  /** The transport: a net.Socket, a TLSSocket or any Duplex handed to `handleConnection`. */
  readonly socket: Duplex;
  /** Whether the transport is TLS (for `:scheme` of pushed streams). */
  readonly encrypted: boolean;
  resumeData(streamId: number): void;
  /**
   * SYN_REPLY; with `body` the data follows, without it FIN goes on the
   * reply. `finOnData` false: the body ends without FIN and trailers follow.
   */
  submitResponse(streamId: number, headers: HeadersInit, body: BodyInit | undefined, finOnData?: boolean): void;
  /** HEADERS with FIN, queued behind the stream's data. */
  submitTrailers(streamId: number, headers: HeadersInit): void;
  /** A pushed stream associated with `associatedStreamId`, or undefined if the session cannot push now. */
  submitPush(associatedStreamId: number, requestHeaders: HeadersInit, responseHeaders: HeadersInit, body: BodyInit): number | undefined;
  /** RST_STREAM, unless the stream is already closed. */
  resetStream(streamId: number, status: number): void;
  /** 'manual' flow control: the application consumed `length` bytes of the stream's body. */
  consume(streamId: number, length: number): void;
  /** Registers the outbound side of a pushed stream so its reset reaches it. */
  trackPush(streamId: number, onClose: () => void): void;
}

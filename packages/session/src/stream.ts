/**
 * The record the session keeps for each live stream. Closed streams leave
 * the session's map; only their ids are remembered (to coalesce RST_STREAM).
 */

import type { HeaderList } from '@spdy/zlib-headers';
import type { ReceiveWindow } from './flow.js';
import { Fifo, type Schedulable } from './scheduler.js';
import type { StreamInput, StreamState } from './state.js';
import type { DataProvider } from './types.js';

/** One piece of a stream's outbound sequence, sent in order. */
export type OutboundItem =
  /** Bytes; `offset` advances as frames carry them. */
  | { kind: 'bytes'; data: Uint8Array; offset: number; fin: boolean }
  /** A provider asked for bytes until it signals the end; `leftover` keeps what exceeded a frame. */
  | { kind: 'provider'; provider: DataProvider; fin: boolean; leftover: Uint8Array | undefined; leftoverEnd: boolean }
  /** HEADERS queued behind data (trailers), so it leaves after the bytes before it. */
  | { kind: 'headers'; headers: HeaderList; fin: boolean };

export class Stream implements Schedulable {
  readonly id: number;
  /** We opened it (our parity). */
  readonly local: boolean;
  priority: number;
  state: StreamState = 'idle';
  userData: unknown;
  /** The stream a pushed stream belongs to, or 0. */
  readonly associatedId: number;
  /** Pushed streams associated with this one, so they can be reset with it (§3.3.2). */
  pushes: Set<number> | undefined;

  /** Our streams: the flags of the SYN_STREAM, and the transition it makes when it leaves. */
  synFlags = 0;
  synInput: StreamInput = 'send-syn-stream';
  /** A push we received: header names of its HEADERS frames so far (§3.3.2 forbids repeats). */
  pushHeaderNames: Set<string> | undefined;
  /** Our SYN_STREAM or SYN_REPLY has left: DATA may follow (never before it). */
  headersSent = false;
  /** SYN_REPLY queued (peer-initiated streams) or response headers queued (our pushes). */
  replyQueued = false;
  /** Our FIN is queued: nothing more may be submitted. */
  finQueued = false;
  /** Our stream: the peer's SYN_REPLY arrived (a second one is STREAM_IN_USE, §2.6.2). */
  replyReceived = false;
  /** Counted against a MAX_CONCURRENT_STREAMS limit (ours or the peer's). */
  counted = false;
  /** A provider returned 'deferred': the stream waits for resumeData(). */
  deferred = false;
  /** Waited for the peer's MAX_CONCURRENT_STREAMS before its SYN_STREAM could leave. */
  waited = false;
  /** The session answered it itself (400 to an invalid request): the application never sees it. */
  silent = false;
  scheduled = false;
  /** Waiting in the session's list of streams blocked by the 3.1 session window. */
  parked = false;
  /** closeStream is running (its event may call back into the session). */
  closing = false;

  /** Peer's window for our DATA on this stream (may be negative, §2.6.8). */
  sendWindow: number;
  /** Our window for the peer's DATA (SPDY/3 and later). */
  readonly recvWindow: ReceiveWindow | undefined;
  /** SPDY/2 with a peer that counts windows anyway: received bytes not yet acknowledged. */
  v2Unacked = 0;
  /** A request's content-length (-1: none), and the DATA bytes received so far (§3.2.1). */
  expectedLength = -1;
  receivedLength = 0;
  /** Manual flow control: bytes delivered to the application and not yet consumed. */
  unconsumed = 0;

  readonly outbound = new Fifo<OutboundItem>();

  constructor(id: number, local: boolean, priority: number, associatedId: number, sendWindow: number, recvWindow: ReceiveWindow | undefined, userData: unknown) {
    this.id = id;
    this.local = local;
    this.priority = priority;
    this.associatedId = associatedId;
    this.sendWindow = sendWindow;
    this.recvWindow = recvWindow;
    this.userData = userData;
  }
}

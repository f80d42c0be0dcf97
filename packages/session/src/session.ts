/**
 * The sans-I/O SPDY engine: bytes in (`receive`), typed events out, bytes to
 * write (`pull` or `send`), time passed in (`handleTimeout`). No sockets, no
 * timers, no Node APIs.
 *
 * Error policy. Nothing the peer sends makes `receive()` throw: protocol
 * violations become RST_STREAM (stream errors, §2.4.2) or GOAWAY (session
 * errors, §2.4.1) plus events, and even a bug in this engine becomes GOAWAY
 * INTERNAL_ERROR plus a `sessionError` event. Submit operations throw for the
 * caller's own mistakes only. Exceptions thrown by the application's event
 * listeners are caught while the session finishes its work (so its state stays
 * consistent), then the first one is rethrown from the public method that was
 * running when it happened.
 */

import {
  DEFAULT_INITIAL_WINDOW_SIZE,
  Flag,
  type Frame,
  FrameDecoder,
  GoawayStatus,
  MAX_STREAM_ID,
  MAX_WINDOW_SIZE,
  type ControlFrame,
  type DataFrame,
  type GoawayFrame,
  type HeadersFrame,
  type PingFrame,
  type ProtocolVersion,
  RstStatus,
  type RstStreamFrame,
  type SettingsEntry,
  type SettingsFrame,
  SettingsFlag,
  SettingsId,
  SpdyProtocolError,
  type SynReplyFrame,
  type SynStreamFrame,
  type UnknownControlFrame,
  type WindowUpdateFrame,
  type WireVersion,
  allocateBytes,
  encodedFrameLength,
  lowestPriority,
  wireVersion,
  writeFrameInto,
} from '@spdy/frames';
import { HeaderDeflater, HeaderInflater, type HeaderList, defaultCompressionLevel } from '@spdy/zlib-headers';
import { SessionStateError } from './errors.js';
import { StreamTable } from './stream-table.js';
import { RateCounter } from './limits.js';
import { ReceiveWindow, growWindow } from './flow.js';
import {
  fromWire,
  hasResponseStatus,
  headerValue,
  invalidHeaders,
  invalidPush,
  invalidRequest,
  invalidResponse,
  pushUrlV2,
  toHeaderList,
  toWire,
} from './http.js';
import { DataScheduler, Fifo } from './scheduler.js';
import { PersistedSettings, initialSettingsFrames, settingsToApply } from './settings.js';
import { type StreamInput, type StreamState, canReceive, statusForVersion, transition } from './state.js';
import { type OutboundItem, Stream } from './stream.js';
import type {
  BodyInit,
  FlowControlMode,
  HeadersInit,
  SessionClosedEvent,
  SessionEvent,
  SessionEventMap,
  SessionEventType,
  SessionOptions,
  Side,
} from './types.js';

/** Default size of one `pull()` batch: large enough for writev-sized writes, small enough to interleave. */
const DEFAULT_PULL_BATCH = 128 * 1024;
/** How many reset stream ids are remembered to keep RST_STREAM to one per stream (bounded against floods). */
const RESET_MEMORY = 4096;
const DEFAULT_MAX_CONCURRENT_STREAMS = 100;
const DEFAULT_MAX_DATA_FRAME = 16384;
const DEFAULT_PING_TIMEOUT = 30_000;
/** Abuse limits (see SessionOptions): far above what any well-behaved peer does. */
const DEFAULT_MAX_HEADER_COUNT = 256;
const DEFAULT_MAX_RAPID_RESETS = 100;
const DEFAULT_MAX_PINGS = 100;
const DEFAULT_MAX_SETTINGS = 50;
const DEFAULT_MAX_WINDOW_UPDATES = 10_000;
const DEFAULT_MAX_INVALID_FRAMES = 1000;
const DEFAULT_MAX_QUEUED_CONTROL = 10_000;
/** Highest PING id (unsigned 32-bit, §2.6.5). */
const MAX_PING_ID = 0xffffffff;

type Listener = (event: never) => void;

/** A control frame waiting in a queue; header frames are compressed when they leave (zlib state is in wire order). */
interface QueuedControl {
  frame: ControlFrame;
  /** Headers to compress into `frame.headerBlock` (SPDY/3 form) when it leaves. */
  headers?: HeaderList;
  /** The stream whose closing makes this frame pointless (SYN_REPLY, HEADERS). */
  stream?: Stream;
}

interface ResolvedOptions {
  maxConcurrentStreams: number;
  initialWindowSize: number;
  sessionWindowSize: number;
  flowControl: FlowControlMode;
  ignorePeerFlowControl: boolean;
  maxOutboundDataFrameSize: number;
  keepAliveInterval: number | undefined;
  idleTimeout: number | undefined;
  pingTimeout: number | undefined;
  validateHttp: boolean;
  maxHeaderCount: number;
  maxRapidResetsPerSecond: number;
  maxPingsPerSecond: number;
  maxSettingsPerSecond: number;
  maxWindowUpdatesPerSecond: number;
  maxInvalidFramesPerSecond: number;
  maxQueuedControlFrames: number;
}

export class Session {
  readonly side: Side;
  readonly version: ProtocolVersion;
  private readonly wire: WireVersion;
  private readonly opts: ResolvedOptions;
  private readonly sendCallback: ((bytes: Uint8Array) => number) | undefined;
  private readonly onEvent: ((event: SessionEvent) => void) | undefined;
  private readonly listeners = new Map<SessionEventType, Listener[]>();

  private readonly decoder: FrameDecoder;
  /** Full length of the DATA frame whose pieces are arriving; 0 between frames. */
  private dataFrameLength = 0;
  /** The pieces of the current DATA frame are dropped (refused, or its stream closed meanwhile). */
  private dataDropped = false;
  private readonly deflater: HeaderDeflater;
  private readonly inflater: HeaderInflater;

  private readonly streams = new StreamTable<Stream>();
  /** Next id for a stream we open: odd for clients, even for servers (§2.3.2). */
  private nextStreamId: number;
  /** Highest id of a SYN_STREAM the peer sent (ordering, §2.3.2). */
  private lastPeerStreamId = 0;
  /** Highest peer stream id we accepted: GOAWAY's Last-good-stream-ID (§2.6.6). */
  private lastAcceptedPeerStreamId = 0;
  private localActive = 0;
  private remoteActive = 0;
  /** Streams we reset (or the peer reset), remembered so one RST_STREAM at most leaves per stream (§2.4.2). */
  private readonly resetIds = new Set<number>();

  /**
   * The peer's MAX_CONCURRENT_STREAMS. Until its SETTINGS say otherwise we assume 100, the
   * value §2.6.4 recommends as a minimum (as Chromium did): a client that opens hundreds of
   * streams before the server's SETTINGS arrive would otherwise see most of them refused.
   */
  private peerMaxConcurrent = DEFAULT_MAX_CONCURRENT_STREAMS;
  private peerInitialWindow = DEFAULT_INITIAL_WINDOW_SIZE;
  /** Largest stream window we ever advertised: how far the peer may overshoot after we shrink it. */
  private highestAdvertisedWindow: number;
  private localInitialWindow: number;
  private localMaxConcurrent: number;
  /** SPDY/3.1 session windows (stream 0). */
  private sessionSendWindow = DEFAULT_INITIAL_WINDOW_SIZE;
  private readonly sessionRecvWindow: ReceiveWindow;
  private readonly persisted: PersistedSettings | undefined;

  private nextPingId: number;
  /** Our PINGs in flight: id -> time sent. */
  private readonly pings = new Map<number, number>();

  // Outbound queues (see scheduler.ts for the order).
  private readonly pingQueue = new Fifo<PingFrame>();
  private readonly controlQueue = new Fifo<QueuedControl>();
  private readonly synQueue = new Fifo<Stream>();
  private readonly dataQueue: DataScheduler<Stream>;
  /** Streams with data but no session window (3.1): rescheduled when it opens. */
  private readonly sessionBlocked = new Fifo<Stream>();
  /** Bytes already produced but not yet taken (a frame split by maxBytes, or refused by the send callback). */
  private partial: Uint8Array | undefined;
  /** A frame prepared for a batch it did not fit in: first in the next one. */
  private carry: { frame: Frame; size: number } | undefined;

  private goawaySent = false;
  /** A SPDY/2 peer that sends WINDOW_UPDATE anyway (see onUnknownWindowUpdate). */
  private v2PeerFlowControl = false;
  private goawayReceived = false;
  private failed = false;
  private closed = false;

  /** Latest time seen, and time of the last input (keep-alive, idle). */
  private clock: number;
  private lastInput: number;
  private lastActivity: number;
  private keepAlivePing: number | undefined;

  /** Abuse counters (limits.ts); rates are measured only while `receive()` is given a `now`. */
  private timedInput = false;
  private readonly rapidResets: RateCounter;
  private readonly peerPings: RateCounter;
  private readonly settingsFrames: RateCounter;
  private readonly windowUpdates: RateCounter;
  private readonly invalidFrames: RateCounter;

  /** Public calls in progress (listeners may call back in) and the first listener exception to rethrow. */
  private depth = 0;
  private processing = false;
  private collecting = false;
  private listenerError: { error: unknown } | undefined;

  constructor(options: SessionOptions) {
    if (options === null || typeof options !== 'object') throw new TypeError('Session options are required');
    const { side, version } = options;
    if (side !== 'client' && side !== 'server') throw new TypeError(`side must be 'client' or 'server', got ${String(side)}`);
    if (version !== 2 && version !== 3 && version !== 3.1) throw new RangeError(`version must be 2, 3 or 3.1, got ${String(version)}`);
    this.side = side;
    this.version = version;
    this.wire = wireVersion(version);
    this.opts = resolveOptions(options);
    this.rapidResets = new RateCounter(this.opts.maxRapidResetsPerSecond);
    this.peerPings = new RateCounter(this.opts.maxPingsPerSecond);
    this.settingsFrames = new RateCounter(this.opts.maxSettingsPerSecond);
    this.windowUpdates = new RateCounter(this.opts.maxWindowUpdatesPerSecond);
    this.invalidFrames = new RateCounter(this.opts.maxInvalidFramesPerSecond);
    this.sendCallback = options.send;
    this.onEvent = options.onEvent;
    this.clock = options.now ?? 0;
    this.lastInput = this.clock;
    this.lastActivity = this.clock;

    this.decoder = new FrameDecoder({
      version: this.wire,
      // A DATA frame straddling two reads is delivered in pieces, views of the input, never copied.
      partialData: true,
      ...(options.maxControlFrameSize !== undefined && { maxControlFrameSize: options.maxControlFrameSize }),
    });
    this.deflater = new HeaderDeflater(version, { level: options.compressionLevel ?? defaultCompressionLevel(side) });
    this.inflater = new HeaderInflater(version, options.maxHeaderListSize !== undefined ? { maxHeaderListSize: options.maxHeaderListSize } : {});

    this.nextStreamId = side === 'client' ? 1 : 2;
    this.nextPingId = side === 'client' ? 1 : 2;
    this.localInitialWindow = this.opts.initialWindowSize;
    this.localMaxConcurrent = this.opts.maxConcurrentStreams;
    this.highestAdvertisedWindow = Math.max(DEFAULT_INITIAL_WINDOW_SIZE, this.localInitialWindow);
    this.sessionRecvWindow = new ReceiveWindow(this.opts.sessionWindowSize);
    this.dataQueue = new DataScheduler<Stream>(lowestPriority(this.wire) + 1);
    if (side === 'client') this.persisted = new PersistedSettings(options.persistedSettings ?? []);

    // The connection opens with our SETTINGS (and the 3.1 session window raise when asked).
    for (const entries of initialSettingsFrames({
      side,
      version,
      maxConcurrentStreams: this.localMaxConcurrent,
      initialWindowSize: this.localInitialWindow,
      persisted: options.persistedSettings ?? [],
    })) {
      this.controlQueue.push({ frame: { type: 'SETTINGS', flags: 0, entries } });
    }
    if (version === 3.1 && this.opts.sessionWindowSize > DEFAULT_INITIAL_WINDOW_SIZE) {
      this.queueWindowUpdate(0, this.opts.sessionWindowSize - DEFAULT_INITIAL_WINDOW_SIZE);
    }
  }

  // -------------------------------------------------------------------------
  // Events

  on<K extends SessionEventType>(type: K, listener: (event: SessionEventMap[K]) => void): this {
    const list = this.listeners.get(type);
    if (list === undefined) this.listeners.set(type, [listener as Listener]);
    else list.push(listener as Listener);
    return this;
  }

  off<K extends SessionEventType>(type: K, listener: (event: SessionEventMap[K]) => void): this {
    const list = this.listeners.get(type);
    if (list === undefined) return this;
    const at = list.indexOf(listener as Listener);
    if (at >= 0) list.splice(at, 1);
    if (list.length === 0) this.listeners.delete(type);
    return this;
  }

  /** Whether anyone listens for `type` (events are only built when someone does). */
  private wants(type: SessionEventType): boolean {
    return this.onEvent !== undefined || this.listeners.has(type);
  }

  private emit(event: SessionEvent): void {
    if (this.onEvent !== undefined) this.call(this.onEvent as Listener, event);
    const list = this.listeners.get(event.type);
    if (list === undefined) return;
    if (list.length === 1) this.call(list[0]!, event);
    else for (const listener of [...list]) this.call(listener, event);
  }

  private call(listener: Listener, event: SessionEvent): void {
    try {
      (listener as (event: SessionEvent) => void)(event);
    } catch (error) {
      this.listenerError ??= { error };
    }
  }

  /** Wraps a public entry point: time bookkeeping, and the listener exception rethrown once the outermost call is done. */
  private enter(now: number | undefined): void {
    this.depth++;
    if (now !== undefined && now > this.clock) this.clock = now;
  }

  private leave(): void {
    if (--this.depth > 0 || this.listenerError === undefined) return;
    const { error } = this.listenerError;
    this.listenerError = undefined;
    throw error;
  }

  // -------------------------------------------------------------------------
  // Input

  /** Feeds bytes from the peer. Never throws for anything the peer sends (see the module comment). */
  receive(bytes: Uint8Array, now?: number): void {
    this.enter(now);
    try {
      if (!(bytes instanceof Uint8Array)) throw new TypeError('receive() takes a Uint8Array');
      if (this.closed || bytes.length === 0) return;
      this.lastInput = this.clock;
      this.lastActivity = this.clock;
      this.timedInput = now !== undefined;
      this.decoder.push(bytes);
      // A listener calling receive() again only adds bytes: the running loop decodes them in order.
      if (this.processing) return;
      this.processing = true;
      try {
        this.processFrames();
      } catch (error) {
        this.internalError(error);
      } finally {
        this.processing = false;
      }
    } finally {
      this.leave();
    }
  }

  /** The transport reached EOF or failed: open streams close abnormally (CANCEL) and the session closes. */
  receiveEnd(now?: number): void {
    this.enter(now);
    try {
      if (this.closed) return;
      this.closeAllStreams(RstStatus.CANCEL);
      this.dropQueuedOutput('the transport closed');
      this.finish('terminated');
    } finally {
      this.leave();
    }
  }

  private processFrames(): void {
    for (;;) {
      if (this.closed) return;
      const item = this.decoder.next();
      if (item === undefined) return;
      if (item instanceof SpdyProtocolError) this.onDecodeError(item);
      else this.dispatch(item);
      this.checkOutboundQueue();
    }
  }

  /**
   * Records a peer frame against one of the flood limits; past it, a session
   * error. Returns true when the session failed (the caller stops there).
   */
  private flood(counter: RateCounter, code: string, what: string): boolean {
    if (!this.timedInput || !counter.hit(this.clock)) return false;
    this.fail(sessionError(code, `${what} per second exceeded its limit`, 0));
    return true;
  }

  /**
   * A peer that keeps making us queue control frames (PING echoes, RST_STREAM,
   * WINDOW_UPDATE) but never reads them would grow our memory without bound.
   */
  private checkOutboundQueue(): void {
    const max = this.opts.maxQueuedControlFrames;
    if (max === 0 || this.failed || this.pingQueue.length + this.controlQueue.length <= max) return;
    this.fail(
      new SpdyProtocolError(`more than ${max} control frames queued: the peer does not read`, {
        code: 'ERR_SPDY_OUTBOUND_QUEUE',
        scope: 'session',
        // Not a provable protocol violation by the peer: we are giving up, so INTERNAL_ERROR.
        status: GoawayStatus.INTERNAL_ERROR,
        streamId: 0,
      }),
    );
  }


  private dispatch(frame: Frame): void {
    switch (frame.type) {
      case 'DATA':
        return this.onData(frame);
      case 'SYN_STREAM':
        return this.onSynStream(frame);
      case 'SYN_REPLY':
        return this.onSynReply(frame);
      case 'HEADERS':
        return this.onHeaders(frame);
      case 'RST_STREAM':
        return this.onRstStream(frame);
      case 'SETTINGS':
        return this.onSettings(frame);
      case 'PING':
        return this.onPing(frame);
      case 'GOAWAY':
        return this.onGoaway(frame);
      case 'WINDOW_UPDATE':
        return this.onWindowUpdate(frame);
      case 'NOOP':
      case 'CREDENTIAL':
        // NOOP (v2) means nothing; CREDENTIAL (v3) is deprecated by 3.1 and we hold no client certificates.
        if (this.wants('controlFrameReceived')) this.emit({ type: 'controlFrameReceived', frame });
        return;
      case 'UNKNOWN':
        return this.onUnknown(frame);
    }
  }

  private onDecodeError(error: SpdyProtocolError): void {
    if (error.frameType === 'DATA') {
      // §2.6.8 (3.1): every DATA byte counts against the session window, even in a refused frame.
      if (!this.countSessionBytes(error.payloadLength ?? 0)) return;
      this.releaseSessionBytes(error.payloadLength ?? 0);
    } else if (this.wants('controlFrameParseError')) {
      this.emit({ type: 'controlFrameParseError', error });
    }
    if (error.scope === 'session') return this.fail(error);
    // §2.4.2: never answer a RST_STREAM with a RST_STREAM, even a malformed one.
    if (error.streamId !== undefined && error.streamId !== 0 && error.frameType !== 'RST_STREAM') {
      this.streamError(error.streamId, error.status);
    }
  }

  // --- DATA ---------------------------------------------------------------

  /**
   * DATA arrives whole or, when a frame straddles socket reads, in pieces
   * that are views of the input (the decoder's `partialData`). Each frame is
   * judged once, on its first piece and by its full length, so a refused
   * frame costs one RST_STREAM and one flood count; every byte is either
   * delivered or handed back to the session window.
   */
  private onData(frame: DataFrame): void {
    const n = frame.data.length;
    const left = this.decoder.dataRemaining;
    const first = this.dataFrameLength === 0;
    const length = first ? n + left : this.dataFrameLength;
    this.dataFrameLength = left === 0 ? 0 : length;
    if (first) {
      this.dataDropped = false;
      // §2.6.8 (3.1): the whole frame counts against the session window, even a refused one.
      if (!this.countSessionBytes(length)) return;
    }
    if (this.dataDropped) return;
    const stream = this.streams.get(frame.streamId);
    if (!this.acceptData(stream, frame.streamId, length, first)) {
      // The rest of the frame goes back to the session window at once, its pieces to come included, as if it had come whole.
      this.dataDropped = left > 0;
      this.releaseSessionBytes(n + left);
      return;
    }
    const s = stream!;
    // Only the last piece carries the frame's FIN.
    const fin = (frame.flags & Flag.FIN) !== 0;
    // Windows first, events after: a listener may close the stream (its unconsumed bytes then return at once).
    if (this.wire === 2) {
      if (this.v2PeerFlowControl && left === 0 && !fin) this.ackV2(s, length);
    } else if (this.opts.flowControl === 'auto' || s.silent) {
      this.releaseSessionBytes(n);
      if (left === 0 && !fin) this.ackStream(s, length);
    } else {
      s.unconsumed += n;
    }
    if (s.expectedLength >= 0) {
      // Judged by the full length on the first piece, so no byte beyond content-length is ever delivered.
      if (first && s.receivedLength + length > s.expectedLength) return this.lengthMismatch(s);
      s.receivedLength += n;
      if (fin && s.receivedLength !== s.expectedLength) return this.lengthMismatch(s);
    }
    if (!s.silent) {
      if (this.wants('dataChunkReceived')) this.emit({ type: 'dataChunkReceived', streamId: s.id, flags: frame.flags, data: frame.data });
      if (left === 0 && this.wants('dataFrameReceived')) this.emit({ type: 'dataFrameReceived', streamId: s.id, flags: frame.flags, length });
    }
    if (fin) this.remoteFin(s);
  }

  /**
   * Whether a piece of a DATA frame of `length` bytes goes to `stream`. The
   * first piece is judged (a refusal resets the stream unless the table says
   * drop); a later piece only checks that a listener has not closed the
   * stream meanwhile, and is dropped silently if it has.
   */
  private acceptData(stream: Stream | undefined, streamId: number, length: number, first: boolean): boolean {
    const problem = this.checkData(stream, streamId);
    if (!first) return problem === undefined;
    if (problem !== undefined) {
      // §2.2.2: DATA for a stream that is not open, after we sent GOAWAY: no stream error, just dropped.
      if (problem !== 0) this.streamError(streamId, problem);
      return false;
    }
    if (stream!.recvWindow !== undefined && !stream!.recvWindow.receive(length)) {
      // §2.6.8: DATA beyond the stream window.
      this.streamError(streamId, RstStatus.FLOW_CONTROL_ERROR);
      return false;
    }
    return true;
  }

  /**
   * Why DATA on `stream` is refused: a RST_STREAM status, 0 to drop it
   * silently, undefined when it is accepted.
   */
  private checkData(stream: Stream | undefined, streamId: number): number | undefined {
    if (stream === undefined) {
      // Ours or already answered: one RST_STREAM per stream (§2.4.2).
      if (this.resetIds.has(streamId)) return 0;
      if (this.goawaySent && !this.isLocalId(streamId)) return 0;
      return this.outcomeStatus(this.knownClosed(streamId) ? 'closed' : 'idle', 'recv-data');
    }
    const status = this.outcomeStatus(stream.state, 'recv-data');
    if (status !== undefined) return status;
    // §2.2.2: DATA before SYN_REPLY on a stream we created is PROTOCOL_ERROR (pushes of ours never receive).
    if (stream.local && !stream.replyReceived) return RstStatus.PROTOCOL_ERROR;
    return undefined;
  }

  /** The RST status the table gives for `input` in `state`, or undefined when the input is accepted. */
  private outcomeStatus(state: StreamState, input: StreamInput): number | undefined {
    const t = transition(state, input);
    if (t.kind !== 'error') return t.kind === 'ignore' ? 0 : undefined;
    return t.error.status;
  }

  /** Counts received DATA bytes against the 3.1 session window; false (and a session error) on overflow. */
  private countSessionBytes(length: number): boolean {
    if (this.version !== 3.1 || this.sessionRecvWindow.receive(length)) return true;
    this.fail(
      new SpdyProtocolError('DATA beyond the session flow-control window (§2.6.8)', {
        code: 'ERR_SPDY_FLOW_CONTROL',
        scope: 'session',
        // GOAWAY defines no FLOW_CONTROL_ERROR status; PROTOCOL_ERROR is the generic one.
        status: GoawayStatus.PROTOCOL_ERROR,
        streamId: 0,
      }),
    );
    return false;
  }

  /** Bytes the session has finished with: they go back to the 3.1 session window. */
  private releaseSessionBytes(length: number): void {
    if (this.version !== 3.1 || length === 0) return;
    const delta = this.sessionRecvWindow.consume(length);
    if (delta > 0) this.queueWindowUpdate(0, delta);
  }

  /** Bytes of a stream consumed: WINDOW_UPDATE once half its window is used, while the peer may still send. */
  private ackStream(stream: Stream, length: number): void {
    const delta = stream.recvWindow!.consume(length);
    if (delta > 0 && canReceive(stream.state)) this.queueWindowUpdate(stream.id, delta);
  }

  // --- SYN_STREAM ---------------------------------------------------------

  private onSynStream(frame: SynStreamFrame): void {
    const id = frame.streamId;
    // Header blocks are inflated in wire order even for streams about to be refused, so zlib stays in sync (§2.4.1).
    const inflated = this.inflate(frame, id);
    if (inflated === undefined) return;
    // §2.6.6: after sending GOAWAY, SYN_STREAMs for new streams are ignored.
    if (this.goawaySent) return;
    if (this.isLocalId(id)) {
      return this.fail(sessionError('ERR_SPDY_STREAM_ID_PARITY', `SYN_STREAM ${id} has the parity of our own streams (§2.3.2)`, id));
    }
    const existing = this.streams.get(id);
    if (existing !== undefined || id === this.lastPeerStreamId) {
      // §2.3.2: a second SYN_STREAM for the same stream is a stream error; it ends the stream it names.
      return this.rejectFrame(frame, id, RstStatus.PROTOCOL_ERROR, 'ERR_SPDY_DUPLICATE_STREAM', 'second SYN_STREAM for the same stream (§2.3.2)');
    }
    if (id < this.lastPeerStreamId) {
      return this.fail(
        sessionError('ERR_SPDY_STREAM_ID_ORDER', `SYN_STREAM ${id} after ${this.lastPeerStreamId}: stream ids must increase (§2.3.2)`, id),
      );
    }
    this.lastPeerStreamId = id;
    if (inflated instanceof SpdyProtocolError) return this.rejectFrame(frame, id, inflated.status, inflated.code, inflated.message);
    const headers = fromWire(inflated, this.wire);
    const unidirectional = (frame.flags & Flag.UNIDIRECTIONAL) !== 0;
    const assoc = frame.associatedStreamId;
    let parent: Stream | undefined;
    let input: StreamInput = unidirectional ? 'recv-syn-stream-uni' : 'recv-syn-stream';

    // Without HTTP layering (validateHttp: false, e.g. spdystream-style multiplexing) a server may
    // open plain streams too: only an associated stream is a push then.
    if (this.side === 'client' && (assoc !== 0 || this.opts.validateHttp)) {
      // A server-initiated stream is a push (§3.3.2).
      if (assoc === 0) {
        if (this.wire === 3) return this.fail(sessionError('ERR_SPDY_PUSH_WITHOUT_ASSOCIATION', 'pushed stream associated with stream 0 (§3.3.2)', id));
        return this.rejectFrame(frame, id, RstStatus.INVALID_STREAM, 'ERR_SPDY_PUSH_WITHOUT_ASSOCIATION', 'pushed stream associated with stream 0');
      }
      // §3.3.1 says a push MUST set FLAG_UNIDIRECTIONAL, but node-spdy never does (PEERS.md). A
      // server-initiated stream with an association is a push either way, and a client never
      // sends on a push, so it is received as unidirectional rather than refused.
      parent = this.streams.get(assoc);
      // §3.3.1: the associated stream is an existing, open stream of ours the server can still answer on.
      if (parent === undefined || !parent.local || !canReceive(parent.state) || parent.associatedId !== 0) {
        return this.rejectFrame(frame, id, RstStatus.INVALID_STREAM, 'ERR_SPDY_PUSH_BAD_ASSOCIATION', `pushed stream associated with stream ${assoc}, which is not open`);
      }
      const bad = this.opts.validateHttp ? invalidPush(headers, this.wire) : undefined;
      if (bad !== undefined) return this.rejectFrame(frame, id, RstStatus.PROTOCOL_ERROR, 'ERR_SPDY_HTTP_PUSH', `${bad} (§3.3.2)`);
      input = hasResponseStatus(headers) ? 'recv-syn-stream-uni' : 'recv-push';
    } else if (assoc !== 0) {
      return this.rejectFrame(frame, id, RstStatus.PROTOCOL_ERROR, 'ERR_SPDY_CLIENT_PUSH', 'a client cannot push (Associated-To-Stream-ID set)');
    }

    // SETTINGS_MAX_CONCURRENT_STREAMS (§2.6.4) is ours to enforce: refuse beyond it.
    if (this.remoteActive >= this.localMaxConcurrent) {
      return this.rejectFrame(frame, id, RstStatus.REFUSED_STREAM, 'ERR_SPDY_REFUSED_STREAM', 'too many concurrent streams');
    }

    const badRequest = this.side === 'server' && this.opts.validateHttp ? invalidRequest(headers, this.wire) : undefined;
    // §3.2: a request is answered on its own stream. A unidirectional one cannot be answered (not even
    // with a 400), so it is refused before the application sees a request it could not reply to.
    if (this.side === 'server' && this.opts.validateHttp && unidirectional) {
      const reason = badRequest === undefined ? 'a request on a unidirectional stream cannot be answered (§3.2)' : `${badRequest} (§3.2.1)`;
      return this.rejectFrame(frame, id, RstStatus.PROTOCOL_ERROR, 'ERR_SPDY_HTTP_REQUEST', reason);
    }
    const stream = this.createStream(id, false, frame.priority, assoc, undefined);
    this.lastAcceptedPeerStreamId = id;
    this.apply(stream, input);
    if (parent !== undefined) {
      (parent.pushes ??= new Set()).add(id);
      // Draft 2 forbids repeating in HEADERS a header of the push's SYN_STREAM; draft 3 only across HEADERS frames.
      if (this.wire === 2) stream.pushHeaderNames = new Set(headers.map(([name]) => name));
    }
    const fin = (frame.flags & Flag.FIN) !== 0;
    if (badRequest !== undefined) return this.answerBadRequest(frame, stream, fin, badRequest);
    if (this.side === 'server' && this.opts.validateHttp && this.wire === 3 && parent === undefined) {
      const expected = contentLength(headers);
      if (expected === undefined) return this.answerBadRequest(frame, stream, fin, 'invalid content-length');
      // §3.2.1: a request without a body whose content-length promises one does not add up either.
      if (fin && expected > 0) return this.answerBadRequest(frame, stream, fin, 'content-length without a body');
      stream.expectedLength = expected;
    }
    if (this.wants('controlFrameReceived')) this.emit({ type: 'controlFrameReceived', frame, headers });
    if (parent !== undefined) {
      this.emit({ type: 'pushReceived', streamId: id, associatedStreamId: assoc, headers, priority: frame.priority, fin });
    } else {
      this.emit({ type: 'streamOpened', streamId: id, headers, priority: frame.priority, fin });
    }
    if (fin) this.remoteFin(stream);
  }

  /**
   * §3.2.1: "If a client sends a SYN_STREAM without all of the method, host,
   * path, scheme, and version headers, the server MUST reply with a HTTP 400
   * Bad Request reply." The session replies itself; the application never
   * sees the stream.
   */
  private answerBadRequest(frame: SynStreamFrame, stream: Stream, fin: boolean, reason: string): void {
    stream.silent = true;
    if (this.wants('invalidControlFrameReceived')) {
      const error = new SpdyProtocolError(`${reason} (§3.2.1)`, {
        code: 'ERR_SPDY_HTTP_REQUEST',
        scope: 'stream',
        status: RstStatus.PROTOCOL_ERROR,
        streamId: stream.id,
        frameType: 'SYN_STREAM',
      });
      this.emit({ type: 'invalidControlFrameReceived', frame, error });
    }
    if (fin) this.apply(stream, 'recv-fin');
    stream.replyQueued = true;
    stream.finQueued = true;
    this.controlQueue.push({
      frame: { type: 'SYN_REPLY', flags: Flag.FIN, streamId: stream.id, headerBlock: EMPTY },
      headers: BAD_REQUEST,
      stream,
    });
  }

  /**
   * §3.2.1: "If a server receives a request where the sum of the data frame
   * payload lengths does not equal the size of the Content-Length header, the
   * server MUST return a 400 (Bad Request) error." The application saw the
   * stream open, so it sees it close (PROTOCOL_ERROR, reset locally); the
   * peer gets the 400 if nothing was answered yet, else RST_STREAM. The rest
   * of the body is dropped (the id is remembered as reset).
   */
  private lengthMismatch(stream: Stream): void {
    if (stream.replyQueued) return this.resetStream(stream.id, RstStatus.PROTOCOL_ERROR);
    this.rememberReset(stream.id);
    this.closeStream(stream, RstStatus.PROTOCOL_ERROR, 'local');
    this.controlQueue.push({ frame: { type: 'SYN_REPLY', flags: Flag.FIN, streamId: stream.id, headerBlock: EMPTY }, headers: BAD_REQUEST });
  }

  // --- SYN_REPLY and HEADERS ---------------------------------------------

  private onSynReply(frame: SynReplyFrame): void {
    const id = frame.streamId;
    const inflated = this.inflate(frame, id);
    if (inflated === undefined) return;
    const stream = this.streams.get(id);
    if (stream === undefined) return this.unknownStreamFrame(frame, id, 'recv-syn-reply');
    if (inflated instanceof SpdyProtocolError) return this.rejectFrame(frame, id, inflated.status, inflated.code, inflated.message);
    const tableStatus = this.outcomeStatus(stream.state, 'recv-syn-reply');
    if (tableStatus !== undefined && tableStatus !== 0) {
      return this.rejectFrame(frame, id, tableStatus, 'ERR_SPDY_BAD_SYN_REPLY', `SYN_REPLY on a ${stream.state} stream`);
    }
    if (!stream.local) {
      return this.rejectFrame(frame, id, RstStatus.PROTOCOL_ERROR, 'ERR_SPDY_BAD_SYN_REPLY', 'SYN_REPLY on a stream the peer opened');
    }
    if (stream.replyReceived) {
      // §2.6.2: "multiple SYN_REPLY frames for the same active stream ID ... STREAM_IN_USE".
      return this.rejectFrame(frame, id, RstStatus.STREAM_IN_USE, 'ERR_SPDY_STREAM_IN_USE', 'second SYN_REPLY (§2.6.2)');
    }
    const headers = fromWire(inflated, this.wire);
    const bad = this.opts.validateHttp ? invalidResponse(headers, this.wire) : undefined;
    if (bad !== undefined) return this.rejectFrame(frame, id, RstStatus.PROTOCOL_ERROR, 'ERR_SPDY_HTTP_RESPONSE', `${bad} (§3.2.2)`);
    stream.replyReceived = true;
    this.apply(stream, 'recv-syn-reply');
    const fin = (frame.flags & Flag.FIN) !== 0;
    if (this.wants('controlFrameReceived')) this.emit({ type: 'controlFrameReceived', frame, headers });
    this.emit({ type: 'responseReceived', streamId: id, headers, fin });
    if (fin) this.remoteFin(stream);
  }

  private onHeaders(frame: HeadersFrame): void {
    const id = frame.streamId;
    const inflated = this.inflate(frame, id);
    if (inflated === undefined) return;
    const stream = this.streams.get(id);
    if (stream === undefined) return this.unknownStreamFrame(frame, id, 'recv-headers');
    if (inflated instanceof SpdyProtocolError) return this.rejectFrame(frame, id, inflated.status, inflated.code, inflated.message);
    const tableStatus = this.outcomeStatus(stream.state, 'recv-headers');
    if (tableStatus !== undefined && tableStatus !== 0) {
      return this.rejectFrame(frame, id, tableStatus, 'ERR_SPDY_BAD_HEADERS', `HEADERS on a ${stream.state} stream`);
    }
    const headers = fromWire(inflated, this.wire);
    if (this.opts.validateHttp) {
      let bad = invalidHeaders(headers, this.wire);
      // §3.3.1: later HEADERS of a push must not change the resource's identity.
      if (bad === undefined && stream.associatedId !== 0 && !stream.local) bad = this.checkPushHeaders(stream, headers);
      if (bad !== undefined) return this.rejectFrame(frame, id, RstStatus.PROTOCOL_ERROR, 'ERR_SPDY_HTTP_HEADERS', bad);
    }
    const fin = (frame.flags & Flag.FIN) !== 0;
    if (fin && stream.expectedLength >= 0 && stream.receivedLength !== stream.expectedLength) return this.lengthMismatch(stream);
    this.apply(stream, 'recv-headers');
    if (!stream.silent) {
      if (this.wants('controlFrameReceived')) this.emit({ type: 'controlFrameReceived', frame, headers });
      this.emit({ type: 'headersReceived', streamId: id, headers, fin });
    }
    if (fin) this.remoteFin(stream);
  }

  /**
   * §3.3.1 and §3.3.2: later HEADERS of a push must not change the resource's
   * identity, nor repeat a header of an earlier HEADERS frame (draft 2: of the
   * SYN_STREAM too).
   */
  private checkPushHeaders(stream: Stream, headers: HeaderList): string | undefined {
    const identity = this.wire === 3 ? [':scheme', ':host', ':path'] : [':path'];
    const changed = identity.find((name) => headerValue(headers, name) !== undefined);
    if (changed !== undefined) return `HEADERS of a pushed stream carry ${changed}`;
    const seen = (stream.pushHeaderNames ??= new Set());
    const names = new Set(headers.map(([name]) => name));
    for (const name of names) if (seen.has(name)) return `HEADERS of a pushed stream repeat ${name}`;
    for (const name of names) seen.add(name);
    return undefined;
  }

  /**
   * Inflates a header block. Returns the headers, a stream-scope error (the
   * block was consumed, zlib is still in sync), or undefined after a session
   * error (compression state lost: GOAWAY, §2.4.1).
   */
  private inflate(frame: SynStreamFrame | SynReplyFrame | HeadersFrame, streamId: number): HeaderList | SpdyProtocolError | undefined {
    try {
      const headers = this.inflater.inflate(frame.headerBlock, streamId, frame.type);
      const max = this.opts.maxHeaderCount;
      // The block was consumed (zlib stays in sync): a stream error, like a block over maxHeaderListSize.
      if (max > 0 && headers.length > max) {
        return new SpdyProtocolError(`${headers.length} headers in one block, more than ${max}`, {
          code: 'ERR_SPDY_TOO_MANY_HEADERS',
          scope: 'stream',
          status: RstStatus.FRAME_TOO_LARGE,
          streamId,
          frameType: frame.type,
        });
      }
      return headers;
    } catch (error) {
      const e =
        error instanceof SpdyProtocolError
          ? error
          : sessionError('ERR_SPDY_HEADER_BLOCK', `header block could not be decoded: ${String(error)}`, streamId);
      if (e.scope === 'session') {
        this.fail(e);
        return undefined;
      }
      return e;
    }
  }

  /** SYN_REPLY or HEADERS for a stream we do not hold. */
  private unknownStreamFrame(frame: SynReplyFrame | HeadersFrame, id: number, input: StreamInput): void {
    if (this.resetIds.has(id)) return;
    const status = this.outcomeStatus(this.knownClosed(id) ? 'closed' : 'idle', input);
    if (status === undefined || status === 0) return;
    this.rejectFrame(frame, id, status, 'ERR_SPDY_STREAM_NOT_OPEN', `${frame.type} for stream ${id}, which is not open`);
  }

  /** A stream error caused by a control frame: the invalid-frame event, then RST_STREAM. */
  private rejectFrame(frame: ControlFrame, streamId: number, status: number, code: string, reason: string): void {
    const wireStatus = statusForVersion(status, this.wire);
    if (this.wants('invalidControlFrameReceived')) {
      const error = new SpdyProtocolError(reason, { code, scope: 'stream', status: wireStatus, streamId, frameType: frame.type });
      this.emit({ type: 'invalidControlFrameReceived', frame, error });
    }
    this.resetStream(streamId, wireStatus);
    // A refusal is the MAX_CONCURRENT_STREAMS defence doing its work, not a peer error (the window may have raced our SETTINGS).
    if (status !== RstStatus.REFUSED_STREAM) this.countInvalid();
  }

  /** A stream error without a control frame to blame (DATA, decoder errors). */
  private streamError(streamId: number, status: number): void {
    this.resetStream(streamId, statusForVersion(status, this.wire));
    this.countInvalid();
  }

  /** §2.4.1 lets an endpoint close a session that keeps sending frames for invalid streams. */
  private countInvalid(): void {
    this.flood(this.invalidFrames, 'ERR_SPDY_INVALID_FRAME_FLOOD', 'frames for invalid streams');
  }

  // --- RST_STREAM, SETTINGS, PING, GOAWAY, WINDOW_UPDATE -------------------

  private onRstStream(frame: RstStreamFrame): void {
    const stream = this.streams.get(frame.streamId);
    if (this.wants('controlFrameReceived')) this.emit({ type: 'controlFrameReceived', frame });
    // §2.4.2: never answer a RST_STREAM with a RST_STREAM; an unknown stream has nothing to close.
    if (stream === undefined) {
      // A stream that closed may race with the peer's reset; one that never existed is invalid.
      if (!this.knownClosed(frame.streamId)) this.countInvalid();
      return;
    }
    // CVE-2023-44487: opening streams and cancelling them at once costs the peer nothing and us a request each.
    if (!stream.local && !stream.replyQueued && this.flood(this.rapidResets, 'ERR_SPDY_RAPID_RESET', 'streams opened and reset')) return;
    this.rememberReset(stream.id);
    if (!stream.silent) this.emit({ type: 'streamReset', streamId: stream.id, status: frame.status });
    // §3.3.2: a client cancelling a request stops every push associated with it.
    if (this.side === 'server') this.closePushes(stream, frame.status, 'remote');
    this.closeStream(stream, frame.status, 'remote');
  }

  private onSettings(frame: SettingsFrame): void {
    if (this.flood(this.settingsFrames, 'ERR_SPDY_SETTINGS_FLOOD', 'SETTINGS frames')) return;
    const entries = settingsToApply(frame.entries, this.side);
    for (const entry of entries) {
      if (entry.id === SettingsId.MAX_CONCURRENT_STREAMS) {
        this.peerMaxConcurrent = entry.value;
      } else if (entry.id === SettingsId.INITIAL_WINDOW_SIZE && this.wire === 2) {
        // See onUnknownWindowUpdate: a SPDY/2 peer announcing a window counts windows.
        this.v2PeerFlowControl = true;
      } else if (entry.id === SettingsId.INITIAL_WINDOW_SIZE) {
        if (entry.value > MAX_WINDOW_SIZE) {
          return this.fail(sessionError('ERR_SPDY_BAD_SETTING', `SETTINGS_INITIAL_WINDOW_SIZE ${entry.value} exceeds 2^31-1`, 0));
        }
        this.changePeerInitialWindow(entry.value);
      }
    }
    if (this.persisted !== undefined) this.persisted.record(frame.flags, frame.entries);
    if (this.wants('controlFrameReceived')) this.emit({ type: 'controlFrameReceived', frame });
    this.emit({ type: 'settingsReceived', entries });
  }

  /** §2.6.8: a new SETTINGS_INITIAL_WINDOW_SIZE moves every stream's send window by the difference; never the session window. */
  private changePeerInitialWindow(value: number): void {
    const delta = value - this.peerInitialWindow;
    this.peerInitialWindow = value;
    if (delta === 0) return;
    for (const stream of this.streams.values()) {
      const grown = growWindow(stream.sendWindow, delta);
      if (grown === undefined) {
        // §2.6.8: the new initial size pushed this window past 2^31-1.
        this.streamError(stream.id, RstStatus.FLOW_CONTROL_ERROR);
        continue;
      }
      stream.sendWindow = grown;
      if (delta > 0) this.scheduleIfReady(stream);
    }
  }

  private onPing(frame: PingFrame): void {
    if (this.wants('controlFrameReceived')) this.emit({ type: 'controlFrameReceived', frame });
    const ours = (frame.id & 1) === (this.side === 'client' ? 1 : 0);
    if (!ours) {
      if (this.flood(this.peerPings, 'ERR_SPDY_PING_FLOOD', 'PINGs')) return;
      // §2.6.5: echo at once, ahead of everything else.
      this.pingQueue.push({ type: 'PING', flags: 0, id: frame.id });
      return;
    }
    const sent = this.pings.get(frame.id);
    // §2.6.5: a PING of our parity that we did not send is ignored.
    if (sent === undefined) return;
    this.pings.delete(frame.id);
    if (this.keepAlivePing === frame.id) this.keepAlivePing = undefined;
    this.emit({ type: 'pingAcknowledged', id: frame.id, rtt: this.clock - sent });
  }

  private onGoaway(frame: GoawayFrame): void {
    if (this.wants('controlFrameReceived')) this.emit({ type: 'controlFrameReceived', frame });
    if (this.goawayReceived) return;
    this.goawayReceived = true;
    // §2.6.6: our streams above Last-good-stream-ID were not processed; the application may retry them elsewhere.
    const unprocessed: number[] = [];
    for (const stream of this.streams.values()) {
      if (stream.local && stream.id > frame.lastGoodStreamId) unprocessed.push(stream.id);
    }
    unprocessed.sort((a, b) => a - b);
    for (const id of unprocessed) {
      const stream = this.streams.get(id);
      if (stream === undefined) continue;
      if (stream.state === 'idle') this.notSent({ frame: this.synFrameOf(stream, EMPTY) }, 'GOAWAY received');
      this.rememberReset(id);
      this.closeStream(stream, RstStatus.REFUSED_STREAM, 'remote');
    }
    this.emit({ type: 'goawayReceived', lastGoodStreamId: frame.lastGoodStreamId, status: frame.status, unprocessedStreamIds: unprocessed });
    this.maybeFinish();
  }

  private onWindowUpdate(frame: WindowUpdateFrame): void {
    if (this.wire === 2) {
      if (this.idleWindowUpdate()) return;
      return this.onUnknownWindowUpdate(frame);
    }
    const delta = frame.deltaWindowSize;
    if (frame.streamId === 0) {
      const releases = this.version === 3.1 && (this.dataQueue.size > 0 || this.sessionBlocked.length > 0);
      if (!releases && this.idleWindowUpdate()) return;
      if (this.version !== 3.1) return; // SPDY/3 has no session window: nothing to update.
      const grown = growWindow(this.sessionSendWindow, delta);
      if (grown === undefined) {
        // §2.6.8: "for the connection, a GOAWAY frame"; GOAWAY has no FLOW_CONTROL_ERROR status, so PROTOCOL_ERROR.
        return this.fail(sessionError('ERR_SPDY_FLOW_CONTROL', 'WINDOW_UPDATE pushed the session window past 2^31-1 (§2.6.8)', 0));
      }
      const wasBlocked = this.sessionSendWindow <= 0;
      this.sessionSendWindow = grown;
      if (wasBlocked && grown > 0) this.unblockSession();
    } else {
      const stream = this.streams.get(frame.streamId);
      // Updates that let us send something are paid for by the data they release; the others are the flood.
      if (stream?.outbound.peek() === undefined && this.idleWindowUpdate()) return;
      if (stream === undefined || transition(stream.state, 'recv-window-update').kind !== 'next') {
        if (this.wants('controlFrameReceived')) this.emit({ type: 'controlFrameReceived', frame });
        return;
      }
      const grown = growWindow(stream.sendWindow, delta);
      if (grown === undefined) {
        return this.rejectFrame(frame, stream.id, RstStatus.FLOW_CONTROL_ERROR, 'ERR_SPDY_FLOW_CONTROL', 'WINDOW_UPDATE pushed the stream window past 2^31-1 (§2.6.8)');
      }
      stream.sendWindow = grown;
      this.scheduleIfReady(stream);
    }
    if (this.wants('controlFrameReceived')) this.emit({ type: 'controlFrameReceived', frame });
    this.emit({ type: 'windowUpdated', streamId: frame.streamId, delta });
  }

  /**
   * A WINDOW_UPDATE that releases no pending stream data (session window,
   * SPDY/2, a stream with nothing queued or no stream at all) counts towards
   * the flood limit; true when the session failed.
   */
  private idleWindowUpdate(): boolean {
    return this.flood(this.windowUpdates, 'ERR_SPDY_WINDOW_UPDATE_FLOOD', 'WINDOW_UPDATE frames releasing no data');
  }

  /**
   * Draft 2 removed WINDOW_UPDATE ("never implemented"), but the spdy package
   * runs SPDY/3 flow control on SPDY/2 sessions and stalls after 64 KiB
   * without it. A SPDY/2 peer that sends WINDOW_UPDATE, or announces
   * SETTINGS_INITIAL_WINDOW_SIZE (draft 2 lists it), shows it counts windows;
   * from then on we acknowledge its DATA per stream the same way. That is
   * safe with any peer: draft 2 makes unknown control frames ignored. Its
   * updates to us are not applied: SPDY/2 has no send windows.
   */
  private onUnknownWindowUpdate(frame: WindowUpdateFrame): void {
    this.v2PeerFlowControl = true;
    if (this.wants('controlFrameReceived')) this.emit({ type: 'controlFrameReceived', frame });
  }

  /** SPDY/2 with a peer that counts windows: WINDOW_UPDATE every 32 KiB received on a stream. */
  private ackV2(stream: Stream, length: number): void {
    stream.v2Unacked += length;
    if (stream.v2Unacked < DEFAULT_INITIAL_WINDOW_SIZE / 2 || !canReceive(stream.state)) return;
    this.queueWindowUpdate(stream.id, stream.v2Unacked);
    stream.v2Unacked = 0;
  }

  private onUnknown(frame: UnknownControlFrame): void {
    // A SYN_STREAM of another version: RST_STREAM UNSUPPORTED_VERSION (§2.6.3); its header block uses another dictionary, so it is not inflated.
    if (frame.frameType === 1 && frame.version !== this.wire && frame.payload.length >= 4) {
      const p = frame.payload;
      const id = ((p[0]! & 0x7f) * 2 ** 24) + (p[1]! << 16) + (p[2]! << 8) + p[3]!;
      if (id !== 0) this.resetStream(id, RstStatus.UNSUPPORTED_VERSION);
    }
    this.emit({ type: 'unknownControlFrame', frame });
  }

  // --- Stream lifecycle -----------------------------------------------------

  private isLocalId(id: number): boolean {
    return (id & 1) === (this.side === 'client' ? 1 : 0);
  }

  /** Whether an id we no longer hold belonged to a stream that existed (it closed) rather than one never opened. */
  private knownClosed(id: number): boolean {
    return this.isLocalId(id) ? id < this.nextStreamId : id <= this.lastPeerStreamId;
  }

  private createStream(id: number, local: boolean, priority: number, associatedId: number, userData: unknown): Stream {
    const recvWindow =
      this.wire === 3 ? new ReceiveWindow(this.localInitialWindow, this.highestAdvertisedWindow - this.localInitialWindow) : undefined;
    const stream = new Stream(id, local, priority, associatedId, this.peerInitialWindow, recvWindow, userData);
    this.streams.set(id, stream);
    if (!local) {
      stream.counted = true;
      this.remoteActive++;
    }
    return stream;
  }

  /** Applies a table transition that the caller has already validated; closes the stream when it reaches 'closed'. */
  private apply(stream: Stream, input: StreamInput): void {
    const t = transition(stream.state, input);
    if (t.kind === 'next') {
      stream.state = t.state;
      if (t.state === 'closed') this.closeStream(stream, 0, undefined);
    } else if (t.kind === 'error') {
      throw new Error(`internal: ${input} in state ${stream.state} reached the session (${t.error.reason})`);
    }
  }

  /** The peer's FIN arrived on `stream` (after the frame carrying it was accepted). */
  private remoteFin(stream: Stream): void {
    // A listener of the frame's own event may have reset the stream already.
    if (stream.state === 'closed') return;
    const before = stream.state;
    const t = transition(before, 'recv-fin');
    if (t.kind !== 'next') throw new Error(`internal: FIN in state ${before} reached the session`);
    stream.state = t.state;
    if (!stream.silent) {
      this.emit({ type: 'streamEnded', streamId: stream.id });
      // on_request_recv_cb: the peer's request is complete.
      if (this.side === 'server' && !stream.local) this.emit({ type: 'requestReceived', streamId: stream.id });
    }
    if (stream.state === 'closed') this.closeStream(stream, 0, undefined);
  }

  private rememberReset(id: number): void {
    if (this.resetIds.size >= RESET_MEMORY) {
      const oldest = this.resetIds.values().next().value;
      if (oldest !== undefined) this.resetIds.delete(oldest);
    }
    this.resetIds.add(id);
  }

  /**
   * Sends RST_STREAM for `id` (at most once per stream, §2.4.2) and closes the
   * stream locally. A stream whose SYN_STREAM never left closes without a frame.
   */
  private resetStream(id: number, status: number): void {
    if (this.resetIds.has(id)) return;
    this.rememberReset(id);
    const stream = this.streams.get(id);
    if (stream !== undefined) {
      // §3.3.2: a client cancelling a request cancels its pushes; the server drops them on receipt, so no frame each.
      if (this.side === 'client') this.closePushes(stream, RstStatus.CANCEL, 'local');
      const announced = !(stream.local && stream.state === 'idle');
      this.closeStream(stream, status, 'local');
      // A stream whose SYN_STREAM never left closes without a frame: the peer never heard of it.
      if (!announced) return;
    }
    if (this.failed) return;
    this.controlQueue.push({ frame: { type: 'RST_STREAM', flags: 0, streamId: id, status } });
  }

  /** Pushed streams die with their associated stream (§3.3.2); no frame: the peer drops them on its side. */
  private closePushes(stream: Stream, status: number, by: 'local' | 'remote'): void {
    if (stream.pushes === undefined) return;
    for (const id of stream.pushes) {
      const push = this.streams.get(id);
      if (push === undefined) continue;
      this.rememberReset(id);
      this.closeStream(push, status, by);
    }
    stream.pushes = undefined;
  }

  /** Removes a stream: its queued output is dropped, its counts and unconsumed bytes are released. */
  private closeStream(stream: Stream, status: number, resetBy: 'local' | 'remote' | undefined): void {
    if (!this.streams.has(stream.id) || stream.closing) return;
    stream.closing = true;
    stream.state = 'closed';
    if (stream.counted) {
      if (stream.local) this.localActive--;
      else this.remoteActive--;
      stream.counted = false;
    }
    if (stream.unconsumed > 0) {
      // Manual flow control: bytes the application will never consume go back to the session window.
      this.releaseSessionBytes(stream.unconsumed);
      stream.unconsumed = 0;
    }
    if (stream.associatedId !== 0) this.streams.get(stream.associatedId)?.pushes?.delete(stream.id);
    this.lastActivity = this.clock;
    // on_stream_close_cb: the user data is still readable (getStreamUserData) during the event.
    if (!stream.silent) {
      this.emit(
        resetBy === undefined
          ? { type: 'streamClosed', streamId: stream.id, status, userData: stream.userData }
          : { type: 'streamClosed', streamId: stream.id, status, resetBy, userData: stream.userData },
      );
    }
    this.streams.delete(stream.id);
    this.maybeFinish();
  }

  private closeAllStreams(status: number): void {
    for (const stream of this.streams.values()) this.closeStream(stream, status, undefined);
  }

  // --- Session end ----------------------------------------------------------

  /** A session error (§2.4.1): GOAWAY with the error's status, then the session is closed. */
  private fail(error: SpdyProtocolError): void {
    if (this.failed || this.closed) return;
    this.failed = true;
    this.dropQueuedOutput('session error');
    // §2.4.1: a session error is answered with GOAWAY and its status, even after a graceful
    // submitGoaway(): that GOAWAY may not have left yet, and was just dropped with the rest.
    this.goawaySent = true;
    this.controlQueue.push({ frame: { type: 'GOAWAY', flags: 0, lastGoodStreamId: this.lastAcceptedPeerStreamId, status: error.status } });
    this.emit({ type: 'sessionError', error });
    this.closeAllStreams(RstStatus.CANCEL);
    this.finish('error');
  }

  /** A bug in this engine while handling input: GOAWAY INTERNAL_ERROR rather than an exception in the caller's I/O loop. */
  private internalError(cause: unknown): void {
    this.fail(
      new SpdyProtocolError(`internal error: ${cause instanceof Error ? cause.message : String(cause)}`, {
        code: 'ERR_SPDY_INTERNAL',
        scope: 'session',
        status: GoawayStatus.INTERNAL_ERROR,
        cause,
      }),
    );
  }

  /** Drops everything queued except bytes already cut (a frame must never be truncated on the wire). */
  private dropQueuedOutput(reason: string): void {
    for (const item of this.controlQueue.removeWhere(() => true)) this.notSent(item, reason);
    this.pingQueue.removeWhere(() => true);
    for (const stream of this.synQueue.removeWhere(() => true)) {
      if (stream.state === 'idle' && this.wants('controlFrameNotSent')) this.notSent({ frame: this.synFrameOf(stream, EMPTY) }, reason);
    }
    while (this.dataQueue.next() !== undefined);
    for (let s = this.sessionBlocked.shift(); s !== undefined; s = this.sessionBlocked.shift()) s.parked = false;
  }

  /** Closes the session once: the GOAWAY rules leave no stream to finish, or the session failed or timed out. */
  private maybeFinish(): void {
    if (this.closed || this.failed || this.streams.size > 0) return;
    if (this.goawaySent) this.finish('goaway-sent');
    else if (this.goawayReceived) this.finish('goaway-received');
  }

  private finish(reason: SessionClosedEvent['reason']): void {
    if (this.closed) return;
    this.closed = true;
    this.emit({ type: 'sessionClosed', reason });
  }

  // -------------------------------------------------------------------------
  // Output

  /**
   * The next bytes to write, or undefined when nothing is ready. Frames are
   * batched (about 128 KiB, or `maxBytes`) into one buffer; a frame is split
   * across calls only when it alone exceeds `maxBytes`.
   */
  pull(maxBytes?: number, now?: number): Uint8Array | undefined {
    this.enter(now);
    try {
      if (maxBytes !== undefined && (!Number.isInteger(maxBytes) || maxBytes < 1)) throw new RangeError('maxBytes must be a positive integer');
      // A listener pulling from inside a pull would reorder frames: the outer call delivers them.
      if (this.collecting) return undefined;
      const limit = maxBytes ?? DEFAULT_PULL_BATCH;
      if (this.partial !== undefined) return this.takePartial(limit);
      this.collecting = true;
      let frames;
      try {
        frames = this.collect(limit);
      } catch (error) {
        // A bug of ours while choosing frames: end the session cleanly (GOAWAY INTERNAL_ERROR) rather than throw into the I/O loop.
        this.internalError(error);
        frames = this.collect(limit);
      } finally {
        this.collecting = false;
      }
      if (frames.length === 0) return undefined;
      let total = 0;
      for (const f of frames) total += f.size;
      const out = allocateBytes(total);
      let offset = 0;
      for (const f of frames) offset += writeFrameInto(f.frame, this.wire, out, offset);
      if (this.listenerError !== undefined && this.depth === 1) {
        // A listener threw and the error is about to surface: keep the bytes (their frames count as sent) for the next call.
        this.partial = out;
        return undefined;
      }
      if (total <= limit) return out;
      this.partial = out.subarray(limit);
      return out.subarray(0, limit);
    } finally {
      this.leave();
    }
  }

  private takePartial(limit: number): Uint8Array {
    const partial = this.partial!;
    if (partial.length <= limit) {
      this.partial = undefined;
      return partial;
    }
    this.partial = partial.subarray(limit);
    return partial.subarray(0, limit);
  }

  /**
   * Reference style: hands bytes to `options.send` until it accepts none
   * (would block) or nothing is left; returns the bytes accepted. What it did
   * not accept is offered first next time.
   */
  send(now?: number): number {
    this.enter(now);
    try {
      const send = this.sendCallback;
      if (send === undefined) throw new SessionStateError('ERR_NO_SEND_CALLBACK', 'send() needs the `send` option; use pull() otherwise');
      let total = 0;
      for (let bytes = this.pull(undefined, now); bytes !== undefined; bytes = this.pull(undefined, now)) {
        const taken = Math.max(0, Math.min(bytes.length, Math.floor(send(bytes)) || 0));
        total += taken;
        if (taken < bytes.length) {
          // Put the rest back in front of everything else; 0 means the transport would block.
          this.partial = this.partial === undefined ? bytes.subarray(taken) : concat(bytes.subarray(taken), this.partial);
          if (taken === 0) break;
        }
      }
      return total;
    } finally {
      this.leave();
    }
  }

  wantRead(): boolean {
    return !this.closed;
  }

  wantWrite(): boolean {
    return (
      this.partial !== undefined ||
      this.carry !== undefined ||
      this.pingQueue.length > 0 ||
      this.controlQueue.length > 0 ||
      this.synReady() ||
      (this.dataQueue.size > 0 && !this.failed)
    );
  }

  private synReady(): boolean {
    const head = this.synQueue.peek();
    return head !== undefined && (head.state !== 'idle' || this.localActive < this.peerMaxConcurrent);
  }

  /**
   * Chooses the frames of one batch, in the scheduler's order, applying their
   * state changes. A batch holds whole frames up to `limit` bytes; a frame
   * already prepared (its header block compressed) that does not fit is
   * carried to the next batch, never dropped or split.
   */
  private collect(limit: number): { frame: Frame; size: number }[] {
    const out: { frame: Frame; size: number }[] = [];
    let size = 0;
    /** Adds a frame; false (and the frame carried over) when the batch is full. */
    const add = (frame: Frame): boolean => {
      const n = encodedFrameLength(frame, this.wire);
      if (out.length > 0 && size + n > limit) {
        this.carry = { frame, size: n };
        return false;
      }
      out.push({ frame, size: n });
      size += n;
      return true;
    };
    if (this.carry !== undefined) {
      out.push(this.carry);
      size += this.carry.size;
      this.carry = undefined;
    }
    // 1. PING.
    for (let ping = this.pingQueue.shift(); ping !== undefined; ping = this.pingQueue.shift()) {
      this.sentControl(ping, undefined);
      if (!add(ping)) return out;
    }
    // 2. Other control frames, in order.
    for (let item = this.controlQueue.shift(); item !== undefined; item = this.controlQueue.shift()) {
      const frame = this.prepareControl(item);
      if (frame === undefined) continue;
      this.sentControl(frame, item.headers);
      if (!add(frame)) return out;
    }
    if (this.failed) return out;
    // 3. SYN_STREAMs in id order, while the peer's MAX_CONCURRENT_STREAMS allows.
    for (let stream = this.synQueue.peek(); stream !== undefined; stream = this.synQueue.peek()) {
      if (stream.state !== 'idle') {
        this.synQueue.shift(); // closed before it could leave
        continue;
      }
      if (this.localActive >= this.peerMaxConcurrent) {
        stream.waited = true;
        break;
      }
      this.synQueue.shift();
      if (!add(this.sendSynStream(stream))) return out;
    }
    // 4. DATA (and HEADERS queued behind data), by priority, round robin; DATA is cut to the room left.
    while (size + 8 < limit || out.length === 0) {
      const stream = this.dataQueue.next();
      if (stream === undefined) break;
      const frame = this.nextStreamFrame(stream, limit - size - 8);
      if (frame !== undefined && !add(frame)) return out;
    }
    return out;
  }

  /** Compresses a queued control frame's headers and applies its stream transition; undefined if it must not leave. */
  private prepareControl(item: QueuedControl): ControlFrame | undefined {
    const stream = item.stream;
    if (stream !== undefined && stream.state === 'closed') {
      this.notSent(item, 'the stream closed');
      return undefined;
    }
    let frame = item.frame;
    if (item.headers !== undefined) frame = { ...(frame as SynReplyFrame | HeadersFrame), headerBlock: this.compress(item.headers) };
    // State first, events after: a compressed block must leave whatever a listener does.
    if (stream !== undefined) {
      this.apply(stream, frame.type === 'SYN_REPLY' ? 'send-syn-reply' : 'send-headers');
      stream.headersSent = true;
      if ((frame.flags & Flag.FIN) !== 0) this.apply(stream, 'send-fin');
      else this.scheduleIfReady(stream);
    }
    if (this.wants('beforeControlFrameSend')) this.emit({ type: 'beforeControlFrameSend', frame, ...(item.headers && { headers: item.headers }) });
    // A GOAWAY on the wire: nothing more will be accepted; close when no stream is left.
    if (frame.type === 'GOAWAY') this.maybeFinish();
    return frame;
  }

  private sendSynStream(stream: Stream): SynStreamFrame {
    const headers = stream.outbound.shift();
    if (headers === undefined || headers.kind !== 'headers') throw new Error('internal: SYN_STREAM without headers');
    const frame = this.synFrameOf(stream, this.compress(headers.headers));
    this.apply(stream, stream.synInput);
    stream.counted = true;
    this.localActive++;
    stream.headersSent = true;
    if ((frame.flags & Flag.FIN) !== 0) this.apply(stream, 'send-fin');
    else this.scheduleIfReady(stream);
    if (this.wants('beforeControlFrameSend')) this.emit({ type: 'beforeControlFrameSend', frame, headers: headers.headers });
    if (stream.waited) this.emit({ type: 'streamStarted', streamId: stream.id, userData: stream.userData });
    this.sentControl(frame, headers.headers);
    return frame;
  }

  /** The SYN_STREAM of a stream of ours; its flags were recorded at submit time. */
  private synFrameOf(stream: Stream, headerBlock: Uint8Array): SynStreamFrame {
    return {
      type: 'SYN_STREAM',
      flags: stream.synFlags,
      streamId: stream.id,
      associatedStreamId: stream.associatedId,
      priority: stream.priority,
      slot: 0,
      headerBlock,
    };
  }

  private compress(headers: HeaderList): Uint8Array {
    return this.deflater.deflate(toWire(headers, this.wire));
  }

  private sentControl(frame: ControlFrame, headers: HeaderList | undefined): void {
    if (this.wants('controlFrameSent')) this.emit(headers ? { type: 'controlFrameSent', frame, headers } : { type: 'controlFrameSent', frame });
  }

  private notSent(item: QueuedControl, reason: string): void {
    if (this.wants('controlFrameNotSent')) {
      this.emit(item.headers ? { type: 'controlFrameNotSent', frame: item.frame, headers: item.headers, reason } : { type: 'controlFrameNotSent', frame: item.frame, reason });
    }
  }

  /**
   * One frame for a stream whose turn it is: DATA within the windows, or
   * HEADERS queued behind data. Puts the stream back in the rotation when it
   * has more to send now.
   */
  private nextStreamFrame(stream: Stream, room: number): Frame | undefined {
    if (stream.state === 'closed' || stream.deferred) return undefined;
    const item = stream.outbound.peek();
    if (item === undefined) return undefined;
    if (item.kind === 'headers') {
      stream.outbound.shift();
      const frame: HeadersFrame = { type: 'HEADERS', flags: item.fin ? Flag.FIN : 0, streamId: stream.id, headerBlock: this.compress(item.headers) };
      this.apply(stream, 'send-headers');
      if (item.fin) this.apply(stream, 'send-fin');
      else this.scheduleIfReady(stream);
      if (this.wants('beforeControlFrameSend')) this.emit({ type: 'beforeControlFrameSend', frame, headers: item.headers });
      this.sentControl(frame, item.headers);
      return frame;
    }
    const max = this.sendable(stream, room);
    if (max === 0 && !this.isEmptyFin(item)) {
      this.parkBlocked(stream);
      return undefined;
    }
    let data: Uint8Array;
    let fin: boolean;
    if (item.kind === 'bytes') {
      const end = Math.min(item.data.length, item.offset + max);
      data = item.data.subarray(item.offset, end);
      item.offset = end;
      const done = end === item.data.length;
      if (done) stream.outbound.shift();
      fin = done && item.fin;
    } else {
      const got = this.callProvider(stream, item, max);
      if (got === undefined) return undefined;
      ({ data, fin } = got);
    }
    const length = data.length;
    if (this.wire === 3 && !this.opts.ignorePeerFlowControl) {
      stream.sendWindow -= length;
      if (this.version === 3.1) this.sessionSendWindow -= length;
    }
    const frame: DataFrame = { type: 'DATA', streamId: stream.id, flags: fin ? Flag.FIN : 0, data };
    this.apply(stream, 'send-data');
    if (fin) {
      this.apply(stream, 'send-fin');
    } else {
      this.scheduleIfReady(stream);
    }
    if (this.wants('dataSent')) this.emit({ type: 'dataSent', streamId: stream.id, flags: frame.flags, length });
    return frame;
  }

  private isEmptyFin(item: OutboundItem): boolean {
    return item.kind === 'bytes' && item.fin && item.offset === item.data.length;
  }

  /** Bytes one DATA frame of `stream` may carry now: frame size, room in the batch, both windows (§2.6.8). */
  private sendable(stream: Stream, room: number): number {
    let max = Math.min(this.opts.maxOutboundDataFrameSize, Math.max(room, 1));
    if (this.wire === 3 && !this.opts.ignorePeerFlowControl) {
      max = Math.min(max, stream.sendWindow);
      if (this.version === 3.1) max = Math.min(max, this.sessionSendWindow);
    }
    return Math.max(0, max);
  }

  /** A stream that cannot send for lack of window waits: for its own WINDOW_UPDATE, or for the session's. */
  private parkBlocked(stream: Stream): void {
    if (stream.sendWindow > 0 && this.version === 3.1 && this.sessionSendWindow <= 0) this.parkOnSession(stream);
  }

  private parkOnSession(stream: Stream): void {
    if (stream.parked) return;
    stream.parked = true;
    this.sessionBlocked.push(stream);
  }

  private unblockSession(): void {
    for (let s = this.sessionBlocked.shift(); s !== undefined; s = this.sessionBlocked.shift()) {
      s.parked = false;
      this.scheduleIfReady(s);
    }
  }

  /** Asks a provider for bytes; undefined when it defers (or has nothing yet). */
  private callProvider(
    stream: Stream,
    item: Extract<OutboundItem, { kind: 'provider' }>,
    max: number,
  ): { data: Uint8Array; fin: boolean } | undefined {
    let chunk = item.leftover;
    let end = item.leftoverEnd;
    if (chunk === undefined) {
      let result;
      try {
        result = item.provider(max, stream.id);
      } catch (error) {
        // The application's provider failed: the stream cannot complete. Reset it, then let the error reach the caller.
        this.listenerError ??= { error };
        this.resetStream(stream.id, RstStatus.INTERNAL_ERROR);
        return undefined;
      }
      if (result === 'deferred' || (result.data.length === 0 && result.end !== true)) {
        // Nothing now: the stream leaves the rotation until resumeData().
        stream.deferred = true;
        return undefined;
      }
      chunk = result.data;
      end = result.end === true;
    }
    const data = chunk.length > max ? chunk.subarray(0, max) : chunk;
    item.leftover = chunk.length > max ? chunk.subarray(max) : undefined;
    item.leftoverEnd = end;
    const done = end && item.leftover === undefined;
    if (done) stream.outbound.shift();
    return { data, fin: done && item.fin };
  }

  /** Puts a stream in the DATA rotation if it has something it may send now. */
  private scheduleIfReady(stream: Stream): void {
    if (stream.scheduled || !stream.headersSent || stream.deferred || stream.state === 'closed' || this.failed) return;
    const item = stream.outbound.peek();
    if (item === undefined) return;
    if (item.kind !== 'headers' && !this.isEmptyFin(item) && this.wire === 3 && !this.opts.ignorePeerFlowControl) {
      if (stream.sendWindow <= 0) return; // waits for its WINDOW_UPDATE
      if (this.version === 3.1 && this.sessionSendWindow <= 0) {
        this.parkOnSession(stream);
        return;
      }
    }
    this.dataQueue.add(stream);
  }

  // -------------------------------------------------------------------------
  // Time

  /** Runs what is due at `now`: keep-alive PING, PING timeout, idle timeout. */
  handleTimeout(now: number): void {
    this.enter(now);
    try {
      if (this.closed) return;
      const { keepAliveInterval, idleTimeout, pingTimeout } = this.opts;
      if (pingTimeout !== undefined) {
        const sent = this.oldestPing();
        if (sent !== undefined && now >= sent + pingTimeout) {
          this.failed = true;
          this.dropQueuedOutput('PING timeout');
          this.queueGoaway(GoawayStatus.OK);
          this.closeAllStreams(RstStatus.CANCEL);
          this.finish('ping-timeout');
          return;
        }
      }
      if (idleTimeout !== undefined && this.streams.size === 0 && now >= this.lastActivity + idleTimeout) {
        this.queueGoaway(GoawayStatus.OK);
        this.finish('idle');
        return;
      }
      if (keepAliveInterval !== undefined && this.keepAlivePing === undefined && now >= this.lastInput + keepAliveInterval) {
        this.keepAlivePing = this.queuePing(now);
      }
    } finally {
      this.leave();
    }
  }

  /** When the oldest of our unanswered PINGs left (ids are kept in the order they were sent). */
  private oldestPing(): number | undefined {
    for (const sent of this.pings.values()) return sent;
    return undefined;
  }

  /** The next time `handleTimeout` has something to do, or undefined. */
  pollTimeout(): number | undefined {
    if (this.closed) return undefined;
    const { keepAliveInterval, idleTimeout, pingTimeout } = this.opts;
    let next = Infinity;
    const sent = this.oldestPing();
    if (sent !== undefined && pingTimeout !== undefined) next = Math.min(next, sent + pingTimeout);
    if (keepAliveInterval !== undefined && this.keepAlivePing === undefined) next = Math.min(next, this.lastInput + keepAliveInterval);
    if (idleTimeout !== undefined && this.streams.size === 0) next = Math.min(next, this.lastActivity + idleTimeout);
    return next === Infinity ? undefined : next;
  }

  // -------------------------------------------------------------------------
  // Submit operations

  private checkOpen(): void {
    if (this.closed) throw new SessionStateError('ERR_SESSION_CLOSED', 'the session is closed');
  }

  private checkCanCreate(): void {
    this.checkOpen();
    // §2.6.6: after GOAWAY (either way) no new stream is created on this session.
    if (this.goawaySent) throw new SessionStateError('ERR_GOAWAY_SENT', 'GOAWAY was sent: no new streams on this session');
    if (this.goawayReceived) throw new SessionStateError('ERR_GOAWAY_RECEIVED', 'the peer sent GOAWAY: open a new session for new streams');
  }

  private checkPriority(priority: number | undefined): number {
    const lowest = lowestPriority(this.wire);
    if (priority === undefined) return this.wire === 2 ? 1 : 3;
    if (!Number.isInteger(priority) || priority < 0 || priority > lowest) {
      throw new RangeError(`priority must be an integer from 0 to ${lowest} in SPDY/${this.wire}`);
    }
    return priority;
  }

  /** The next id for a stream of ours (§2.3.2: no wrap past 2^31-1: the session winds down instead). */
  private takeStreamId(): number {
    const id = this.nextStreamId;
    if (id > MAX_STREAM_ID) {
      this.queueGoaway(GoawayStatus.OK);
      throw new SessionStateError('ERR_STREAM_IDS_EXHAUSTED', 'stream ids are exhausted: GOAWAY queued, open a new session');
    }
    this.nextStreamId += 2;
    return id;
  }

  /** Queues one of our streams; its SYN_STREAM leaves in id order when the peer's limit allows. */
  private openStream(headers: HeaderList, priority: number, flags: number, associatedId: number, userData: unknown): Stream {
    const id = this.takeStreamId();
    const stream = this.createStream(id, true, priority, associatedId, userData);
    stream.synFlags = flags;
    // A unidirectional stream without its response status is a push waiting for it (reserved-local, §3.3.1).
    stream.synInput =
      (flags & Flag.UNIDIRECTIONAL) === 0 ? 'send-syn-stream' : associatedId === 0 || hasResponseStatus(headers) ? 'send-syn-stream-uni' : 'send-push';
    stream.outbound.push({ kind: 'headers', headers, fin: (flags & Flag.FIN) !== 0 });
    if ((flags & Flag.FIN) !== 0) stream.finQueued = true;
    if (this.localActive + this.synQueue.length >= this.peerMaxConcurrent) stream.waited = true;
    this.synQueue.push(stream);
    return stream;
  }

  submitRequest(init: { headers: HeadersInit; priority?: number; body?: BodyInit; userData?: unknown }): number {
    this.enter(undefined);
    try {
      if (this.side !== 'client') throw new SessionStateError('ERR_NOT_CLIENT', 'only a client submits requests');
      this.checkCanCreate();
      const headers = toHeaderList(init.headers);
      if (this.opts.validateHttp) {
        const bad = invalidRequest(headers, this.wire);
        if (bad !== undefined) throw new TypeError(`${bad} (§3.2.1)`);
      }
      const priority = this.checkPriority(init.priority);
      const body = checkBody(init.body);
      const stream = this.openStream(headers, priority, body === undefined ? Flag.FIN : 0, 0, init.userData);
      if (body !== undefined) this.queueBody(stream, body, true);
      return stream.id;
    } finally {
      this.leave();
    }
  }

  submitSynStream(init: {
    headers: HeadersInit;
    priority?: number;
    fin?: boolean;
    unidirectional?: boolean;
    associatedStreamId?: number;
    userData?: unknown;
  }): number {
    this.enter(undefined);
    try {
      this.checkCanCreate();
      const headers = toHeaderList(init.headers);
      const priority = this.checkPriority(init.priority);
      const assoc = init.associatedStreamId ?? 0;
      if (assoc !== 0) this.checkPushParent(assoc);
      const flags = (init.fin === true ? Flag.FIN : 0) | (init.unidirectional === true ? Flag.UNIDIRECTIONAL : 0);
      const stream = this.openStream(headers, priority, flags, assoc, init.userData);
      stream.replyQueued = stream.synInput !== 'send-push';
      if (assoc !== 0) (this.streams.get(assoc)!.pushes ??= new Set()).add(stream.id);
      return stream.id;
    } finally {
      this.leave();
    }
  }

  submitPush(
    associatedStreamId: number,
    init: { requestHeaders: HeadersInit; responseHeaders?: HeadersInit; priority?: number; body?: BodyInit; userData?: unknown },
  ): number {
    this.enter(undefined);
    try {
      if (this.side !== 'server') throw new SessionStateError('ERR_NOT_SERVER', 'only a server pushes');
      this.checkCanCreate();
      const parent = this.checkPushParent(associatedStreamId);
      const request = toHeaderList(init.requestHeaders);
      const response = init.responseHeaders === undefined ? undefined : toHeaderList(init.responseHeaders);
      if (this.opts.validateHttp) {
        const bad = invalidPush(request, 3) ?? (response === undefined ? undefined : invalidResponse(response, this.wire));
        if (bad !== undefined) throw new TypeError(`${bad} (§3.3.1)`);
      }
      const priority = init.priority === undefined ? parent.priority : this.checkPriority(init.priority);
      const body = checkBody(init.body);
      // §3.3.1 names the resource in the SYN_STREAM; the response status line travels with it when known
      // (what Chromium and node-spdy expect), else in a later HEADERS (the stream is reserved until then).
      // A push is a GET (§3.3.1); the spdy package refuses a pushed SYN_STREAM without :method.
      if (headerValue(request, ':method') === undefined) request.unshift([':method', 'GET']);
      // Names are unique on the wire (§2.6.10): a name in both lists (:version) takes the response's value.
      let headers = response === undefined ? request : [...request.filter(([name]) => !response.some(([other]) => other === name)), ...response];
      if (this.wire === 2) headers = pushUrlV2(headers);
      const fin = body === undefined && response !== undefined;
      const stream = this.openStream(headers, priority, Flag.UNIDIRECTIONAL | (fin ? Flag.FIN : 0), associatedStreamId, init.userData);
      stream.replyQueued = response !== undefined;
      (parent.pushes ??= new Set()).add(stream.id);
      if (body !== undefined) this.queueBody(stream, body, true);
      return stream.id;
    } finally {
      this.leave();
    }
  }

  /** §3.3.1: a push belongs to an open stream the peer opened and we have not finished answering. */
  private checkPushParent(id: number): Stream {
    const parent = this.streams.get(id);
    if (parent === undefined || parent.local || parent.finQueued || parent.state === 'closed') {
      throw new SessionStateError('ERR_PUSH_NO_STREAM', `stream ${id} is not an open stream of the peer that we are still answering`);
    }
    return parent;
  }

  submitResponse(streamId: number, headers: HeadersInit, body?: BodyInit): void {
    this.enter(undefined);
    try {
      const list = toHeaderList(headers);
      if (this.opts.validateHttp) {
        const bad = invalidResponse(list, this.wire);
        if (bad !== undefined) throw new TypeError(`${bad} (§3.2.2)`);
      }
      const checked = checkBody(body);
      const stream = this.replyTarget(streamId);
      if (stream === undefined) return;
      this.queueReply(stream, list, checked === undefined);
      if (checked !== undefined) this.queueBody(stream, checked, true);
    } finally {
      this.leave();
    }
  }

  submitSynReply(streamId: number, headers: HeadersInit, options?: { fin?: boolean }): void {
    this.enter(undefined);
    try {
      const list = toHeaderList(headers);
      const stream = this.replyTarget(streamId);
      if (stream === undefined) return;
      this.queueReply(stream, list, options?.fin === true);
    } finally {
      this.leave();
    }
  }

  /** The peer's stream a SYN_REPLY answers, undefined if it was reset meanwhile (a normal race: no error). */
  private replyTarget(streamId: number): Stream | undefined {
    const stream = this.liveStream(streamId);
    if (stream === undefined) return undefined;
    if (stream.local) throw new SessionStateError('ERR_STREAM_NO_REPLY', `stream ${streamId} is ours: SYN_REPLY answers a stream the peer opened`);
    if (stream.state !== 'open' && stream.state !== 'half-closed-remote') {
      // §2.3.2.1: the recipient of a unidirectional stream is half-closed from the start.
      throw new SessionStateError('ERR_STREAM_HALF_CLOSED', `stream ${streamId} is unidirectional towards us`);
    }
    if (stream.replyQueued) throw new SessionStateError('ERR_STREAM_REPLIED', `stream ${streamId} already has a SYN_REPLY`);
    if (stream.finQueued) throw new SessionStateError('ERR_STREAM_HALF_CLOSED', `stream ${streamId}: we already sent FIN`);
    return stream;
  }

  private queueReply(stream: Stream, headers: HeaderList, fin: boolean): void {
    stream.replyQueued = true;
    if (fin) stream.finQueued = true;
    this.controlQueue.push({ frame: { type: 'SYN_REPLY', flags: fin ? Flag.FIN : 0, streamId: stream.id, headerBlock: EMPTY }, headers, stream });
  }

  /**
   * A stream we may still submit on, or undefined when it closed (reset by
   * the peer, or finished): writing to a reset stream is a normal race, not an
   * error. An id that never named a stream is the caller's mistake.
   */
  private liveStream(streamId: number): Stream | undefined {
    this.checkOpen();
    if (!Number.isInteger(streamId) || streamId < 1 || streamId > MAX_STREAM_ID) throw new RangeError(`invalid stream id ${streamId}`);
    const stream = this.streams.get(streamId);
    if (stream !== undefined && stream.state !== 'closed') return stream;
    // Reset (by either side) or refused by GOAWAY: a race the application could not avoid.
    if (this.resetIds.has(streamId)) return undefined;
    if (this.knownClosed(streamId)) throw new SessionStateError('ERR_STREAM_CLOSED', `stream ${streamId} is closed: both sides sent FIN`);
    throw new SessionStateError('ERR_STREAM_UNKNOWN', `stream ${streamId} does not exist`);
  }

  /** A stream we may still send on: not finished by us, its headers queued. */
  private sendTarget(streamId: number): Stream | undefined {
    const stream = this.liveStream(streamId);
    if (stream === undefined) return undefined;
    if (stream.finQueued) throw new SessionStateError('ERR_STREAM_HALF_CLOSED', `stream ${streamId}: we already sent FIN`);
    if (!stream.local) {
      // §2.3.2.1: on a unidirectional stream the recipient is half-closed from the start.
      if (stream.state !== 'open' && stream.state !== 'half-closed-remote') {
        throw new SessionStateError('ERR_STREAM_HALF_CLOSED', `stream ${streamId} is unidirectional towards us`);
      }
      if (!stream.replyQueued) throw new SessionStateError('ERR_STREAM_NO_REPLY', `stream ${streamId}: submit the SYN_REPLY first`);
    }
    return stream;
  }

  submitHeaders(streamId: number, headers: HeadersInit, options?: { fin?: boolean }): void {
    this.enter(undefined);
    try {
      const list = toHeaderList(headers);
      if (this.opts.validateHttp) {
        const bad = invalidHeaders(list, this.wire);
        if (bad !== undefined) throw new TypeError(bad);
      }
      const stream = this.sendTarget(streamId);
      if (stream === undefined) return;
      const fin = options?.fin === true;
      if (fin) stream.finQueued = true;
      // Response headers of a push waiting for them: DATA may follow now.
      stream.replyQueued = true;
      if (stream.outbound.length > 0 || !stream.headersSent) {
        // Behind data (trailers), or before our SYN_STREAM left: keep the stream's order.
        stream.outbound.push({ kind: 'headers', headers: list, fin });
        this.scheduleIfReady(stream);
      } else {
        this.controlQueue.push({ frame: { type: 'HEADERS', flags: fin ? Flag.FIN : 0, streamId, headerBlock: EMPTY }, headers: list, stream });
      }
    } finally {
      this.leave();
    }
  }

  submitData(streamId: number, body: BodyInit, options?: { fin?: boolean }): void {
    this.enter(undefined);
    try {
      const checked = checkBody(body);
      if (checked === undefined) throw new TypeError('submitData needs a body');
      const stream = this.sendTarget(streamId);
      if (stream === undefined) return;
      if (stream.local && stream.associatedId !== 0 && !stream.replyQueued) {
        throw new SessionStateError('ERR_STREAM_RESERVED', `pushed stream ${streamId}: send its response headers (submitHeaders) before DATA (§3.3.1)`);
      }
      this.queueBody(stream, checked, options?.fin === true);
    } finally {
      this.leave();
    }
  }

  private queueBody(stream: Stream, body: Uint8Array | DataProviderFn, fin: boolean): void {
    if (fin) stream.finQueued = true;
    if (body instanceof Uint8Array) stream.outbound.push({ kind: 'bytes', data: body, offset: 0, fin });
    else stream.outbound.push({ kind: 'provider', provider: body, fin, leftover: undefined, leftoverEnd: false });
    this.scheduleIfReady(stream);
  }

  submitRstStream(streamId: number, status: number): void {
    this.enter(undefined);
    try {
      this.checkOpen();
      if (!Number.isInteger(streamId) || streamId < 1 || streamId > MAX_STREAM_ID) throw new RangeError(`invalid stream id ${streamId}`);
      if (!Number.isInteger(status) || status < 1 || status > 0xffffffff) throw new RangeError('RST_STREAM status must be a positive 32-bit integer (0 is invalid, §2.6.3)');
      // Unknown or already closed: coalesced, nothing to send (§2.4.2).
      if (!this.streams.has(streamId)) return;
      this.resetStream(streamId, status);
    } finally {
      this.leave();
    }
  }

  submitPing(now?: number): number {
    this.enter(now);
    try {
      this.checkOpen();
      return this.queuePing(this.clock);
    } finally {
      this.leave();
    }
  }

  private queuePing(now: number): number {
    const id = this.nextPingId;
    // §2.6.5: ids may wrap once every one of our parity was used.
    this.nextPingId = id + 2 > MAX_PING_ID ? id & 1 || 2 : id + 2;
    this.pings.set(id, now);
    this.pingQueue.push({ type: 'PING', flags: 0, id });
    return id;
  }

  submitGoaway(status: number = GoawayStatus.OK): void {
    this.enter(undefined);
    try {
      this.checkOpen();
      checkGoawayStatus(status);
      this.queueGoaway(status);
      this.maybeFinish();
    } finally {
      this.leave();
    }
  }

  /** Queues our GOAWAY once; streams not yet announced are never created (§2.6.6: "MUST NOT create any new streams"). */
  private queueGoaway(status: number): void {
    if (this.goawaySent) return;
    this.goawaySent = true;
    this.controlQueue.push({ frame: { type: 'GOAWAY', flags: 0, lastGoodStreamId: this.lastAcceptedPeerStreamId, status } });
    for (const stream of this.synQueue.removeWhere((s) => s.state === 'idle')) {
      if (this.wants('controlFrameNotSent')) this.notSent({ frame: this.synFrameOf(stream, EMPTY) }, 'GOAWAY sent');
      this.rememberReset(stream.id);
      this.closeStream(stream, RstStatus.REFUSED_STREAM, 'local');
    }
  }

  failSession(status: number = GoawayStatus.OK): void {
    this.enter(undefined);
    try {
      if (this.closed) return;
      checkGoawayStatus(status);
      this.failed = true;
      this.dropQueuedOutput('session terminated');
      this.queueGoaway(status);
      this.closeAllStreams(RstStatus.CANCEL);
      this.finish('terminated');
    } finally {
      this.leave();
    }
  }

  submitSettings(entries: readonly SettingsEntry[], flags = 0): void {
    this.enter(undefined);
    try {
      this.checkOpen();
      if (!Array.isArray(entries)) throw new TypeError('entries must be an array');
      const seen = new Set<number>();
      for (const e of entries) {
        if (!Number.isInteger(e.id) || e.id < 1 || e.id > 0xffffff) throw new RangeError(`invalid SETTINGS id ${e.id}`);
        if (!Number.isInteger(e.value) || e.value < 0 || e.value > 0xffffffff) throw new RangeError(`invalid SETTINGS value ${e.value}`);
        if (seen.has(e.id)) throw new TypeError(`SETTINGS id ${e.id} twice in one frame (§2.6.4)`);
        seen.add(e.id);
        if (this.side === 'client' && (e.flags & SettingsFlag.PERSIST_VALUE) !== 0) {
          throw new TypeError('a client must not ask the server to persist settings (§2.6.4)');
        }
        if (e.id === SettingsId.INITIAL_WINDOW_SIZE && e.value > MAX_WINDOW_SIZE) throw new RangeError('SETTINGS_INITIAL_WINDOW_SIZE above 2^31-1');
      }
      for (const e of entries) {
        if (e.id === SettingsId.MAX_CONCURRENT_STREAMS) this.localMaxConcurrent = e.value;
        else if (e.id === SettingsId.INITIAL_WINDOW_SIZE && this.wire === 3) this.changeLocalInitialWindow(e.value);
      }
      this.controlQueue.push({ frame: { type: 'SETTINGS', flags, entries: entries.map((e) => ({ id: e.id, flags: e.flags, value: e.value })) } });
    } finally {
      this.leave();
    }
  }

  /** Our advertised window changed: every stream's receive window moves by the difference (§2.6.8). */
  private changeLocalInitialWindow(value: number): void {
    this.localInitialWindow = value;
    this.highestAdvertisedWindow = Math.max(this.highestAdvertisedWindow, value);
    for (const stream of this.streams.values()) {
      const window = stream.recvWindow;
      if (window === undefined) continue;
      window.resize(value, this.highestAdvertisedWindow - value);
      // Return every consumed byte now: a shrunk window may leave the peer with none, and below
      // the new threshold nothing else would trigger the WINDOW_UPDATE it waits for.
      const delta = window.flush();
      if (delta > 0 && canReceive(stream.state)) this.queueWindowUpdate(stream.id, delta);
    }
  }

  submitWindowUpdate(streamId: number, delta: number): void {
    this.enter(undefined);
    try {
      this.checkOpen();
      if (this.wire === 2) throw new SessionStateError('ERR_NO_FLOW_CONTROL', 'SPDY/2 has no flow control');
      if (!Number.isInteger(delta) || delta < 1 || delta > MAX_WINDOW_SIZE) throw new RangeError('delta must be an integer from 1 to 2^31-1');
      let window: ReceiveWindow;
      if (streamId === 0) {
        if (this.version !== 3.1) throw new SessionStateError('ERR_NO_SESSION_WINDOW', 'the session window (stream 0) exists in SPDY/3.1 only');
        window = this.sessionRecvWindow;
      } else {
        const stream = this.liveStream(streamId);
        if (stream === undefined) return;
        window = stream.recvWindow!;
      }
      if (window.available + delta > MAX_WINDOW_SIZE) throw new RangeError('the window would exceed 2^31-1 (§2.6.8)');
      window.grant(delta);
      this.queueWindowUpdate(streamId, delta);
    } finally {
      this.leave();
    }
  }

  private queueWindowUpdate(streamId: number, delta: number): void {
    this.controlQueue.push({ frame: { type: 'WINDOW_UPDATE', flags: 0, streamId, deltaWindowSize: delta } });
  }

  resumeData(streamId: number): boolean {
    this.enter(undefined);
    try {
      const stream = this.streams.get(streamId);
      if (stream === undefined || !stream.deferred) return false;
      stream.deferred = false;
      this.scheduleIfReady(stream);
      return true;
    } finally {
      this.leave();
    }
  }

  consume(streamId: number, length: number): void {
    this.enter(undefined);
    try {
      if (!Number.isInteger(length) || length < 0) throw new RangeError('length must be a non-negative integer');
      if (this.opts.flowControl !== 'manual' || this.version === 2) return;
      const stream = this.streams.get(streamId);
      // A closed stream already returned its unconsumed bytes to the session window.
      if (stream === undefined) return;
      const n = Math.min(length, stream.unconsumed);
      if (n === 0) return;
      stream.unconsumed -= n;
      this.releaseSessionBytes(n);
      this.ackStream(stream, n);
    } finally {
      this.leave();
    }
  }

  // -------------------------------------------------------------------------
  // Introspection

  getStreamUserData(streamId: number): unknown {
    return this.streams.get(streamId)?.userData;
  }

  setStreamUserData(streamId: number, data: unknown): void {
    const stream = this.streams.get(streamId);
    if (stream === undefined) throw new SessionStateError('ERR_STREAM_UNKNOWN', `stream ${streamId} is not open`);
    stream.userData = data;
  }

  /** Frames waiting to leave (control frames, SYN_STREAMs, streams with DATA ready); deferred DATA excluded. */
  get outboundQueueSize(): number {
    return this.pingQueue.length + this.controlQueue.length + this.synQueue.length + this.dataQueue.size;
  }

  get lowestPriority(): number {
    return lowestPriority(this.wire);
  }

  get persistedSettings(): readonly SettingsEntry[] {
    return this.persisted?.entries ?? [];
  }

  get isClosed(): boolean {
    return this.closed;
  }

  streamState(streamId: number): StreamState | undefined {
    return this.streams.get(streamId)?.state;
  }

  sendWindow(streamId: number): number {
    if (this.wire === 2) return Infinity;
    if (streamId === 0) return this.version === 3.1 ? this.sessionSendWindow : Infinity;
    return this.streams.get(streamId)?.sendWindow ?? 0;
  }

  receiveWindow(streamId: number): number {
    if (this.wire === 2) return Infinity;
    if (streamId === 0) return this.version === 3.1 ? this.sessionRecvWindow.available : Infinity;
    return this.streams.get(streamId)?.recvWindow?.available ?? 0;
  }
}

type DataProviderFn = Exclude<BodyInit, Uint8Array | string>;

const EMPTY = new Uint8Array(0);
/** The session's own answer to a request that breaks §3.2.1. */
const BAD_REQUEST: HeaderList = [
  [':status', '400 Bad Request'],
  [':version', 'HTTP/1.1'],
];

/**
 * The request's announced body length: -1 when absent, undefined when it is
 * not one non-negative integer (repeated values must agree).
 */
function contentLength(headers: HeaderList): number | undefined {
  let length = -1;
  for (const [name, value] of headers) {
    if (name !== 'content-length') continue;
    if (!/^[0-9]{1,15}$/.test(value)) return undefined;
    const n = Number(value);
    if (length >= 0 && n !== length) return undefined;
    length = n;
  }
  return length;
}
/** TextEncoder is in every runtime we target, but not in the ES2022 type library: reach it through globalThis. */
const encoder = new (globalThis as unknown as { TextEncoder: new () => { encode(text: string): Uint8Array } }).TextEncoder();

function checkBody(body: BodyInit | undefined): Uint8Array | DataProviderFn | undefined {
  if (body === undefined) return undefined;
  if (typeof body === 'string') return encoder.encode(body);
  if (body instanceof Uint8Array || typeof body === 'function') return body;
  throw new TypeError('body must be a Uint8Array, a string or a data provider function');
}

function checkGoawayStatus(status: number): void {
  if (!Number.isInteger(status) || status < 0 || status > 0xffffffff) throw new RangeError('GOAWAY status must be a 32-bit integer');
}

function sessionError(code: string, message: string, streamId: number): SpdyProtocolError {
  return new SpdyProtocolError(message, { code, scope: 'session', status: GoawayStatus.PROTOCOL_ERROR, streamId });
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = allocateBytes(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** Defaults and range checks of every option, in one place. */
function resolveOptions(o: SessionOptions): ResolvedOptions {
  const int = (name: string, value: number | undefined, fallback: number, min: number, max: number): number => {
    if (value === undefined) return fallback;
    if (!Number.isInteger(value) || value < min || value > max) throw new RangeError(`${name} must be an integer from ${min} to ${max}`);
    return value;
  };
  const time = (name: string, value: number | undefined): number | undefined => {
    if (value === undefined) return undefined;
    if (!(value > 0) || !Number.isFinite(value)) throw new RangeError(`${name} must be a positive number of ms`);
    return value;
  };
  if (o.flowControl !== undefined && o.flowControl !== 'auto' && o.flowControl !== 'manual') throw new TypeError("flowControl must be 'auto' or 'manual'");
  if (o.compressionLevel !== undefined) int('compressionLevel', o.compressionLevel, 0, 0, 9);
  if (o.persistedSettings !== undefined && !Array.isArray(o.persistedSettings)) throw new TypeError('persistedSettings must be an array');
  const keepAliveInterval = time('keepAliveInterval', o.keepAliveInterval);
  return {
    maxConcurrentStreams: int('maxConcurrentStreams', o.maxConcurrentStreams, DEFAULT_MAX_CONCURRENT_STREAMS, 0, 0xffffffff),
    initialWindowSize: int('initialWindowSize', o.initialWindowSize, DEFAULT_INITIAL_WINDOW_SIZE, 1, MAX_WINDOW_SIZE),
    // The 3.1 session window starts at 64 KiB (§2.6.8) and can only be raised.
    sessionWindowSize: int('sessionWindowSize', o.sessionWindowSize, DEFAULT_INITIAL_WINDOW_SIZE, DEFAULT_INITIAL_WINDOW_SIZE, MAX_WINDOW_SIZE),
    flowControl: o.flowControl ?? 'auto',
    ignorePeerFlowControl: o.ignorePeerFlowControl === true,
    maxOutboundDataFrameSize: int('maxOutboundDataFrameSize', o.maxOutboundDataFrameSize, DEFAULT_MAX_DATA_FRAME, 1, 0xffffff),
    keepAliveInterval,
    idleTimeout: time('idleTimeout', o.idleTimeout),
    pingTimeout: time('pingTimeout', o.pingTimeout) ?? (keepAliveInterval !== undefined ? DEFAULT_PING_TIMEOUT : undefined),
    validateHttp: o.validateHttp !== false,
    maxHeaderCount: int('maxHeaderCount', o.maxHeaderCount, DEFAULT_MAX_HEADER_COUNT, 0, 0xffffffff),
    maxRapidResetsPerSecond: int('maxRapidResetsPerSecond', o.maxRapidResetsPerSecond, DEFAULT_MAX_RAPID_RESETS, 0, 0xffffffff),
    maxPingsPerSecond: int('maxPingsPerSecond', o.maxPingsPerSecond, DEFAULT_MAX_PINGS, 0, 0xffffffff),
    maxSettingsPerSecond: int('maxSettingsPerSecond', o.maxSettingsPerSecond, DEFAULT_MAX_SETTINGS, 0, 0xffffffff),
    maxWindowUpdatesPerSecond: int('maxWindowUpdatesPerSecond', o.maxWindowUpdatesPerSecond, DEFAULT_MAX_WINDOW_UPDATES, 0, 0xffffffff),
    maxInvalidFramesPerSecond: int('maxInvalidFramesPerSecond', o.maxInvalidFramesPerSecond, DEFAULT_MAX_INVALID_FRAMES, 0, 0xffffffff),
    maxQueuedControlFrames: int('maxQueuedControlFrames', o.maxQueuedControlFrames, DEFAULT_MAX_QUEUED_CONTROL, 0, 0xffffffff),
  };
}

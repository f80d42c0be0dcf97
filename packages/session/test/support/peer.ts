/**
 * A hand-driven peer for conformance tests: it plays the other side of ONE
 * Session frame by frame. Frames it sends are encoded and handed to
 * `session.receive` at once, with header blocks compressed by its own
 * HeaderDeflater (so compression state is shared exactly as with a real
 * peer); everything the session writes is pulled, decoded and its header
 * blocks inflated by the peer's own HeaderInflater, so tests assert on the
 * exact frames answered.
 */

import {
  type Frame,
  FrameDecoder,
  type ProtocolVersion,
  type SettingsEntry,
  SpdyProtocolError,
  type WireVersion,
  encodeFrame,
  wireVersion,
} from '@spdy/frames';
import { HeaderDeflater, type HeaderInput, HeaderInflater, type HeaderList } from '@spdy/zlib-headers';
import { Session } from '../../src/index.js';
import type { SessionEvent, SessionEventMap, SessionEventType, SessionOptions } from '../../src/types.js';

/** A frame the session wrote, with its header block decoded when it has one. */
export type Received = Frame & { readonly headers?: HeaderList };

export interface PeerOptions extends Partial<SessionOptions> {
  /** The side of the session under test; the peer plays the other one. */
  side: SessionOptions['side'];
  version: ProtocolVersion;
}

export class Peer {
  readonly session: Session;
  readonly version: ProtocolVersion;
  readonly wire: WireVersion;
  /** Every event the session emitted, in order. */
  readonly events: SessionEvent[] = [];
  /** Every frame the session wrote, in order (read() returns the new ones). */
  readonly written: Received[] = [];
  /** Decoding problems in what the session wrote (always a bug of the session). */
  readonly outputErrors: SpdyProtocolError[] = [];

  private readonly deflater: HeaderDeflater;
  private readonly inflater: HeaderInflater;
  private readonly decoder: FrameDecoder;
  private readCursor = 0;
  /** Time passed to the session; tests move it with `advance`. */
  now = 0;

  constructor(options: PeerOptions) {
    this.version = options.version;
    this.wire = wireVersion(options.version);
    this.deflater = new HeaderDeflater(options.version, { level: 6 });
    this.inflater = new HeaderInflater(options.version, { maxHeaderListSize: 1 << 20 });
    this.decoder = new FrameDecoder({ version: this.wire, maxControlFrameSize: 0xffffff });
    this.session = new Session({ ...options, onEvent: (e) => this.events.push(e) });
  }

  // ---------------------------------------------------------------------------
  // Sending (peer -> session)

  /** Encodes frames and feeds them to the session in one `receive` call. */
  send(...frames: Frame[]): void {
    this.bytes(concat(frames.map((f) => encodeFrame(f, this.wire))));
  }

  /** Feeds raw bytes to the session. `receive` must never throw: a throw fails the test here. */
  bytes(data: Uint8Array): void {
    this.session.receive(data, this.now);
  }

  /** A header block compressed with the peer's deflater: send it (in order) or the shared state diverges. */
  block(headers: HeaderInput): Uint8Array {
    return this.deflater.deflate(headers);
  }

  synStream(init: {
    streamId: number;
    headers?: HeaderInput;
    priority?: number;
    flags?: number;
    associatedStreamId?: number;
    slot?: number;
  }): void {
    this.send({
      type: 'SYN_STREAM',
      streamId: init.streamId,
      associatedStreamId: init.associatedStreamId ?? 0,
      priority: init.priority ?? 0,
      slot: init.slot ?? 0,
      flags: init.flags ?? 0,
      headerBlock: this.block(init.headers ?? this.requestHeaders()),
    });
  }

  synReply(streamId: number, headers: HeaderInput = this.responseHeaders(), flags = 0): void {
    this.send({ type: 'SYN_REPLY', streamId, flags, headerBlock: this.block(headers) });
  }

  headers(streamId: number, headers: HeaderInput, flags = 0): void {
    this.send({ type: 'HEADERS', streamId, flags, headerBlock: this.block(headers) });
  }

  data(streamId: number, data: Uint8Array | string | number, flags = 0): void {
    const payload = typeof data === 'number' ? new Uint8Array(data) : typeof data === 'string' ? new TextEncoder().encode(data) : data;
    this.send({ type: 'DATA', streamId, flags, data: payload });
  }

  rst(streamId: number, status: number): void {
    this.send({ type: 'RST_STREAM', streamId, flags: 0, status });
  }

  settings(entries: readonly SettingsEntry[], flags = 0): void {
    this.send({ type: 'SETTINGS', flags, entries });
  }

  ping(id: number): void {
    this.send({ type: 'PING', flags: 0, id });
  }

  goaway(lastGoodStreamId: number, status = 0): void {
    this.send({ type: 'GOAWAY', flags: 0, lastGoodStreamId, status });
  }

  windowUpdate(streamId: number, deltaWindowSize: number): void {
    this.send({ type: 'WINDOW_UPDATE', flags: 0, streamId, deltaWindowSize });
  }

  /** A control frame with any type, flags and payload (for malformed input). */
  rawControl(type: number, flags: number, payload: Uint8Array, version: number = this.wire): void {
    this.bytes(rawControlFrame(type, flags, payload, version));
  }

  /** Minimal valid request headers in the v3 form for v3, in the v2 wire form for v2. */
  requestHeaders(extra: Record<string, string> = {}): Record<string, string> {
    return this.wire === 2
      ? { method: 'GET', url: '/', version: 'HTTP/1.1', scheme: 'https', host: 'example.com', ...extra }
      : { ':method': 'GET', ':path': '/', ':version': 'HTTP/1.1', ':scheme': 'https', ':host': 'example.com', ...extra };
  }

  /** Minimal valid response headers on the wire of this version. */
  responseHeaders(extra: Record<string, string> = {}): Record<string, string> {
    return this.wire === 2 ? { status: '200 OK', version: 'HTTP/1.1', ...extra } : { ':status': '200 OK', ':version': 'HTTP/1.1', ...extra };
  }

  /** Push headers (server side of a push) on the wire of this version. */
  pushHeaders(path = '/pushed.js', extra: Record<string, string> = {}): Record<string, string> {
    return this.wire === 2
      ? { url: `https://example.com${path}`, status: '200 OK', version: 'HTTP/1.1', ...extra }
      : { ':scheme': 'https', ':host': 'example.com', ':path': path, ':status': '200 OK', ':version': 'HTTP/1.1', ...extra };
  }

  // ---------------------------------------------------------------------------
  // Receiving (session -> peer)

  /** Pulls everything the session has to write and returns the frames written since the last read(). */
  read(maxBytes?: number): Received[] {
    for (let i = 0; i < 100_000; i++) {
      const chunk = this.session.pull(maxBytes, this.now);
      if (chunk === undefined) break;
      // Copy: the session may reuse its output buffer, and the decoder keeps chunks.
      this.decoder.push(chunk.slice());
      this.drainDecoder();
    }
    const out = this.written.slice(this.readCursor);
    this.readCursor = this.written.length;
    return out;
  }

  /** One pull() of at most `maxBytes`, decoded; returns the frames it completed (the rest stays queued in the session). */
  readOnce(maxBytes: number): Received[] {
    const chunk = this.session.pull(maxBytes, this.now);
    if (chunk !== undefined) {
      this.decoder.push(chunk.slice());
      this.drainDecoder();
    }
    const out = this.written.slice(this.readCursor);
    this.readCursor = this.written.length;
    return out;
  }

  /** Reads and discards what the session wrote so far (its SETTINGS, initial WINDOW_UPDATE, ...). */
  flush(): Received[] {
    return this.read();
  }

  private drainDecoder(): void {
    for (let item = this.decoder.next(); item !== undefined; item = this.decoder.next()) {
      if (item instanceof SpdyProtocolError) {
        this.outputErrors.push(item);
        continue;
      }
      if (item.type === 'SYN_STREAM' || item.type === 'SYN_REPLY' || item.type === 'HEADERS') {
        let headers: HeaderList;
        try {
          headers = this.inflater.inflate(item.headerBlock, item.streamId, item.type);
        } catch (error) {
          this.outputErrors.push(error as SpdyProtocolError);
          headers = [];
        }
        this.written.push({ ...item, headers });
      } else {
        // A DATA payload is a view into a chunk we own (copied in read()): safe to keep.
        this.written.push(item);
      }
    }
  }

  // ---------------------------------------------------------------------------
  // Events

  /** Events of one type, in order. */
  eventsOf<K extends SessionEventType>(type: K): SessionEventMap[K][] {
    return this.events.filter((e): e is SessionEventMap[K] => e.type === type);
  }

  /** Moves the clock and lets the session handle its deadlines. */
  advance(ms: number): void {
    this.now += ms;
    this.session.handleTimeout(this.now);
  }
}

/** Bytes of a control frame with arbitrary fields (no validation: for malformed input). */
export function rawControlFrame(type: number, flags: number, payload: Uint8Array, version: number): Uint8Array {
  const out = new Uint8Array(8 + payload.length);
  out[0] = 0x80 | ((version >> 8) & 0x7f);
  out[1] = version & 0xff;
  out[2] = (type >> 8) & 0xff;
  out[3] = type & 0xff;
  out[4] = flags;
  out[5] = (payload.length >> 16) & 0xff;
  out[6] = (payload.length >> 8) & 0xff;
  out[7] = payload.length & 0xff;
  out.set(payload, 8);
  return out;
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0];
  let size = 0;
  for (const p of parts) size += p.length;
  const out = new Uint8Array(size);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Header value of `name` in a decoded list (first occurrence). */
export function header(headers: HeaderList | undefined, name: string): string | undefined {
  return headers?.find(([n]) => n === name)?.[1];
}

/** Frames of one type from a list. */
export function ofType<T extends Received['type']>(frames: readonly Received[], type: T): Extract<Received, { type: T }>[] {
  return frames.filter((f): f is Extract<Received, { type: T }> => f.type === type);
}

/** The versions a rule applies to, for `describe.each`. */
export const ALL_VERSIONS: readonly ProtocolVersion[] = [2, 3, 3.1];
export const FLOW_VERSIONS: readonly ProtocolVersion[] = [3, 3.1];

/** A Peer whose session's opening frames (SETTINGS, WINDOW_UPDATE) were already read. */
export function started(options: PeerOptions): Peer {
  const peer = new Peer(options);
  peer.flush();
  return peer;
}

/** The RST_STREAM status a rule of SPDY/3 maps to on the wire of `version` (SPDY/2 defines codes 1 to 7). */
export function rstFor(version: ProtocolVersion, v3Status: number, v2Status: number): number {
  return version === 2 ? v2Status : v3Status;
}

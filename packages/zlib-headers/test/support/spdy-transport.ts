/**
 * Drives spdy-transport 3.0.0's SPDY codec (the one under the `spdy` npm
 * package) on its own, without its Connection, so that tests and benchmarks
 * can compare our codec with it frame by frame.
 *
 * - Writing: its Framer builds each frame's bytes (compressing header blocks
 *   through its zlib stream) and hands them to its write scheduler. We take the
 *   bytes at that hand-off: the scheduler only interleaves streams, it is not
 *   part of the codec, and taking them there keeps frames in call order.
 * - Reading: its Parser is an object-mode Transform; we write bytes and
 *   collect the frame objects it pushes.
 * - Flow control is not part of the codec: a window that is always open
 *   stands in for its Window.
 *
 * The peer cannot express every frame (its API has no FIN on SYN_REPLY or
 * HEADERS, no UNIDIRECTIONAL, no SETTINGS flags of our choosing, ...):
 * {@link PeerEndpoint.encode} throws {@link PeerCannotWrite} for those rather
 * than silently writing something else. Its reading is lossy (headers become
 * an object, SYN_STREAM and SYN_REPLY both become HEADERS):
 * {@link peerViewOf} says what it should make of each of our frames.
 * Header strings are ASCII in these tests: the peer reads and writes UTF-8,
 * we latin1 (the drafts say nothing of encodings beyond lowercase names).
 */
import transport from 'spdy-transport';
import type {
  CompressionPair,
  PeerHeaders,
  ScheduledWrite,
  SpdyFramer,
  SpdyParser,
  SpdyTransportVersion,
  TransportWindow,
} from 'spdy-transport';
import { Flag, FrameType, SettingsFlag, wireVersion } from '@spdy/frames';
import type { ProtocolVersion } from '@spdy/frames';
import type { DecodedFrame, HeaderList } from '../../src/index.js';

export type { PeerHeaders } from 'spdy-transport';

const spdy = transport.protocol.spdy;
const { weightToPriority, priorityToWeight } = transport.protocol.base.utils;

/** A frame as spdy-transport's parser reports it. */
export type PeerFrame =
  | {
      type: 'HEADERS';
      id: number;
      priority: { weight: number; exclusive: boolean; parent: number };
      fin: boolean;
      writable: boolean;
      headers: PeerHeaders;
      path?: string | undefined;
    }
  | { type: 'PUSH_PROMISE'; id: number; fin: boolean; promisedId: number; headers: PeerHeaders; path: string | undefined }
  | { type: 'DATA'; id: number; fin: boolean; data: Uint8Array }
  | { type: 'RST'; id: number; code: string | undefined; extra?: Uint8Array }
  | { type: 'SETTINGS'; settings: Record<string, number> }
  | { type: 'NOOP' }
  | { type: 'PING'; opaque: Uint8Array; ack: boolean }
  | { type: 'GOAWAY'; lastId: number; code: string | undefined }
  | { type: 'WINDOW_UPDATE'; id: number; delta: number }
  | { type: `unknown: ${number}` };

/** A frame spdy-transport's framer has no way to write. */
export class PeerCannotWrite extends Error {
  override name = 'PeerCannotWrite';
}

/** Flow control is not under test: every send is allowed at once, receives are not counted. */
const openWindow: TransportWindow = {
  send: {
    update(_delta, onWritable) {
      onWritable?.();
    },
  },
  recv: { update() {} },
};

export interface PeerEndpointOptions {
  /**
   * Compress header blocks (zlib's default level, 11 window bits), as
   * spdy-transport does with `headerCompression: true`. Its default, and the
   * `spdy` package's, is false: stored (level 0) blocks.
   */
  compression?: boolean;
  /** Decides how the parser flags PINGs as acks (odd ids are the client's). Default false. */
  isServer?: boolean;
}

/**
 * One side of a spdy-transport session's codec: a framer and a parser sharing
 * one compression pair, as its Connection sets them up. Both keep their zlib
 * state across calls, so a test can interleave `encode` and `decode`.
 */
export class PeerEndpoint {
  readonly version: ProtocolVersion;
  private readonly framer: SpdyFramer;
  private readonly parser: SpdyParser;
  private written: Buffer[] = [];
  private parsed: PeerFrame[] = [];
  private parseError: unknown = undefined;

  constructor(version: ProtocolVersion, options: PeerEndpointOptions = {}) {
    this.version = version;
    const v: SpdyTransportVersion = version;
    const pair: CompressionPair = spdy.compressionPool.create(options.compression ?? false).get(v);
    this.framer = spdy.framer.create({ window: openWindow });
    this.framer.setVersion(v);
    this.framer.setCompression(pair);
    this.framer.enablePush(true);
    this.framer.schedule = (write: ScheduledWrite) => {
      this.written.push(...write.chunks);
      write.callback?.(null);
    };
    this.parser = spdy.parser.create({ window: openWindow, isServer: options.isServer ?? false });
    this.parser.setVersion(v);
    this.parser.setCompression(pair);
    this.parser.on('data', (frame: PeerFrame) => this.parsed.push(frame));
    this.parser.on('error', (err: unknown) => {
      this.parseError ??= err;
    });
  }

  /** The bytes spdy-transport writes for `frames`, in order. */
  async encode(frames: Iterable<DecodedFrame>): Promise<Uint8Array> {
    for (const frame of frames) await this.write(frame);
    const out = Buffer.concat(this.written);
    this.written = [];
    return new Uint8Array(out.buffer, out.byteOffset, out.length);
  }

  /**
   * The frames spdy-transport reads from `bytes`, fed in `chunkSize` pieces
   * (whole by default; a DATA frame split across pieces comes out in parts,
   * as it does in the peer). Rejects with the peer's error if it fails.
   */
  async decode(bytes: Uint8Array, chunkSize = bytes.length || 1): Promise<PeerFrame[]> {
    for (let at = 0; at < bytes.length && this.parseError === undefined; at += chunkSize) {
      const chunk = Buffer.from(bytes.buffer, bytes.byteOffset + at, Math.min(chunkSize, bytes.length - at));
      await new Promise<void>((resolve) => this.parser.write(chunk, () => resolve()));
    }
    // Object-mode pushes may be delivered on a later tick than the write callback.
    await new Promise<void>((resolve) => setImmediate(resolve));
    const frames = this.parsed.map(plainBytes);
    this.parsed = [];
    if (this.parseError !== undefined) throw this.parseError;
    return frames;
  }

  private write(frame: DecodedFrame): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const done = (err?: Error | null) => (err ? reject(err) : resolve());
      try {
        this.issue(frame, done);
      } catch (err) {
        reject(err);
      }
    });
  }

  /** Calls the framer operation that writes `frame`, or throws {@link PeerCannotWrite}. */
  private issue(frame: DecodedFrame, done: (err?: Error | null) => void): void {
    const v2 = wireVersion(this.version) === 2;
    const f = this.framer;
    const cannot = (why: string) => new PeerCannotWrite(`spdy-transport cannot write ${frame.type}: ${why}`);
    switch (frame.type) {
      case 'SYN_STREAM': {
        const h = headerObject(frame.headers, this.version);
        const names = v2 ? V2_NAMES : V3_NAMES;
        for (const n of [names.method, names.path, names.version, names.scheme, names.host]) {
          if (!(n in h)) throw cannot(`its framer adds a default ${n} when it is missing`);
        }
        if (frame.slot !== 0) throw cannot('no CREDENTIAL slot');
        const common = {
          method: str(h[names.method]),
          path: str(h[names.path]),
          version: str(h[names.version]),
          scheme: str(h[names.scheme]),
          host: str(h[names.host]),
          priority: { weight: peerWeightFor(frame.priority, this.version) },
          headers: h,
        };
        if (frame.associatedStreamId === 0) {
          if ((frame.flags & ~Flag.FIN) !== 0) throw cannot('only the FIN flag');
          f.requestFrame({ ...common, id: frame.streamId, fin: (frame.flags & Flag.FIN) !== 0 }, done);
          return;
        }
        // pushFrame: never FIN, never UNIDIRECTIONAL, and it always sets a status.
        if (frame.flags !== 0) throw cannot('no flags on a pushed SYN_STREAM');
        if (!(names.status in h)) throw cannot(`its framer adds ${names.status} 200 to a push when it is missing`);
        f.pushFrame({ ...common, id: frame.associatedStreamId, promisedId: frame.streamId, status: str(h[names.status]) }, done);
        return;
      }
      case 'SYN_REPLY': {
        if (frame.flags !== 0) throw cannot('no flags on SYN_REPLY');
        const h = headerObject(frame.headers, this.version);
        const names = v2 ? V2_NAMES : V3_NAMES;
        // Its framer rewrites the status as "<code> <reason>" and the version as HTTP/1.1.
        const status = /^(\S+) (.+)$/s.exec(str(h[names.status] ?? ''));
        if (!status) throw cannot(`${names.status} must be "<code> <reason>"`);
        if (h[names.version] !== 'HTTP/1.1') throw cannot(`${names.version} is always HTTP/1.1`);
        f.responseFrame({ id: frame.streamId, status: status[1]!, reason: status[2]!, headers: h }, done);
        return;
      }
      case 'HEADERS':
        if (frame.flags !== 0) throw cannot('no flags on HEADERS');
        f.headersFrame({ id: frame.streamId, headers: headerObject(frame.headers, this.version) }, done);
        return;
      case 'DATA':
        if ((frame.flags & ~Flag.FIN) !== 0) throw cannot('only the FIN flag');
        f.dataFrame({ id: frame.streamId, fin: (frame.flags & Flag.FIN) !== 0, priority: 0, data: asBuffer(frame.data) }, done);
        return;
      case 'RST_STREAM': {
        const code = spdy.constants.errorByCode[frame.status];
        if (frame.flags !== 0 || code === undefined) throw cannot('flags or an unknown status');
        f.rstFrame({ id: frame.streamId, code }, done);
        return;
      }
      case 'SETTINGS': {
        const settings: Record<string, number> = {};
        let lastId = 0;
        for (const e of frame.entries) {
          const name = spdy.constants.settingsIndex[e.id];
          // It writes known ids in ascending order, each with PERSIST_VALUE (a known fault), values masked to 31 bits.
          if (!name || e.id <= lastId) throw cannot('unknown or unordered ids');
          if (e.flags !== SettingsFlag.PERSIST_VALUE) throw cannot('entry flags other than PERSIST_VALUE');
          if (e.value > 0x7fffffff) throw cannot('values above 2^31-1');
          settings[name] = e.value;
          lastId = e.id;
        }
        if (frame.flags !== 0) throw cannot('no CLEAR_SETTINGS');
        f.settingsFrame(settings, done);
        return;
      }
      case 'PING': {
        if (frame.flags !== 0) throw cannot('no flags on PING');
        const opaque = Buffer.alloc(4);
        opaque.writeUInt32BE(frame.id);
        f.pingFrame({ opaque }, done);
        return;
      }
      case 'GOAWAY': {
        const code = spdy.constants.goawayByCode[frame.status];
        if (frame.flags !== 0 || code === undefined) throw cannot('flags or an unknown status');
        f.goawayFrame({ lastId: frame.lastGoodStreamId, code }, done);
        return;
      }
      case 'WINDOW_UPDATE':
        if (frame.flags !== 0) throw cannot('no flags on WINDOW_UPDATE');
        f.windowUpdateFrame({ id: frame.streamId, delta: frame.deltaWindowSize }, done);
        return;
      default:
        throw cannot('no framer operation');
    }
  }
}

/** Writes `frames` with a fresh spdy-transport framer: one compression context for the whole sequence. */
export function peerEncode(frames: Iterable<DecodedFrame>, version: ProtocolVersion, options?: PeerEndpointOptions): Promise<Uint8Array> {
  return new PeerEndpoint(version, options).encode(frames);
}

/** Reads `bytes` with a fresh spdy-transport parser: one compression context for the whole sequence. */
export function peerDecode(bytes: Uint8Array, version: ProtocolVersion, options?: PeerEndpointOptions & { chunkSize?: number }): Promise<PeerFrame[]> {
  return new PeerEndpoint(version, options).decode(bytes, options?.chunkSize);
}

/** The special header names: v3 prefixes them with a colon, v2 has plain words and `url`. */
const V3_NAMES = { method: ':method', path: ':path', version: ':version', scheme: ':scheme', host: ':host', status: ':status' };
const V2_NAMES = { method: 'method', path: 'url', version: 'version', scheme: 'scheme', host: 'host', status: 'status' };

/** Names its framer drops from every header block. */
const DROPPED = new Set(['connection', 'keep-alive', 'proxy-connection', 'transfer-encoding']);

/**
 * The header object that makes its framer write exactly `headers`, in order:
 * a repeated name's values become an array (it joins them with NULs, as the
 * spec says). It writes `Object.keys` order, so names that are array indexes
 * (which JavaScript lists first) cannot be kept in place.
 */
function headerObject(headers: HeaderList, version: ProtocolVersion): PeerHeaders {
  const out: Record<string, string[]> = {};
  for (const [name, value] of headers) {
    if (name !== name.toLowerCase() || /^(0|[1-9]\d*)$/.test(name) || DROPPED.has(name) || (name === 'host' && version !== 2)) {
      throw new PeerCannotWrite(`spdy-transport cannot write the header name ${JSON.stringify(name)} as given`);
    }
    (out[name] ??= []).push(value);
  }
  const h: PeerHeaders = {};
  for (const [name, values] of Object.entries(out)) h[name] = values.length === 1 ? values[0]! : values;
  return h;
}

/** Its framer copies payloads with Buffer methods: a view of the same bytes. */
function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
}

/** Its frames carry Node Buffers; tests compare plain Uint8Arrays (same bytes, no copy). */
function plainBytes(frame: PeerFrame): PeerFrame {
  const plain = (b: Uint8Array) => new Uint8Array(b.buffer, b.byteOffset, b.length);
  switch (frame.type) {
    case 'DATA':
      return { ...frame, data: plain(frame.data) };
    case 'PING':
      return { ...frame, opaque: plain(frame.opaque) };
    case 'RST':
      return frame.extra === undefined ? frame : { ...frame, extra: plain(frame.extra) };
    default:
      return frame;
  }
}

function str(value: string | string[] | undefined): string {
  if (typeof value !== 'string') throw new PeerCannotWrite('expected one string value');
  return value;
}

/**
 * The weight that makes its framer write `priority`. It maps weights 1–36
 * onto 3 bits and writes them at the top of the priority byte; v2 has only
 * 2 bits there, so a v2 priority p is its 3-bit value 2p.
 */
function peerWeightFor(priority: number, version: ProtocolVersion): number {
  const wanted = wireVersion(version) === 2 ? priority * 2 : priority;
  for (let weight = 1; weight <= 36; weight++) if (weightToPriority(weight) === wanted) return weight;
  throw new PeerCannotWrite(`spdy-transport cannot write priority ${priority}`);
}

/** The weight its parser reports for a SYN_STREAM of `priority`: the 3 bits at the top of the priority byte, v2's unused bit included. */
function peerWeightOf(priority: number, version: ProtocolVersion): number {
  return priorityToWeight(wireVersion(version) === 2 ? priority << 1 : priority);
}

/**
 * What spdy-transport's parser makes of one of our header lists: an object;
 * v2's special names get v3's colon (`url` becomes `:path`); `:host` becomes
 * `:authority`; `:version` is dropped; `:status` keeps its code only; values
 * are split at NULs and merged as node's http does (set-cookie as an array,
 * a few single-valued names keep the first value, cookie joined by "; ",
 * everything else by ", ").
 */
export function peerHeadersOf(headers: HeaderList, version: ProtocolVersion): PeerHeaders {
  const out: PeerHeaders = {};
  for (const [rawName, rawValue] of headers) {
    let name = rawName;
    if (wireVersion(version) === 2 && /^(method|version|url|host|scheme|status)$/.test(name)) {
      name = name === 'url' ? ':path' : `:${name}`;
    }
    let value = rawValue;
    if (name === ':status') value = value.split(' ')[0]!;
    if (name === ':host') name = ':authority';
    if (name === ':version') continue;
    for (const part of value.split('\0')) addHeaderLine(out, name, part);
  }
  return out;
}

const FIRST_WINS = new Set([
  'content-type',
  'content-length',
  'user-agent',
  'referer',
  'host',
  'authorization',
  'proxy-authorization',
  'if-modified-since',
  'if-unmodified-since',
  'from',
  'location',
  'max-forwards',
]);

function addHeaderLine(out: PeerHeaders, name: string, value: string): void {
  const prev = out[name];
  if (name.startsWith(':')) out[name] = value;
  else if (name === 'set-cookie') out[name] = Array.isArray(prev) ? [...prev, value] : [value];
  else if (FIRST_WINS.has(name)) out[name] = prev ?? value;
  else if (prev === undefined) out[name] = value;
  else out[name] = `${String(prev)}${name === 'cookie' ? '; ' : ', '}${value}`;
}

/**
 * What spdy-transport's parser should report for one of our frames (a
 * push is two: a PUSH_PROMISE plus the pushed stream's HEADERS). Its known
 * faults are modelled where they change the report, and marked. Frames it
 * rejects outright (see the interop tests) are not modelled.
 */
export function peerViewOf(frame: DecodedFrame, version: ProtocolVersion, isServer = false): PeerFrame[] {
  const defaultPriority = { weight: priorityToWeight(weightToPriority(spdy.constants.DEFAULT_WEIGHT)), exclusive: false, parent: 0 };
  switch (frame.type) {
    case 'SYN_STREAM': {
      const headers = peerHeadersOf(frame.headers, version);
      const priority = { weight: peerWeightOf(frame.priority, version), exclusive: false, parent: 0 };
      const fin = (frame.flags & Flag.FIN) !== 0;
      const path = str(headers[':path']);
      if (frame.associatedStreamId === 0) {
        return [{ type: 'HEADERS', id: frame.streamId, priority, fin, writable: (frame.flags & Flag.UNIDIRECTIONAL) === 0, headers, path }];
      }
      const { ':status': status, ...promised } = headers;
      // Known peer fault: a pushed stream is reported writable even with UNIDIRECTIONAL.
      return [
        { type: 'PUSH_PROMISE', id: frame.associatedStreamId, fin: false, promisedId: frame.streamId, headers: promised, path },
        { type: 'HEADERS', id: frame.streamId, fin, priority, writable: true, path: undefined, headers: { ':status': str(status) } },
      ];
    }
    case 'SYN_REPLY': {
      const headers = peerHeadersOf(frame.headers, version);
      return [{ type: 'HEADERS', id: frame.streamId, priority: defaultPriority, fin: (frame.flags & Flag.FIN) !== 0, writable: true, headers, path: headers[':path'] as string | undefined }];
    }
    case 'HEADERS':
      // Known peer fault: its parser ignores FIN on HEADERS (draft 3 §2.6.7 defines it).
      return [{ type: 'HEADERS', priority: { parent: 0, exclusive: false, weight: spdy.constants.DEFAULT_WEIGHT }, id: frame.streamId, fin: false, writable: true, path: undefined, headers: peerHeadersOf(frame.headers, version) }];
    case 'DATA':
      return [{ type: 'DATA', id: frame.streamId, fin: (frame.flags & Flag.FIN) !== 0, data: frame.data }];
    case 'RST_STREAM':
      return [{ type: 'RST', id: frame.streamId, code: spdy.constants.errorByCode[frame.status] }];
    case 'SETTINGS': {
      const settings: Record<string, number> = {};
      for (const e of frame.entries) settings[String(spdy.constants.settingsIndex[e.id])] = e.value;
      return [{ type: 'SETTINGS', settings }];
    }
    case 'NOOP':
      return [{ type: 'NOOP' }];
    case 'PING': {
      const opaque = Buffer.alloc(4);
      opaque.writeUInt32BE(frame.id);
      return [{ type: 'PING', opaque: new Uint8Array(opaque), ack: isServer ? frame.id % 2 === 0 : frame.id % 2 === 1 }];
    }
    case 'GOAWAY':
      return [{ type: 'GOAWAY', lastId: frame.lastGoodStreamId, code: spdy.constants.goawayByCode[frame.status] }];
    case 'WINDOW_UPDATE':
      return [{ type: 'WINDOW_UPDATE', id: frame.streamId, delta: frame.deltaWindowSize }];
    case 'CREDENTIAL':
      return [{ type: `unknown: ${FrameType.CREDENTIAL}` }];
    case 'UNKNOWN':
      return [{ type: `unknown: ${frame.frameType}` }];
  }
}

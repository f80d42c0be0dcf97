/**
 * Replay load clients for the server benchmarks, one for SPDY/3.1 and one
 * for HTTP/2 (h2c), built alike so that the servers they drive are compared
 * on equal terms. A load client that does as much work per request as the
 * server measures itself on a 2-core machine; these do almost none, in the
 * way h2load does:
 *
 * - every request is the same pre-encoded frame with only its stream id
 *   changed (SPDY: a level-0 header block, which is the same bytes block after
 *   block in one zlib stream; HTTP/2: HPACK without the dynamic table);
 * - responses are only framed, never decompressed: a request is done when a
 *   frame of its stream carries FIN (END_STREAM), and DATA payloads are
 *   counted and skipped;
 * - windows are opened wide once and topped up in large steps; SETTINGS are
 *   acknowledged (HTTP/2) and PINGs answered.
 *
 * Each connection keeps `inFlight` requests going: the ones completed by a
 * read are replaced by one write of that many frames.
 */

import { connect, type Socket } from 'node:net';
import { Flag, FrameType, SettingsId, encodeFrame } from '@spdy/frames';
import { HeaderDeflater } from '@spdy/zlib-headers';

export interface LoadResult {
  /** Completed requests per second. */
  rate: number;
  requests: number;
  /** DATA payload bytes received. */
  bytes: number;
}

export interface LoadOptions {
  port: number;
  connections: number;
  inFlight: number;
  ms: number;
  /** Path requested (default `/`). */
  path?: string;
}

/** One protocol's side of the replay: its preface, request frames, and how it reads frame headers. */
export interface Protocol {
  readonly headerSize: number;
  preface(): Buffer;
  /** Writes `count` request frames for stream ids from `firstId` (step 2) into a new buffer. */
  requests(firstId: number, count: number): Buffer;
  /** Reads the frame header at `b[p]`. */
  parse(b: Buffer, p: number): FrameHeader;
  /**
   * Answers a control frame (SETTINGS ack, PING), if it needs one; throws on
   * GOAWAY and stream resets. SPDY's SYN_REPLY and HEADERS carry their stream
   * id in the payload: it fills in `header.streamId` for them.
   */
  control(header: FrameHeader, payload: Buffer): Buffer | undefined;
  /** A connection window top-up of `delta` bytes. */
  windowUpdate(delta: number): Buffer;
}

interface FrameHeader {
  data: boolean;
  streamId: number;
  fin: boolean;
  length: number;
  type: number;
  flags: number;
}

const WIDE_WINDOW = 1 << 30;
/** Receive-window bytes consumed before the connection window is topped up. */
const TOP_UP = 1 << 28;

/** Stamps `template` `count` times with consecutive odd stream ids written at `idOffset`. */
function stamp(template: Buffer, idOffset: number, firstId: number, count: number): Buffer {
  const out = Buffer.allocUnsafe(template.length * count);
  for (let i = 0; i < count; i++) {
    const at = i * template.length;
    template.copy(out, at);
    out.writeUInt32BE(firstId + 2 * i, at + idOffset);
  }
  return out;
}

/** SPDY/3.1: SYN_STREAM with FIN and a level-0 header block. */
export function spdyProtocol(path: string): Protocol {
  const deflater = new HeaderDeflater(3, { level: 0 });
  const headers: Array<[string, string]> = [
    [':method', 'GET'],
    [':path', path],
    [':version', 'HTTP/1.1'],
    [':scheme', 'http'],
    [':host', 'bench'],
  ];
  // The first block carries the zlib header; every later one is the same stored block.
  const first = deflater.deflate(headers);
  const steady = deflater.deflate(headers);
  const check = deflater.deflate(headers);
  if (Buffer.compare(steady, check) !== 0) throw new Error('level-0 header blocks are not stable');
  const syn = (headerBlock: Uint8Array): Buffer =>
    Buffer.from(encodeFrame({ type: 'SYN_STREAM', flags: Flag.FIN, streamId: 1, associatedStreamId: 0, priority: 0, slot: 0, headerBlock }, 3));
  const firstFrame = syn(first);
  const template = syn(steady);
  return {
    headerSize: 8,
    preface: () =>
      Buffer.concat([
        Buffer.from(encodeFrame({ type: 'SETTINGS', flags: 0, entries: [{ id: SettingsId.INITIAL_WINDOW_SIZE, flags: 0, value: WIDE_WINDOW }] }, 3)),
        Buffer.from(encodeFrame({ type: 'WINDOW_UPDATE', flags: 0, streamId: 0, deltaWindowSize: WIDE_WINDOW }, 3)),
      ]),
    requests: (firstId, count) => {
      if (firstId !== 1) return stamp(template, 8, firstId, count);
      // Stream 1 opens the header stream (zlib header and all).
      const rest = count > 1 ? stamp(template, 8, 3, count - 1) : Buffer.alloc(0);
      return Buffer.concat([firstFrame, rest]);
    },
    parse: (b, p) => {
      const data = (b[p]! & 0x80) === 0;
      const flags = b[p + 4]!;
      const type = data ? -1 : b.readUInt16BE(p + 2);
      const length = b.readUIntBE(p + 5, 3);
      return { data, streamId: data ? b.readUInt32BE(p) : 0, flags, length, type, fin: (flags & Flag.FIN) !== 0 };
    },
    control: (header, payload) => {
      switch (header.type) {
        case FrameType.SYN_REPLY:
        case FrameType.HEADERS:
          header.streamId = payload.readUInt32BE(0) & 0x7fffffff;
          return undefined;
        case FrameType.PING:
          return Buffer.from(encodeFrame({ type: 'PING', flags: 0, id: payload.readUInt32BE(0) }, 3));
        case FrameType.RST_STREAM:
          throw new Error(`stream ${payload.readUInt32BE(0) & 0x7fffffff} reset with status ${payload.readUInt32BE(4)}`);
        case FrameType.GOAWAY:
          throw new Error('the server sent GOAWAY');
        default:
          return undefined;
      }
    },
    windowUpdate: (delta) => Buffer.from(encodeFrame({ type: 'WINDOW_UPDATE', flags: 0, streamId: 0, deltaWindowSize: delta }, 3)),
  };
}

/** HTTP/2 frame header: 24-bit length, type, flags, stream id. */
function h2Frame(type: number, flags: number, streamId: number, payload: Buffer): Buffer {
  const out = Buffer.alloc(9 + payload.length);
  out.writeUIntBE(payload.length, 0, 3);
  out[3] = type;
  out[4] = flags;
  out.writeUInt32BE(streamId, 5);
  payload.copy(out, 9);
  return out;
}

const H2 = { DATA: 0, HEADERS: 1, RST_STREAM: 3, SETTINGS: 4, PING: 6, GOAWAY: 7, WINDOW_UPDATE: 8 } as const;
const END_STREAM = 0x1;
const END_HEADERS = 0x4;
const ACK = 0x1;

/** HTTP/2 over cleartext (prior knowledge): HEADERS with END_STREAM, HPACK static-table references and literals only. */
export function h2Protocol(path: string): Protocol {
  if (path !== '/') throw new Error('the HTTP/2 replay client requests / only (a static-table :path)');
  const authority = Buffer.from('bench');
  // :method GET (static 2), :scheme http (6), :path / (4), :authority as a literal without indexing (name index 1).
  const block = Buffer.concat([Buffer.from([0x82, 0x86, 0x84, 0x01, authority.length]), authority]);
  const template = h2Frame(H2.HEADERS, END_STREAM | END_HEADERS, 1, block);
  const windowUpdate = (delta: number): Buffer => {
    const payload = Buffer.alloc(4);
    payload.writeUInt32BE(delta);
    return h2Frame(H2.WINDOW_UPDATE, 0, 0, payload);
  };
  return {
    headerSize: 9,
    preface: () => {
      // SETTINGS_ENABLE_PUSH (2) = 0, SETTINGS_INITIAL_WINDOW_SIZE (4) = WIDE_WINDOW.
      const settings = Buffer.alloc(12);
      settings.writeUInt16BE(2, 0);
      settings.writeUInt32BE(0, 2);
      settings.writeUInt16BE(4, 6);
      settings.writeUInt32BE(WIDE_WINDOW, 8);
      return Buffer.concat([Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'), h2Frame(H2.SETTINGS, 0, 0, settings), windowUpdate(WIDE_WINDOW)]);
    },
    requests: (firstId, count) => stamp(template, 5, firstId, count),
    parse: (b, p) => {
      const type = b[p + 3]!;
      const flags = b[p + 4]!;
      return { data: type === H2.DATA, streamId: b.readUInt32BE(p + 5) & 0x7fffffff, flags, length: b.readUIntBE(p, 3), type, fin: (flags & END_STREAM) !== 0 };
    },
    control: (header, payload) => {
      switch (header.type) {
        case H2.SETTINGS:
          return (header.flags & ACK) === 0 ? h2Frame(H2.SETTINGS, ACK, 0, Buffer.alloc(0)) : undefined;
        case H2.PING:
          return (header.flags & ACK) === 0 ? h2Frame(H2.PING, ACK, 0, payload) : undefined;
        case H2.RST_STREAM:
          throw new Error(`stream ${header.streamId} reset with code ${payload.readUInt32BE(0)}`);
        case H2.GOAWAY:
          throw new Error('the server sent GOAWAY');
        default:
          return undefined;
      }
    },
    windowUpdate,
  };
}

/** One connection of the replay client. */
class Connection {
  done = 0;
  bytes = 0;
  private nextId = 1;
  private pending: Buffer | undefined;
  /** DATA payload bytes of the current frame still to skip. */
  private skip = 0;
  private unacknowledged = 0;
  private running = true;

  constructor(
    private readonly socket: Socket,
    private readonly protocol: Protocol,
    private readonly fail: (error: Error) => void,
  ) {
    socket.on('data', (chunk: Buffer) => {
      try {
        this.read(chunk);
      } catch (error) {
        this.fail(error as Error);
      }
    });
  }

  start(inFlight: number): void {
    this.socket.write(Buffer.concat([this.protocol.preface(), this.take(inFlight)]));
  }

  stop(): void {
    this.running = false;
    this.socket.destroy();
  }

  private take(count: number): Buffer {
    const frames = this.protocol.requests(this.nextId, count);
    this.nextId += 2 * count;
    return frames;
  }

  private read(chunk: Buffer): void {
    if (!this.running) return;
    let b = chunk;
    if (this.skip > 0) {
      const n = Math.min(this.skip, b.length);
      this.skip -= n;
      b = b.subarray(n);
    }
    if (this.pending !== undefined) {
      b = Buffer.concat([this.pending, b]);
      this.pending = undefined;
    }
    const { protocol } = this;
    const size = protocol.headerSize;
    const replies: Buffer[] = [];
    let completed = 0;
    let p = 0;
    while (b.length - p >= size) {
      const header = protocol.parse(b, p);
      if (header.data) {
        this.bytes += header.length;
        this.unacknowledged += header.length;
        if (header.fin) completed++;
        const available = b.length - p - size;
        if (available < header.length) {
          this.skip = header.length - available;
          p = b.length;
          break;
        }
        p += size + header.length;
        continue;
      }
      if (b.length - p - size < header.length) break;
      const reply = protocol.control(header, b.subarray(p + size, p + size + header.length));
      if (reply !== undefined) replies.push(reply);
      if (header.fin && header.streamId !== 0) completed++;
      p += size + header.length;
    }
    // Keep only the unread tail (a control frame or header cut by the read), copied so the read can go.
    if (p < b.length) this.pending = Buffer.from(b.subarray(p));
    this.done += completed;
    if (this.unacknowledged >= TOP_UP) {
      replies.push(protocol.windowUpdate(this.unacknowledged));
      this.unacknowledged = 0;
    }
    if (completed > 0) replies.push(this.take(completed));
    if (replies.length > 0) this.socket.write(replies.length === 1 ? replies[0]! : Buffer.concat(replies));
  }
}

/**
 * Runs `connections` connections of `protocol` against 127.0.0.1:`port` for
 * `ms`, each with `inFlight` requests outstanding. Rejects if the server
 * resets a stream, sends GOAWAY or closes, so that a failing server cannot
 * post a figure.
 */
export async function replayLoad(protocol: Protocol, options: LoadOptions): Promise<LoadResult> {
  const sockets = await Promise.all(
    Array.from(
      { length: options.connections },
      () =>
        new Promise<Socket>((resolve, reject) => {
          const socket = connect({ host: '127.0.0.1', port: options.port, noDelay: true });
          socket.once('connect', () => resolve(socket)).once('error', reject);
        }),
    ),
  );
  let failure: Error | undefined;
  const fail = (error: Error): void => {
    failure ??= error;
  };
  const connections = sockets.map((socket) => new Connection(socket, protocol, fail));
  for (const socket of sockets) {
    socket.on('error', fail);
    socket.on('close', () => fail(new Error('the server closed the connection')));
  }
  const begin = performance.now();
  for (const c of connections) c.start(options.inFlight);
  await new Promise((resolve) => setTimeout(resolve, options.ms));
  const seconds = (performance.now() - begin) / 1000;
  const requests = connections.reduce((n, c) => n + c.done, 0);
  const bytes = connections.reduce((n, c) => n + c.bytes, 0);
  for (const c of connections) c.stop();
  if (failure !== undefined) throw failure;
  return { rate: requests / seconds, requests, bytes };
}

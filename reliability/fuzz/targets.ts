/**
 * Fuzz targets. Each takes one input (see input.ts), drives a public API with
 * it and checks the invariants of docs/fuzzing.md, throwing an
 * InvariantViolation when one breaks. Nothing else may escape.
 */
import {
  FRAME_HEADER_SIZE,
  type DecodedItem,
  type Frame,
  FrameDecoder,
  type FrameDecoderOptions,
  SpdyProtocolError,
  decodeFrames,
} from '@spdy/frames';
import { type HeaderList, HeaderFrameDecoder, HeaderInflater, decodeNameValueBlock, encodeNameValueBlock } from '@spdy/zlib-headers';
import { Session, SessionStateError, StreamTable, type SessionOptions } from '@spdy/session';
import { chunks, splitInput } from './input.js';
import { InvariantViolation, canonical, check, noThrow } from './invariant.js';
import { Rng } from './rng.js';

export interface Target {
  readonly name: string;
  /** Which wire version an input's config byte selects (mutators re-encode frames with it). */
  wireVersion(config: number): 2 | 3;
  /** Whether the payload is a frame stream (else: length-prefixed header blocks). */
  readonly payloadKind: 'frames' | 'blocks';
  run(input: Uint8Array): void;
}

// ---------------------------------------------------------------------------
// Frame decoder

function frameOptions(config: number): FrameDecoderOptions {
  const version = config & 1 ? 3 : 2;
  // Small limits make the size checks reachable with small inputs.
  return config & 4
    ? { version, maxControlFrameSize: 8192, maxDataFrameSize: 1024, partialData: (config & 2) !== 0 }
    : { version, maxDataFrameSize: 65536, partialData: (config & 2) !== 0 };
}

/** Pieces of one DATA frame (partialData) and whole frames compare equal once adjacent DATA of a stream is merged. */
function mergeData(items: readonly unknown[]): unknown[] {
  const out: unknown[] = [];
  for (const item of items) {
    const last = out[out.length - 1] as Frame | undefined;
    const frame = item as Frame;
    if (last?.type === 'DATA' && frame.type === 'DATA' && last.streamId === frame.streamId) {
      const data = new Uint8Array(last.data.length + frame.data.length);
      data.set(last.data);
      data.set(frame.data, last.data.length);
      out[out.length - 1] = { ...last, flags: last.flags | frame.flags, data };
    } else out.push(item);
  }
  return out;
}

/** Drains a frame decoder over the given chunks, checking what holds after every push. */
function drainFrames(options: FrameDecoderOptions, parts: readonly Uint8Array[]): DecodedItem[] {
  const decoder = new FrameDecoder(options);
  const items: DecodedItem[] = [];
  const maxPayload = Math.max(options.maxControlFrameSize ?? 65536, options.maxDataFrameSize ?? 2 ** 24 - 1);
  let pushed = 0;
  for (const part of parts) {
    noThrow('FrameDecoder.push', () => decoder.push(part));
    pushed += part.length;
    for (let item = noThrow('FrameDecoder.next', () => decoder.next()); item !== undefined; item = noThrow('FrameDecoder.next', () => decoder.next())) {
      check(item instanceof SpdyProtocolError || typeof (item as Frame).type === 'string', 'decoded-item', () => `not a frame or error: ${String(item)}`);
      items.push(item);
      check(items.length <= pushed, 'bounded-output', () => `${items.length} items from ${pushed} bytes`);
    }
    if (decoder.failed !== undefined) {
      check(decoder.next() === undefined, 'failed-is-final', () => 'next() gave an item after a session error');
      continue;
    }
    // Once drained, the decoder holds less than one whole frame.
    check(decoder.buffered < FRAME_HEADER_SIZE + maxPayload, 'bounded-buffer', () => `buffered ${decoder.buffered} bytes`);
    check(decoder.offset + decoder.buffered === pushed, 'offset-accounting', () => `offset ${decoder.offset} + buffered ${decoder.buffered} != ${pushed}`);
  }
  const end = noThrow('FrameDecoder.finish', () => decoder.finish());
  if (end !== undefined) items.push(end);
  const sessionErrors = items.filter((i) => i instanceof SpdyProtocolError && i.scope === 'session');
  check(sessionErrors.length <= 1, 'failed-is-final', () => `${sessionErrors.length} session errors`);
  return items;
}

const frameTarget: Target = {
  name: 'frames',
  payloadKind: 'frames',
  wireVersion: (config) => (config & 1 ? 3 : 2),
  run(input) {
    const { config, schedule, payload } = splitInput(input);
    const options = frameOptions(config);
    const chunked = drainFrames(options, chunks(payload, schedule));
    // The same bytes in one push give the same frames and errors: chunking never changes the result
    // (with partialData, once the pieces of each DATA frame are joined).
    const whole = drainFrames(options, [payload]);
    const a = mergeData(chunked).map(canonical);
    const b = mergeData(whole).map(canonical);
    check(a.join('\n') === b.join('\n'), 'chunking-independent', () => `chunked and whole decodes differ at item ${a.findIndex((x, i) => x !== b[i])}`);
    // decodeFrames stops at the first error of either scope; until then it agrees with the decoder.
    const once = noThrow('decodeFrames', () => decodeFrames(payload, { ...options, partialData: false }));
    const plain = options.partialData ? drainFrames({ ...options, partialData: false }, [payload]) : whole;
    const firstError = plain.findIndex((i) => i instanceof SpdyProtocolError);
    const expected = (firstError < 0 ? plain : plain.slice(0, firstError)).filter((i) => !(i instanceof SpdyProtocolError));
    check(
      once.frames.map(canonical).join('\n') === expected.map(canonical).join('\n'),
      'decodeFrames-agrees',
      () => `decodeFrames gave ${once.frames.length} frames, the decoder ${expected.length}`,
    );
  },
};

// ---------------------------------------------------------------------------
// Header blocks: inflater and name/value block decoder

const HEADER_LIMITS = [65536, 1024, 256, 4096] as const;

/** The payload is a sequence of blocks, each preceded by a 16-bit length. */
export function splitBlocks(payload: Uint8Array): Uint8Array[] {
  const blocks: Uint8Array[] = [];
  for (let at = 0; at + 2 <= payload.length; ) {
    const length = (payload[at]! << 8) | payload[at + 1]!;
    blocks.push(payload.subarray(at + 2, Math.min(payload.length, at + 2 + length)));
    at += 2 + length;
  }
  return blocks;
}

export function joinBlocks(blocks: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(blocks.reduce((n, b) => n + 2 + Math.min(b.length, 0xffff), 0));
  let at = 0;
  for (const block of blocks) {
    const b = block.subarray(0, 0xffff);
    out[at] = b.length >> 8;
    out[at + 1] = b.length & 0xff;
    out.set(b, at + 2);
    at += 2 + b.length;
  }
  return out;
}

/** Calls a decoder documented to throw only SpdyProtocolError on bad input. */
function decodeOrError(what: string, call: () => HeaderList): HeaderList | SpdyProtocolError {
  try {
    return call();
  } catch (error) {
    if (error instanceof SpdyProtocolError) return error;
    throw new InvariantViolation('no-throw', `${what} threw ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
  }
}

const headerTarget: Target = {
  name: 'headers',
  payloadKind: 'blocks',
  wireVersion: (config) => (config & 1 ? 3 : 2),
  run(input) {
    const { config, payload } = splitInput(input);
    const version = config & 1 ? 3 : 2;
    const maxHeaderListSize = HEADER_LIMITS[(config >> 1) & 3]!;
    const inflater = new HeaderInflater(version, { maxHeaderListSize });
    let fatal: SpdyProtocolError | undefined;
    for (const block of splitBlocks(payload)) {
      const inflated = decodeOrError('HeaderInflater.inflate', () => inflater.inflate(block, 1, 'SYN_STREAM', 0));
      if (fatal !== undefined) {
        check(inflated instanceof SpdyProtocolError && inflated.code === fatal.code, 'failed-is-final', () => 'the inflater worked again after a session error');
      } else if (inflated instanceof SpdyProtocolError) {
        if (inflated.scope === 'session') fatal = inflated;
      } else {
        // The decoded list re-encodes to exactly the uncompressed block, which the limit bounds.
        const size = noThrow('encodeNameValueBlock', () => encodeNameValueBlock(inflated, version)).length;
        check(size <= maxHeaderListSize, 'bounded-headers', () => `inflated ${size} bytes past the ${maxHeaderListSize} limit`);
      }
      // The same bytes as an uncompressed block.
      const plain = decodeOrError('decodeNameValueBlock', () => decodeNameValueBlock(block, version));
      if (plain instanceof SpdyProtocolError) {
        check(plain.scope === 'stream', 'error-scope', () => `an uncompressed block error of scope ${plain.scope}`);
        continue;
      }
      const again = noThrow('encodeNameValueBlock', () => encodeNameValueBlock(plain, version));
      check(canonical(decodeNameValueBlock(again, version)) === canonical(plain), 'nv-roundtrip', () => 'decode(encode(headers)) differs');
      check(again.length === block.length, 'nv-roundtrip', () => `re-encoded to ${again.length} bytes, was ${block.length}`);
    }
  },
};

function drainHeaderFrames(version: 2 | 3, maxHeaderListSize: number, parts: readonly Uint8Array[]): unknown[] {
  const decoder = new HeaderFrameDecoder({ version, maxHeaderListSize, maxControlFrameSize: 8192, maxDataFrameSize: 4096 });
  const items: unknown[] = [];
  for (const part of parts) {
    noThrow('HeaderFrameDecoder.push', () => decoder.push(part));
    for (let item = noThrow('HeaderFrameDecoder.next', () => decoder.next()); item !== undefined; item = noThrow('HeaderFrameDecoder.next', () => decoder.next())) {
      items.push(item);
      if ('headers' in item) {
        const size = encodeNameValueBlock(item.headers, version).length;
        check(size <= maxHeaderListSize, 'bounded-headers', () => `${item.type} headers of ${size} bytes past ${maxHeaderListSize}`);
      }
    }
    if (decoder.failed !== undefined) check(decoder.next() === undefined, 'failed-is-final', () => 'next() gave an item after a session error');
  }
  const end = noThrow('HeaderFrameDecoder.finish', () => decoder.finish());
  if (end !== undefined) items.push(end);
  return items;
}

const headerFrameTarget: Target = {
  name: 'header-frames',
  payloadKind: 'frames',
  wireVersion: (config) => (config & 1 ? 3 : 2),
  run(input) {
    const { config, schedule, payload } = splitInput(input);
    const version = config & 1 ? 3 : 2;
    const limit = HEADER_LIMITS[(config >> 1) & 3]!;
    const chunked = drainHeaderFrames(version, limit, chunks(payload, schedule)).map(canonical);
    const whole = drainHeaderFrames(version, limit, [payload]).map(canonical);
    check(chunked.join('\n') === whole.join('\n'), 'chunking-independent', () => `chunked and whole decodes differ at item ${chunked.findIndex((x, i) => x !== whole[i])}`);
  },
};

// ---------------------------------------------------------------------------
// Sessions

const VERSIONS = [2, 3, 3.1, 3.1] as const;

/** Streams the harness itself opens, on top of the peer's MAX_CONCURRENT_STREAMS worth. */
const STREAM_SLACK = 2;
/** Outbound frames allowed per inbound frame (an answer, plus WINDOW_UPDATEs for stream and session), plus a constant. */
const REPLIES_PER_FRAME = 3;
const QUEUE_SLACK = 32;
const MAX_PULLS = 10_000;

export function sessionOptions(side: 'client' | 'server', config: number): SessionOptions {
  return {
    side,
    version: VERSIONS[config & 3]!,
    now: 0,
    ...(config & 4 && { maxConcurrentStreams: 4, maxHeaderListSize: 1024, initialWindowSize: 2048, maxControlFrameSize: 8192 }),
    ...(config & 16 && { keepAliveInterval: 1000, pingTimeout: 3000, idleTimeout: 10_000 }),
    ...(config & 32 && { flowControl: 'manual' as const }),
    // bit 6 (0x40): the application calls submitGoaway() (see runSession)
  };
}

function streamTable(session: Session): StreamTable<unknown> {
  // The stream table is private; the bound on it is the point of this check.
  const streams: unknown = Reflect.get(session, 'streams');
  if (!(streams instanceof StreamTable)) throw new Error('Session no longer keeps its streams in `streams`: update the fuzz harness');
  return streams;
}

/**
 * The application side of a fuzzed session: a client that sent two requests
 * (one with a body), a server that answers every request and pushes once.
 * Returns how many streams it opened itself.
 */
export function attachApp(session: Session, side: 'client' | 'server', wire: 2 | 3): () => number {
  let own = 0;
  if (side === 'server') {
    session.on('requestReceived', ({ streamId }) => {
      if (wire === 3 && own === 0) {
        own++;
        try {
          session.submitPush(streamId, {
            requestHeaders: { ':scheme': 'https', ':host': 'example.com', ':path': '/app.js' },
            responseHeaders: { ':status': '200', ':version': 'HTTP/1.1' },
            body: 'pushed',
          });
        } catch (error) {
          // A push is a new stream of ours, refused once either side sent GOAWAY (the peer
          // may still open streams after its own): skipped, as @spdy/server skips it.
          if (!(error instanceof SessionStateError) || (error.code !== 'ERR_GOAWAY_RECEIVED' && error.code !== 'ERR_GOAWAY_SENT')) throw error;
        }
      }
      session.submitResponse(streamId, { ':status': '200', ':version': 'HTTP/1.1', 'content-type': 'text/plain' }, 'hello\n');
    });
  } else {
    const request = { ':method': 'GET', ':path': '/', ':version': 'HTTP/1.1', ':scheme': 'https', ':host': 'example.com' };
    session.submitRequest({ headers: request });
    session.submitRequest({ headers: { ...request, ':method': 'POST', ':path': '/upload', 'content-length': '11' }, body: 'name=value\n', priority: session.lowestPriority });
    own = 2;
  }
  return () => own;
}

function runSession(side: 'client' | 'server', input: Uint8Array): void {
  const { config, schedule, payload } = splitInput(input);
  const options = sessionOptions(side, config);
  const app = (config & 8) !== 0;
  const timers = (config & 16) !== 0;
  const session = new Session(options);
  const wire = options.version === 2 ? 2 : 3;
  const maxConcurrent = options.maxConcurrentStreams ?? 100;

  let ownStreams: () => number = () => 0;
  let sessionErrors = 0;
  let closedEvents = 0;
  let closedReason = '';
  session.on('sessionError', () => sessionErrors++);
  session.on('sessionClosed', (e) => {
    closedEvents++;
    closedReason = e.reason;
  });
  if (config & 32) session.on('dataChunkReceived', (e) => session.consume(e.streamId, e.data.length));
  if (app) ownStreams = attachApp(session, side, wire);

  // Our output, decoded as the peer would: it must always be well formed.
  const output = new HeaderFrameDecoder({ version: wire, maxHeaderListSize: 1 << 20 });
  let goawayPulled = false;
  const pingsPulled = new Set<number>();
  let bytesSinceDrain = 0;
  const drain = (rng: Rng | undefined, now: number): void => {
    for (let pulls = 0; ; pulls++) {
      check(pulls < MAX_PULLS, 'not-wedged', () => 'pull() never ran dry');
      const maxBytes = rng?.chance(4) ? 1 + rng.below(64) : undefined;
      const bytes = noThrow('Session.pull', () => session.pull(maxBytes, now));
      if (bytes === undefined) break;
      output.push(bytes);
      for (let item = output.next(); item !== undefined; item = output.next()) {
        if (item instanceof SpdyProtocolError) throw new InvariantViolation('well-formed-output', `we wrote a bad frame: ${item.message}`);
        if (item.type === 'GOAWAY') goawayPulled = true;
        if (item.type === 'PING') pingsPulled.add(item.id);
      }
    }
    bytesSinceDrain = 0;
  };

  const rng = new Rng(0x5eed0000 + schedule);
  let now = 0;
  drain(rng, now);
  const parts = chunks(payload, schedule);
  // The application starts a graceful shutdown before one of the chunks.
  const goawayAt = config & 64 ? rng.below(parts.length + 1) : -1;
  for (const [index, part] of parts.entries()) {
    if (index === goawayAt && !session.isClosed) {
      session.submitGoaway();
    }
    if (rng.chance(3)) now += rng.below(2500);
    noThrow('Session.receive', () => session.receive(part, now));
    bytesSinceDrain += part.length;
    const streams = streamTable(session).size;
    check(streams <= maxConcurrent + ownStreams() + STREAM_SLACK, 'bounded-streams', () => `${streams} streams, limit ${maxConcurrent}`);
    const queued = session.outboundQueueSize;
    const allowed = Math.ceil(bytesSinceDrain / FRAME_HEADER_SIZE) * REPLIES_PER_FRAME + ownStreams() * 2 + QUEUE_SLACK;
    check(queued <= allowed, 'bounded-queue', () => `${queued} frames queued after ${bytesSinceDrain} bytes in`);
    if (rng.chance(3)) drain(rng, now);
    if (timers && rng.chance(4)) noThrow('Session.handleTimeout', () => session.handleTimeout(now));
  }
  if (timers) {
    now += 5000;
    noThrow('Session.handleTimeout', () => session.handleTimeout(now));
  }
  drain(undefined, now);
  check(output.finish() === undefined, 'well-formed-output', () => 'our output ends inside a frame');

  // Healthy or closed with a GOAWAY, never in between.
  check(closedEvents === (session.isClosed ? 1 : 0), 'closed-once', () => `${closedEvents} sessionClosed events, isClosed ${session.isClosed}`);
  if (sessionErrors > 0) check(session.isClosed, 'error-closes', () => 'a session error left the session open');
  if (session.isClosed) {
    check(goawayPulled || closedReason === 'goaway-received', 'goaway-on-close', () => `closed (${closedReason}) without writing GOAWAY`);
    check(!session.wantWrite(), 'not-wedged', () => 'closed but still wants to write');
  } else {
    check(session.wantRead(), 'healthy', () => 'open but does not want to read');
    const id = noThrow('Session.submitPing', () => session.submitPing(now));
    drain(undefined, now);
    check(pingsPulled.has(id), 'healthy', () => 'an open session did not write a PING it was asked to send');
  }
}

export const TARGETS: readonly Target[] = [
  frameTarget,
  headerTarget,
  headerFrameTarget,
  {
    name: 'session-client',
    payloadKind: 'frames',
    wireVersion: (config) => ((config & 3) === 0 ? 2 : 3),
    run: (input) => runSession('client', input),
  },
  {
    name: 'session-server',
    payloadKind: 'frames',
    wireVersion: (config) => ((config & 3) === 0 ? 2 : 3),
    run: (input) => runSession('server', input),
  },
];

export function targetNamed(name: string): Target {
  const target = TARGETS.find((t) => t.name === name);
  if (target === undefined) throw new Error(`unknown target ${name}; known: ${TARGETS.map((t) => t.name).join(', ')}`);
  return target;
}

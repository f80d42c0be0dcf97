/**
 * Two Sessions (client and server) wired together in memory through
 * pull()/receive(), with optional random chunking of the bytes in flight.
 */

import { createHash } from 'node:crypto';
import type { ProtocolVersion } from '@spdy/frames';
import { Session } from '../../src/index.js';
import { concat } from './peer.js';
import type { SessionEvent, SessionOptions } from '../../src/types.js';

export interface PairOptions {
  version: ProtocolVersion;
  client?: Partial<SessionOptions>;
  server?: Partial<SessionOptions>;
  /** Returns the size of the next chunk to deliver (>= 1); whole pulls when absent. */
  chunk?: (available: number) => number;
  /** Largest pull() per turn (bounds how much one side writes before the other reads). */
  maxPull?: number;
}

export class Pair {
  readonly client: Session;
  readonly server: Session;
  readonly clientEvents: SessionEvent[] = [];
  readonly serverEvents: SessionEvent[] = [];
  /** Bytes the client wrote and the server has not received yet, and the other way. */
  private toServer: Uint8Array[] = [];
  private toClient: Uint8Array[] = [];
  private readonly chunk: ((available: number) => number) | undefined;
  private readonly maxPull: number | undefined;
  /** Application work queued by event handlers, run between receive() calls (not inside them). */
  private readonly tasks: (() => void)[] = [];
  now = 0;

  constructor(options: PairOptions) {
    this.chunk = options.chunk;
    this.maxPull = options.maxPull;
    this.client = new Session({
      ...options.client,
      side: 'client',
      version: options.version,
      onEvent: (e) => {
        this.clientEvents.push(e);
        options.client?.onEvent?.(e);
      },
    });
    this.server = new Session({
      ...options.server,
      side: 'server',
      version: options.version,
      onEvent: (e) => {
        this.serverEvents.push(e);
        options.server?.onEvent?.(e);
      },
    });
  }

  /**
   * Moves bytes both ways until neither side has anything to write, or
   * `maxTurns` turns passed. Returns the number of turns used. Each turn
   * pulls at most `maxPull` bytes per side and delivers them in chunks.
   */
  pump(maxTurns = 1_000_000): number {
    for (let turn = 0; turn < maxTurns; turn++) {
      const a = this.move(this.client, this.server, this.toServer);
      const b = this.move(this.server, this.client, this.toClient);
      if (!a && !b) return turn;
    }
    return maxTurns;
  }

  /** Runs `pump` turns until `done()` holds; throws if it never does within `maxTurns`. */
  pumpUntil(done: () => boolean, maxTurns = 1_000_000): void {
    for (let turn = 0; turn < maxTurns; turn++) {
      if (done()) return;
      const a = this.move(this.client, this.server, this.toServer);
      const b = this.move(this.server, this.client, this.toClient);
      if (!a && !b && !done()) throw new Error(`pair went quiet after ${turn} turns before the condition held`);
    }
    if (!done()) throw new Error(`condition not reached in ${maxTurns} turns`);
  }

  /** Moves both sessions' clock and lets them handle their deadlines (keep-alive, PING and idle timeouts). */
  advance(ms: number): void {
    this.now += ms;
    this.client.handleTimeout(this.now);
    this.server.handleTimeout(this.now);
  }

  /** Runs `task` after the current receive() returns, as an application reacting to an event would. */
  defer(task: () => void): void {
    this.tasks.push(task);
  }

  private runTasks(): boolean {
    let ran = false;
    for (let i = 0; i < this.tasks.length; i++) {
      this.tasks[i]!();
      ran = true;
    }
    this.tasks.length = 0;
    return ran;
  }

  private move(from: Session, to: Session, queue: Uint8Array[]): boolean {
    const ran = this.runTasks();
    const out = from.pull(this.maxPull, this.now);
    if (out !== undefined) queue.push(out.slice());
    if (queue.length === 0) return out !== undefined || ran;
    const bytes = concat(queue);
    queue.length = 0;
    if (this.chunk === undefined) {
      to.receive(bytes, this.now);
    } else {
      for (let o = 0; o < bytes.length; ) {
        const n = Math.max(1, Math.min(bytes.length - o, this.chunk(bytes.length - o)));
        to.receive(bytes.subarray(o, o + n), this.now);
        o += n;
      }
    }
    this.runTasks();
    return true;
  }
}


/** Collects the bodies and outcomes of every stream from a session's events. */
export class StreamLog {
  readonly bodies = new Map<number, Uint8Array[]>();
  readonly ended = new Set<number>();
  readonly closed = new Map<number, number>();
  readonly resets = new Map<number, number>();

  constructor(events: readonly SessionEvent[] | null = null) {
    if (events) for (const e of events) this.add(e);
  }

  add(e: SessionEvent): void {
    switch (e.type) {
      case 'dataChunkReceived': {
        let list = this.bodies.get(e.streamId);
        if (!list) this.bodies.set(e.streamId, (list = []));
        list.push(e.data.slice());
        break;
      }
      case 'streamEnded':
        this.ended.add(e.streamId);
        break;
      case 'streamClosed':
        this.closed.set(e.streamId, e.status);
        break;
      case 'streamReset':
        this.resets.set(e.streamId, e.status);
        break;
      default:
        break;
    }
  }

  body(streamId: number): Uint8Array {
    const parts = this.bodies.get(streamId) ?? [];
    return concat(parts);
  }

  hash(streamId: number): string {
    return sha256(this.body(streamId));
  }
}

export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Deterministic pseudo-random bytes (xorshift32), so bodies are reproducible. */
export function pseudoRandomBytes(size: number, seed: number): Uint8Array {
  const out = new Uint8Array(size);
  let x = seed | 0 || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/** A seeded PRNG in [0, 1) for chunk sizes (mulberry32). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

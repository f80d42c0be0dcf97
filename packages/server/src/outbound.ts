/**
 * The outbound body of one stream: bytes written by the application, waiting
 * for the session to take them as DATA frames within the peer's windows.
 *
 * The session pulls through a deferred DataProvider: when nothing is buffered
 * the provider says 'deferred' and the next write calls `resumeData`. Write
 * callbacks are held while more than `highWaterMark` bytes wait, so a
 * Writable in front of this queue reports backpressure exactly when the peer
 * (or the socket) stops taking bytes.
 */

import { allocateBytes } from '@spdy/frames';
import type { DataProvider, DataProviderResult } from '@spdy/session';
import type { StreamHost } from './host.js';

type Callback = (error?: Error | null) => void;

const EMPTY = new Uint8Array(0);

export class OutboundBody {
  private readonly chunks: Uint8Array[] = [];
  /** Offset into chunks[0] of the first byte not yet taken. */
  private offset = 0;
  /** Bytes buffered and not yet taken by the session. */
  private size = 0;
  private heldWrite: Callback | undefined;
  private finalCallback: Callback | undefined;
  private ended = false;
  /** The provider said 'deferred' and waits for `resumeData`. */
  private deferred = false;
  private done = false;

  /**
   * @param streamId the stream, or 0 until a pushed stream gets its id
   *   (the session calls the provider only after that).
   */
  constructor(
    private readonly host: StreamHost,
    private readonly highWaterMark: number,
    public streamId = 0,
  ) {}

  /** Queues bytes; `callback` runs once the buffer is below the high-water mark. */
  write(chunk: Uint8Array, callback: Callback): void {
    if (this.done) {
      // The stream was reset: the bytes have nowhere to go. node:http drops them the same way.
      callback();
      return;
    }
    if (chunk.length > 0) {
      this.chunks.push(chunk);
      this.size += chunk.length;
      this.resume();
    }
    if (this.size < this.highWaterMark) callback();
    else this.heldWrite = callback;
  }

  /** No more bytes; `callback` runs when the session has taken the last of them. */
  end(callback: Callback): void {
    this.ended = true;
    if (this.done) {
      callback();
      return;
    }
    this.finalCallback = callback;
    this.resume();
  }

  /** The stream closed (reset or finished): release whoever waits. */
  abandon(): void {
    if (this.done) return;
    this.done = true;
    this.chunks.length = 0;
    this.size = 0;
    this.release();
  }

  private resume(): void {
    if (!this.deferred) return;
    this.deferred = false;
    this.host.resumeData(this.streamId);
  }

  private release(): void {
    const held = this.heldWrite;
    if (held !== undefined && (this.size < this.highWaterMark || this.done)) {
      this.heldWrite = undefined;
      // Never call back into the application from inside the session's pull.
      queueMicrotask(() => held());
    }
    if (this.done && this.finalCallback !== undefined) {
      const final = this.finalCallback;
      this.finalCallback = undefined;
      queueMicrotask(() => final());
    }
  }

  readonly provider: DataProvider = (maxLength: number): DataProviderResult => {
    if (this.size === 0) {
      if (this.ended && !this.done) {
        this.done = true;
        this.release();
        return { data: EMPTY, end: true };
      }
      this.deferred = true;
      return 'deferred';
    }
    const data = this.take(maxLength);
    if (this.size === 0 && this.ended) this.done = true;
    this.release();
    return this.done ? { data, end: true } : { data };
  };

  /** Takes up to `maxLength` bytes: a view of one chunk, or a copy joining small ones. */
  private take(maxLength: number): Uint8Array {
    const first = this.chunks[0]!;
    const available = first.length - this.offset;
    if (available >= maxLength || this.chunks.length === 1) {
      const n = Math.min(available, maxLength);
      const view = first.subarray(this.offset, this.offset + n);
      this.advance(n);
      return view;
    }
    const out = allocateBytes(Math.min(this.size, maxLength));
    let filled = 0;
    while (filled < out.length) {
      const chunk = this.chunks[0]!;
      const n = Math.min(chunk.length - this.offset, out.length - filled);
      out.set(chunk.subarray(this.offset, this.offset + n), filled);
      filled += n;
      this.advance(n);
    }
    return out;
  }

  private advance(n: number): void {
    this.size -= n;
    this.offset += n;
    if (this.offset === this.chunks[0]!.length) {
      this.chunks.shift();
      this.offset = 0;
    }
  }
}

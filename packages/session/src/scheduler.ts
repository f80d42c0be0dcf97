/**
 * Outbound ordering. The session drains, in this order (§2.6.5: PING takes
 * the highest priority; §2.3.3: streams by priority):
 *   1. PING frames (echoes and our own);
 *   2. other control frames, first in first out;
 *   3. SYN_STREAMs, in stream id order (ids are assigned at submit time and
 *      queued in that order, and §2.3.2 wants them to reach the peer increasing);
 *   4. DATA, by stream priority; streams of equal priority take turns, one
 *      frame each per turn, so a large transfer cannot starve the others.
 * This module holds the queues; the session decides what is ready.
 */

/** A first-in first-out queue with O(1) push and shift (an array and a moving head). */
export class Fifo<T> {
  private items: (T | undefined)[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  push(item: T): void {
    this.items.push(item);
  }

  peek(): T | undefined {
    return this.head < this.items.length ? this.items[this.head] : undefined;
  }

  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head];
    this.items[this.head++] = undefined;
    // Compact once the consumed prefix dominates, so memory stays proportional to the live queue.
    if (this.head >= 64 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  /** Removes every item matching `drop` (O(n); used on rare events such as a reset stream). */
  removeWhere(drop: (item: T) => boolean): T[] {
    const removed: T[] = [];
    const kept: (T | undefined)[] = [];
    for (let i = this.head; i < this.items.length; i++) {
      const item = this.items[i] as T;
      (drop(item) ? removed : kept).push(item);
    }
    this.items = kept;
    this.head = 0;
    return removed;
  }

  *[Symbol.iterator](): IterableIterator<T> {
    for (let i = this.head; i < this.items.length; i++) yield this.items[i] as T;
  }
}

/** What the DATA scheduler needs to know about a stream. */
export interface Schedulable {
  readonly priority: number;
  /** Set while the stream sits in a ready queue, so it is never queued twice. */
  scheduled: boolean;
}

/**
 * Ready streams by priority (0 highest), each level a round-robin queue. The
 * session takes the next stream, writes one DATA frame for it, and puts it
 * back with `add` if it still has data and window: that is the round robin.
 * A stream that cannot send (deferred provider, window exhausted) is simply
 * not put back; `add` is called again when it can.
 */
export class DataScheduler<T extends Schedulable> {
  private readonly levels: Fifo<T>[];
  private count = 0;

  constructor(levelCount: number) {
    this.levels = Array.from({ length: levelCount }, () => new Fifo<T>());
  }

  /** Streams waiting for a turn. */
  get size(): number {
    return this.count;
  }

  add(stream: T): void {
    if (stream.scheduled) return;
    stream.scheduled = true;
    this.levels[Math.min(stream.priority, this.levels.length - 1)]!.push(stream);
    this.count++;
  }

  /** The next stream to serve, highest priority first, round robin within a priority. */
  next(): T | undefined {
    if (this.count === 0) return undefined;
    for (const level of this.levels) {
      const stream = level.shift();
      if (stream !== undefined) {
        stream.scheduled = false;
        this.count--;
        return stream;
      }
    }
    return undefined;
  }
}

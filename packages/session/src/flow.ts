/**
 * Flow-control windows (SPDY/3 §2.6.8 for streams; SPDY/3.1 adds the session
 * window on stream 0). SPDY/2 has no flow control.
 *
 * Send windows are plain numbers on the stream and the session: they may go
 * negative when the peer shrinks SETTINGS_INITIAL_WINDOW_SIZE (§2.6.8,
 * "Initial Flow Control Window Size"); `growWindow` checks the 2^31-1 ceiling.
 * Receive windows are {@link ReceiveWindow}s: they count what the peer may
 * still send and what we owe it in WINDOW_UPDATE.
 */

import { MAX_WINDOW_SIZE } from '@spdy/frames';

/**
 * A send window grown by `delta` (a WINDOW_UPDATE or a SETTINGS change), or
 * undefined when it would exceed 2^31-1: §2.6.8 makes that FLOW_CONTROL_ERROR
 * (RST_STREAM for a stream, GOAWAY for the session window).
 */
export function growWindow(window: number, delta: number): number | undefined {
  const next = window + delta;
  return next > MAX_WINDOW_SIZE ? undefined : next;
}

/**
 * What the peer may still send us on one stream (or the session), and the
 * bytes we consumed but have not yet acknowledged with WINDOW_UPDATE.
 *
 * Acknowledgements are batched: a WINDOW_UPDATE goes out once half the
 * window has been consumed, which keeps a steady sender from stalling while
 * sending few control frames.
 */
export class ReceiveWindow {
  /** Bytes the peer may still send; negative down to `-slack` is tolerated. */
  available: number;
  /** Bytes consumed by the application, not yet returned to the peer. */
  private unacked = 0;
  /** Window size we advertised; the acknowledgement threshold is half of it. */
  private size: number;
  /**
   * How far below zero `available` may go: after we shrink
   * SETTINGS_INITIAL_WINDOW_SIZE the peer may have sent under the old, larger
   * window before it saw ours (§2.6.8, "Reducing the Stream Window Size").
   */
  slack: number;

  constructor(size: number, slack = 0) {
    this.size = size;
    this.available = size;
    this.slack = slack;
  }

  /** Counts `length` received bytes; false if they exceed the window (FLOW_CONTROL_ERROR). */
  receive(length: number): boolean {
    this.available -= length;
    return this.available >= -this.slack;
  }

  /**
   * Records `length` consumed bytes and returns the WINDOW_UPDATE delta to
   * send now (0: not yet worth a frame).
   */
  consume(length: number): number {
    this.unacked += length;
    if (this.unacked < this.threshold()) return 0;
    return this.flush();
  }

  /** Returns every unacknowledged byte now (used when the threshold is irrelevant). */
  flush(): number {
    // Never let the peer's view of the window pass 2^31-1.
    const delta = Math.min(this.unacked, MAX_WINDOW_SIZE - this.available);
    if (delta <= 0) return 0;
    this.unacked -= delta;
    this.available += delta;
    return delta;
  }

  /** Unacknowledged bytes (consumed but not yet returned). */
  get pending(): number {
    return this.unacked;
  }

  /**
   * Our advertised window changed by SETTINGS_INITIAL_WINDOW_SIZE: both sides
   * recompute every stream window by the difference (§2.6.8).
   */
  resize(size: number, slack: number): void {
    this.available += size - this.size;
    this.size = size;
    this.slack = slack;
  }

  /** The application raised the window by hand (submitWindowUpdate). */
  grant(delta: number): void {
    this.available += delta;
    this.size = Math.max(this.size, this.available);
  }

  private threshold(): number {
    return Math.max(1, this.size >>> 1);
  }
}

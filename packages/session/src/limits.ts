/**
 * Per-session counters against abusive peers (floods of cheap frames that
 * each cost us work or output). Sans-I/O: time is the `now` the caller
 * passes to `receive()`; without it no rate can be measured and rate limits
 * stay inactive (the counts would otherwise pile up over the session's life).
 */

/** Length of one counting window, in ms: the limits are per second. */
const WINDOW_MS = 1000;

/**
 * Counts events in fixed one-second windows; reports when more than `max`
 * fall in one window. Fixed windows cost two numbers per counter; a burst
 * straddling a window boundary may reach twice `max`, never more.
 */
export class RateCounter {
  private windowStart = Number.NEGATIVE_INFINITY;
  private count = 0;

  /** `max` 0 disables the counter. */
  constructor(private readonly max: number) {}

  /** Records one event at `now`; true when it crosses the limit. */
  hit(now: number): boolean {
    if (this.max === 0) return false;
    if (now - this.windowStart >= WINDOW_MS) {
      this.windowStart = now;
      this.count = 0;
    }
    return ++this.count > this.max;
  }
}

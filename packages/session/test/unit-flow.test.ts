import { MAX_WINDOW_SIZE } from '@spdy/frames';
import { describe, expect, it } from 'vitest';
import { ReceiveWindow, growWindow } from '../src/flow.js';

describe('growWindow', () => {
  it('2.6.8: a window may reach 2^31-1 but never pass it', () => {
    expect(growWindow(0, MAX_WINDOW_SIZE)).toBe(MAX_WINDOW_SIZE);
    expect(growWindow(1, MAX_WINDOW_SIZE)).toBeUndefined();
    expect(growWindow(-100, 50)).toBe(-50);
  });
});

describe('ReceiveWindow', () => {
  it('accepts DATA up to the window and refuses one byte more', () => {
    const w = new ReceiveWindow(100);
    expect(w.receive(100)).toBe(true);
    expect(w.available).toBe(0);
    expect(w.receive(1)).toBe(false);
  });

  it('acknowledges once half the window is consumed, all at once', () => {
    const w = new ReceiveWindow(100);
    w.receive(80);
    expect(w.consume(49)).toBe(0);
    expect(w.pending).toBe(49);
    expect(w.consume(1)).toBe(50);
    expect(w.available).toBe(70);
    expect(w.pending).toBe(0);
  });

  it('a one-byte window acknowledges every byte', () => {
    const w = new ReceiveWindow(1);
    w.receive(1);
    expect(w.consume(1)).toBe(1);
    expect(w.available).toBe(1);
  });

  it('2.6.8: shrinking the window tolerates what the peer sent under the old size, not more', () => {
    const w = new ReceiveWindow(65536);
    w.receive(60000);
    w.resize(16384, 65536 - 16384);
    expect(w.available).toBe(16384 - 60000);
    expect(w.receive(5000)).toBe(true);
    expect(w.receive(65536)).toBe(false);
  });

  it('flush returns every unacknowledged byte, as a shrunk window needs', () => {
    const w = new ReceiveWindow(1000);
    w.receive(300);
    expect(w.consume(300)).toBe(0);
    w.resize(10, 990);
    expect(w.flush()).toBe(300);
    expect(w.available).toBe(10);
  });

  it('never lets the acknowledged window pass 2^31-1', () => {
    const w = new ReceiveWindow(MAX_WINDOW_SIZE);
    w.receive(MAX_WINDOW_SIZE);
    w.grant(MAX_WINDOW_SIZE - 1);
    expect(w.consume(MAX_WINDOW_SIZE)).toBe(1);
    expect(w.available).toBe(MAX_WINDOW_SIZE);
    expect(w.pending).toBe(MAX_WINDOW_SIZE - 1);
  });
});

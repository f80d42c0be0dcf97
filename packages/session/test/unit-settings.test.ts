import { Flag, SettingsFlag, SettingsId } from '@spdy/frames';
import { describe, expect, it } from 'vitest';
import { PersistedSettings, firstValues, initialSettingsFrames, settingsToApply } from '../src/settings.js';

const e = (id: number, value: number, flags = 0) => ({ id, flags, value });

describe('SETTINGS rules', () => {
  it('2.6.4: the first value wins when an id repeats in one frame', () => {
    expect(firstValues([e(4, 10), e(7, 1), e(4, 20)])).toEqual([e(4, 10), e(7, 1)]);
  });

  it('2.6.4: a server ignores persistence requests but not the values; PERSISTED entries are its own values coming back', () => {
    const entries = [e(SettingsId.MAX_CONCURRENT_STREAMS, 5, SettingsFlag.PERSIST_VALUE), e(SettingsId.ROUND_TRIP_TIME, 30, SettingsFlag.PERSISTED)];
    expect(settingsToApply(entries, 'server')).toEqual([entries[0]]);
    expect(settingsToApply(entries, 'client')).toEqual(entries);
  });

  it('a client persists only values flagged PERSIST_VALUE, and returns them flagged PERSISTED, lowest id first', () => {
    const store = new PersistedSettings();
    store.record(0, [e(7, 1000, SettingsFlag.PERSIST_VALUE), e(4, 10), e(3, 50, SettingsFlag.PERSIST_VALUE)]);
    expect(store.entries).toEqual([e(3, 50, SettingsFlag.PERSISTED), e(7, 1000, SettingsFlag.PERSISTED)]);
  });

  it('2.6.4: CLEAR_SETTINGS forgets what was persisted, then keeps the frame\'s own flagged values', () => {
    const store = new PersistedSettings([e(1, 1), e(2, 2)]);
    store.record(Flag.SETTINGS_CLEAR_SETTINGS, [e(5, 9, SettingsFlag.PERSIST_VALUE)]);
    expect(store.entries).toEqual([e(5, 9, SettingsFlag.PERSISTED)]);
  });

  it('opens with MAX_CONCURRENT_STREAMS, and INITIAL_WINDOW_SIZE only in SPDY/3 when it is not the default', () => {
    const base = { side: 'server' as const, maxConcurrentStreams: 100, initialWindowSize: 65536, persisted: [] };
    expect(initialSettingsFrames({ ...base, version: 3 })).toEqual([[e(4, 100)]]);
    expect(initialSettingsFrames({ ...base, version: 3.1, initialWindowSize: 1 << 20 })).toEqual([[e(4, 100), e(7, 1 << 20)]]);
    expect(initialSettingsFrames({ ...base, version: 2, initialWindowSize: 1 << 20 })).toEqual([[e(4, 100)]]);
  });

  it('a client returns persisted values in its first SETTINGS; an id of ours that collides goes in a second frame', () => {
    const frames = initialSettingsFrames({
      side: 'client',
      version: 3,
      maxConcurrentStreams: 100,
      initialWindowSize: 65536,
      persisted: [e(SettingsId.MAX_CONCURRENT_STREAMS, 8, SettingsFlag.PERSIST_VALUE), e(SettingsId.ROUND_TRIP_TIME, 40)],
    });
    expect(frames).toEqual([[e(3, 40, SettingsFlag.PERSISTED), e(4, 8, SettingsFlag.PERSISTED)], [e(4, 100)]]);
  });

  it('a server never returns persisted values', () => {
    const frames = initialSettingsFrames({ side: 'server', version: 3, maxConcurrentStreams: 10, initialWindowSize: 65536, persisted: [e(3, 40)] });
    expect(frames).toEqual([[e(4, 10)]]);
  });
});

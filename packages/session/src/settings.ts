/**
 * SETTINGS rules (§2.6.4): first value wins when an id repeats in one frame,
 * persistence is a client-side store the server fills, and the values that
 * change the session (MAX_CONCURRENT_STREAMS, INITIAL_WINDOW_SIZE).
 */

import { DEFAULT_INITIAL_WINDOW_SIZE, Flag, type ProtocolVersion, type SettingsEntry, SettingsFlag, SettingsId } from '@spdy/frames';
import type { Side } from './types.js';

/** §2.6.4: "If the recipient of a SETTINGS frame discovers multiple values for the same ID, it MUST ignore all values except the first one." */
export function firstValues(entries: readonly SettingsEntry[]): SettingsEntry[] {
  const seen = new Set<number>();
  const out: SettingsEntry[] = [];
  for (const entry of entries) {
    if (seen.has(entry.id)) continue;
    seen.add(entry.id);
    out.push(entry);
  }
  return out;
}

/**
 * The received entries that describe the peer. A server ignores persistence
 * flags from a client (§2.6.4), except that an entry flagged PERSISTED is a
 * value this server asked to be kept earlier and the client now returns: it
 * describes the server, not the client, so it is not applied as the client's
 * setting. A client applies every entry the server sends.
 */
export function settingsToApply(entries: readonly SettingsEntry[], side: Side): SettingsEntry[] {
  const unique = firstValues(entries);
  return side === 'server' ? unique.filter((e) => (e.flags & SettingsFlag.PERSISTED) === 0) : unique;
}

/**
 * The client's store of settings the server asked it to persist (§2.6.4),
 * for one origin. Seeded from an earlier session's values; the application
 * reads `entries` at the end and keeps them for the next session.
 */
export class PersistedSettings {
  private readonly values = new Map<number, number>();

  constructor(initial: readonly SettingsEntry[] = []) {
    for (const e of firstValues(initial)) this.values.set(e.id, e.value);
  }

  /** Applies a SETTINGS frame received from the server. */
  record(frameFlags: number, entries: readonly SettingsEntry[]): void {
    // CLEAR_SETTINGS: forget what was persisted, then persist this frame's flagged values.
    if ((frameFlags & Flag.SETTINGS_CLEAR_SETTINGS) !== 0) this.values.clear();
    for (const e of firstValues(entries)) {
      if ((e.flags & SettingsFlag.PERSIST_VALUE) !== 0) this.values.set(e.id, e.value);
    }
  }

  /** The persisted values, lowest id first, flagged PERSISTED as they are sent back. */
  get entries(): SettingsEntry[] {
    return [...this.values]
      .sort((a, b) => a[0] - b[0])
      .map(([id, value]) => ({ id, flags: SettingsFlag.PERSISTED, value }));
  }
}

export interface LocalSettings {
  side: Side;
  version: ProtocolVersion;
  maxConcurrentStreams: number;
  initialWindowSize: number;
  /** Client only: values to return with FLAG_SETTINGS_PERSISTED. */
  persisted: readonly SettingsEntry[];
}

/**
 * The SETTINGS frames that open our side of the session. Persisted values go
 * in the first frame; a value of ours with the same id as a persisted one
 * goes in a second frame, because one frame must not repeat an id (§2.6.4).
 */
export function initialSettingsFrames(local: LocalSettings): SettingsEntry[][] {
  const own: SettingsEntry[] = [{ id: SettingsId.MAX_CONCURRENT_STREAMS, flags: 0, value: local.maxConcurrentStreams }];
  // SPDY/2 has no flow control; in SPDY/3 the default needs no announcement.
  if (local.version !== 2 && local.initialWindowSize !== DEFAULT_INITIAL_WINDOW_SIZE) {
    own.push({ id: SettingsId.INITIAL_WINDOW_SIZE, flags: 0, value: local.initialWindowSize });
  }
  // §2.6.4: only a client returns persisted values.
  const persisted = local.side === 'client' ? firstValues(local.persisted).map((e) => ({ ...e, flags: SettingsFlag.PERSISTED })) : [];
  const persistedIds = new Set(persisted.map((e) => e.id));
  const first = [...persisted, ...own.filter((e) => !persistedIds.has(e.id))].sort((a, b) => a.id - b.id);
  const second = own.filter((e) => persistedIds.has(e.id));
  return second.length > 0 ? [first, second] : [first];
}

/**
 * Every fuzz input has the same layout: a config byte (which version, which
 * options), a schedule byte (seeds how the payload is chunked and interleaved
 * with other calls), then the payload the target decodes.
 */
import { Rng } from './rng.js';

export const INPUT_HEADER_SIZE = 2;

export interface FuzzInput {
  readonly config: number;
  readonly schedule: number;
  readonly payload: Uint8Array;
}

export function splitInput(bytes: Uint8Array): FuzzInput {
  return { config: bytes[0] ?? 0, schedule: bytes[1] ?? 0, payload: bytes.subarray(INPUT_HEADER_SIZE) };
}

export function joinInput(config: number, schedule: number, payload: Uint8Array): Uint8Array {
  const bytes = new Uint8Array(INPUT_HEADER_SIZE + payload.length);
  bytes[0] = config;
  bytes[1] = schedule;
  bytes.set(payload, INPUT_HEADER_SIZE);
  return bytes;
}

/**
 * Cuts `payload` into chunks as the schedule byte says: 0 whole, 1 one byte
 * at a time, else sizes drawn from a PRNG seeded by it (mostly small, some
 * large), so the decoders see frames split at every kind of boundary.
 */
export function chunks(payload: Uint8Array, schedule: number): Uint8Array[] {
  if (schedule === 0 || payload.length === 0) return [payload];
  if (schedule === 1) return Array.from(payload, (_, i) => payload.subarray(i, i + 1));
  const rng = new Rng(schedule * 0x01000193);
  const out: Uint8Array[] = [];
  for (let at = 0; at < payload.length; ) {
    const size = rng.chance(4) ? 1 + rng.below(4096) : 1 + rng.below(24);
    out.push(payload.subarray(at, at + size));
    at += size;
  }
  return out;
}

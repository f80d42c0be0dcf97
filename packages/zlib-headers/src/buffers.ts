/**
 * Reused scratch buffers of the deflaters. They grow by doubling up to
 * KEPT_BUFFER_SIZE and stay allocated; a larger one serves its block (or a run
 * of large blocks) and is dropped at the next small block, so one huge header
 * block does not pin its memory for the rest of the session.
 */
export const KEPT_BUFFER_SIZE = 16384;

/** A buffer of at least `size` bytes: `current` when it fits and is not oversized for `size`. */
export function sized(current: Uint8Array, size: number): Uint8Array {
  if (current.length >= size && (current.length <= KEPT_BUFFER_SIZE || size > KEPT_BUFFER_SIZE)) return current;
  return new Uint8Array(Math.max(size, Math.min(KEPT_BUFFER_SIZE, current.length * 2)));
}

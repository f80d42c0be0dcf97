/**
 * Bytes for small frames. V8 keeps a `new Uint8Array(n)` of 64 bytes or less
 * inside the JS heap, and the first `.buffer`, `subarray()` or socket write of
 * it moves it out: a backing-store allocation and a copy that cost more than
 * encoding the frame did. A SYN_STREAM with a compressed header block, a
 * WINDOW_UPDATE or a DATA frame header is that small. So small requests are
 * carved from a shared slab (as Node's Buffer pool does): every result is a
 * view of a larger ArrayBuffer, which it keeps alive.
 */

/** Largest request served from the slab. */
const SLAB_MAX = 256;
const SLAB_SIZE = 16 * 1024;

let slab = new ArrayBuffer(SLAB_SIZE);
let slabUsed = 0;

/**
 * A zero-filled `Uint8Array` of `size` bytes that never lives inside the JS
 * heap. Small ones share an ArrayBuffer with others: use `byteOffset` and
 * `length`, not `.buffer` alone.
 */
export function allocateBytes(size: number): Uint8Array {
  if (size > SLAB_MAX) return new Uint8Array(size);
  if (slabUsed + size > SLAB_SIZE) {
    slab = new ArrayBuffer(SLAB_SIZE);
    slabUsed = 0;
  }
  const out = new Uint8Array(slab, slabUsed, size);
  // 8-byte steps keep every view aligned, as Node's pool does.
  slabUsed += (size + 7) & ~7;
  return out;
}

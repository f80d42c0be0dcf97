/**
 * Bytes for small frames and header blocks. V8 makes every `new Uint8Array(n)`
 * above 64 bytes a backing store of its own outside the JS heap, which costs
 * 250 to 550 ns whatever the size up to a few KiB: more than encoding the
 * frame. One of 64 bytes or less lives inside the heap instead, and its first
 * `.buffer`, `subarray()` or socket write moves it out at the same price. A
 * compressed SYN_STREAM, a WINDOW_UPDATE, a DATA header or a batch of a few
 * frames is in that range. So small requests are carved from a shared slab
 * (as Node's Buffer pool does, 20 to 50 ns each): every result is a view of a
 * larger ArrayBuffer, which it keeps alive.
 */

/** Largest request served from the slab; above it a buffer of its own costs about as much. */
const SLAB_MAX = 1024;
const SLAB_SIZE = 32 * 1024;

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

/**
 * A small benchmark harness shared by the codec benchmarks of @spdy/frames
 * and @spdy/zlib-headers. Both sides of a case run in the same process, in
 * alternating rounds (so drift in machine load hits both alike), after a
 * warm-up that lets V8 optimise each; the figure is the median round.
 *
 * Output is one line per case, for scripts and for docs/benchmarks.md:
 * `BENCH <case> <unit> ours=<n> spdy-transport=<n> ratio=<n>`.
 */

/** One side of a case: does a fixed amount of work per call and says how much (frames, or bytes). */
export type Batch = () => number | Promise<number>;

export interface BenchCase {
  /** Name printed after BENCH. */
  name: string;
  /** Unit printed after the name. */
  unit: 'frames/s' | 'MB/s';
  /** Converts work done per second into the unit (bytes to MB, or 1 for frames). */
  scale: number;
  ours: Batch;
  peer: Batch;
}

/** Round length and count; BENCH_ROUND_MS shortens runs while developing. */
const ROUND_MS = Number(process.env['BENCH_ROUND_MS'] ?? 1000);
const ROUNDS = 5;
const WARMUP_MS = ROUND_MS / 2;

/** Runs `batch` for at least `ms` and returns the work done per second. */
async function rate(batch: Batch, ms: number): Promise<number> {
  let work = 0;
  const start = performance.now();
  let elapsed = 0;
  do {
    work += await batch();
    elapsed = performance.now() - start;
  } while (elapsed < ms);
  return (work * 1000) / elapsed;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function format(n: number): string {
  return n >= 100 ? String(Math.round(n)) : n.toPrecision(3);
}

/** Measures both sides of `c` and prints its BENCH line; returns the figures. */
export async function runCase(c: BenchCase): Promise<{ ours: number; peer: number; ratio: number }> {
  await rate(c.ours, WARMUP_MS);
  await rate(c.peer, WARMUP_MS);
  const ours: number[] = [];
  const peer: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    ours.push((await rate(c.ours, ROUND_MS)) * c.scale);
    peer.push((await rate(c.peer, ROUND_MS)) * c.scale);
  }
  const result = { ours: median(ours), peer: median(peer), ratio: median(ours) / median(peer) };
  console.log(`BENCH ${c.name} ${c.unit} ours=${format(result.ours)} spdy-transport=${format(result.peer)} ratio=${result.ratio.toFixed(2)}`);
  return result;
}

/** Bytes to MB (10^6 bytes). */
export const PER_MB = 1e-6;

/**
 * Coverage feedback from V8's precise block coverage, read in-process through
 * `node:inspector`. Only scripts of our packages' sources count. A "feature" is
 * a block together with the bucket of its hit count (AFL-style: 1, 2, 3, 4-7,
 * 8-15, 16-31, 32-127, 128+), so an input that runs a loop more often than
 * ever before is kept too. Taking the coverage resets V8's counters, so each
 * call reports the blocks the last execution reached.
 *
 * Precise coverage is started once per process and never stopped: functions
 * V8 compiled while it was off would report no blocks when it is turned on
 * again. Each fuzzed target keeps its own feature set.
 */
import { Session } from 'node:inspector';

interface CoverageRange {
  startOffset: number;
  endOffset: number;
  count: number;
}
interface ScriptCoverage {
  scriptId: string;
  url: string;
  functions: { ranges: CoverageRange[] }[];
}

/** Sources of the packages under test, whatever loader (tsx, vitest) evaluated them. */
const OUR_SOURCES = /\/packages\/(frames|zlib-headers|session)\/src\/[^/]+\.ts/;

function bucket(count: number): number {
  if (count <= 3) return count;
  if (count < 8) return 4;
  if (count < 16) return 5;
  if (count < 32) return 6;
  if (count < 128) return 7;
  return 8;
}

let profiler: Session | undefined;
const scriptKeys = new Map<string, string | null>();

export class Coverage {
  /** Every feature seen so far (block and hit-count bucket). */
  private readonly features = new Set<string>();
  /** Every block seen executed so far. */
  private readonly blocks = new Set<string>();
  /** Blocks the last collect() saw for the first time. */
  newBlocks = 0;

  constructor() {
    if (profiler === undefined) {
      profiler = new Session();
      profiler.connect();
      this.post('Profiler.enable');
      this.post('Profiler.startPreciseCoverage', { callCount: true, detailed: true });
    }
  }

  private post(method: string, params?: object): unknown {
    let result: unknown;
    let failure: Error | null = null;
    // The in-process inspector answers synchronously.
    profiler!.post(method, params ?? {}, (error, value) => {
      failure = error;
      result = value;
    });
    if (failure !== null) throw failure;
    return result;
  }

  /** Drops counts gathered so far (e.g. while loading modules). */
  reset(): void {
    this.post('Profiler.takePreciseCoverage');
  }

  /** Takes the last execution's coverage; returns how many features were new (and records them). */
  collect(): number {
    const { result } = this.post('Profiler.takePreciseCoverage') as { result: ScriptCoverage[] };
    let fresh = 0;
    this.newBlocks = 0;
    for (const script of result) {
      let key = scriptKeys.get(script.scriptId);
      if (key === undefined) {
        const match = OUR_SOURCES.exec(script.url);
        key = match === null ? null : match[0];
        scriptKeys.set(script.scriptId, key);
      }
      if (key === null) continue;
      for (const fn of script.functions) {
        for (const range of fn.ranges) {
          if (range.count === 0) continue;
          const block = `${key}:${range.startOffset}:${range.endOffset}`;
          const feature = `${block}#${bucket(range.count)}`;
          if (this.features.has(feature)) continue;
          this.features.add(feature);
          if (!this.blocks.has(block)) {
            this.blocks.add(block);
            this.newBlocks++;
          }
          fresh++;
        }
      }
    }
    return fresh;
  }

  get blockCount(): number {
    return this.blocks.size;
  }

  get featureCount(): number {
    return this.features.size;
  }
}

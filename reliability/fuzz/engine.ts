/**
 * The fuzz loop: run every corpus input, then mutate random corpus entries and
 * keep each child that reaches a new coverage feature. A broken invariant is a
 * crash: it is minimized and saved under corpus/crashes/<target>/.
 */
import { rmSync } from 'node:fs';
import { basename } from 'node:path';
import { Coverage } from './coverage.js';
import { type CorpusFile, corpusDir, crashDir, readCorpus, writeCorpusFile } from './corpus.js';
import { INPUT_HEADER_SIZE, joinInput, splitInput } from './input.js';
import { InvariantViolation } from './invariant.js';
import { MAX_INPUT, concat, mutate, rawFrames } from './mutate.js';
import { Rng } from './rng.js';
import { type Target, joinBlocks, splitBlocks } from './targets.js';

export interface FuzzOptions {
  readonly seconds: number;
  /** Stops after this many executions too (CI runs are bounded by both). */
  readonly maxExecutions?: number;
  /**
   * Runs at least this many mutated inputs after the seeds, even past `seconds`, so a pass on a
   * busy machine still fuzzes instead of only replaying its seeds (CI relies on it). Default 0.
   */
  readonly minMutations?: number;
  readonly seed?: number;
  /** Write inputs that reached new coverage into corpus/<target>/ (small ones only: see SAVED_INPUT_LIMIT). */
  readonly saveCorpus?: boolean;
  /** Write minimized crashes into corpus/crashes/<target>/ (default true). */
  readonly saveCrashes?: boolean;
}

export interface Crash {
  readonly invariant: string;
  readonly message: string;
  readonly input: Uint8Array;
  readonly path: string | undefined;
}

export interface FuzzStats {
  readonly target: string;
  readonly executions: number;
  readonly seconds: number;
  readonly seeds: number;
  readonly corpusSize: number;
  readonly blocks: number;
  readonly features: number;
  readonly crashes: readonly Crash[];
}

/** Inputs kept in the repo's corpus stay small: large ones are mostly floods that small ones already cover. */
const SAVED_INPUT_LIMIT = 512;

/** Runs one input; returns the violation, if any. Any other exception is a harness bug and propagates. */
export function runOne(target: Target, input: Uint8Array): InvariantViolation | undefined {
  try {
    target.run(input);
    return undefined;
  } catch (error) {
    if (error instanceof InvariantViolation) return error;
    throw error;
  }
}

/** Shrinks a failing input while it breaks the same invariant: whole frames or blocks first, then byte ranges. */
export function minimize(target: Target, input: Uint8Array, invariant: string, budget = 3000): Uint8Array {
  let best = input;
  let runs = 0;
  const fails = (candidate: Uint8Array): boolean => {
    runs++;
    return runOne(target, candidate)?.invariant === invariant;
  };
  const { config, schedule } = splitInput(best);
  if (schedule !== 0 && fails(joinInput(config, 0, splitInput(best).payload))) best = joinInput(config, 0, splitInput(best).payload);
  // Drop units (frames or blocks) one at a time.
  const units = (payload: Uint8Array) => (target.payloadKind === 'blocks' ? splitBlocks(payload) : rawFrames(payload));
  const join = (parts: Uint8Array[]) => (target.payloadKind === 'blocks' ? joinBlocks(parts) : concat(parts));
  for (let i = units(splitInput(best).payload).length - 1; i >= 0 && runs < budget; i--) {
    const parts = units(splitInput(best).payload);
    parts.splice(i, 1);
    const candidate = joinInput(splitInput(best).config, splitInput(best).schedule, join(parts));
    if (fails(candidate)) best = candidate;
  }
  // Then byte ranges, halving their size.
  for (let size = Math.max(1, (best.length - INPUT_HEADER_SIZE) >> 1); size >= 1 && runs < budget; size >>= 1) {
    for (let at = INPUT_HEADER_SIZE; at < best.length && runs < budget; ) {
      const candidate = concat([best.subarray(0, at), best.subarray(at + size)]);
      if (fails(candidate)) best = candidate;
      else at += size;
    }
  }
  return best;
}


/** Crashes are grouped by invariant and message with numbers blanked: one saved file per kind. */
const crashKind = (v: InvariantViolation): string => v.message.replace(/\d+/g, 'N');

export function fuzz(target: Target, options: FuzzOptions): FuzzStats {
  const rng = new Rng(options.seed ?? Date.now());
  const seeds: CorpusFile[] = readCorpus(corpusDir(target.name));
  if (seeds.length === 0) throw new Error(`no seeds in ${corpusDir(target.name)}: run fuzz/seed.ts`);
  const coverage = new Coverage();
  const corpus: Uint8Array[] = [];
  const crashes: Crash[] = [];
  const kinds = new Set<string>();
  let executions = 0;

  const execute = (input: Uint8Array): { fresh: number; violation: InvariantViolation | undefined } => {
    coverage.reset();
    const violation = runOne(target, input);
    executions++;
    return { fresh: coverage.collect(), violation };
  };
  const record = (input: Uint8Array, violation: InvariantViolation): void => {
    const kind = crashKind(violation);
    if (kinds.has(kind)) return;
    kinds.add(kind);
    const small = minimize(target, input, violation.invariant);
    const message = runOne(target, small)?.message ?? violation.message;
    const path = options.saveCrashes === false ? undefined : writeCorpusFile(crashDir(target.name), `${violation.invariant}-`, small, [message]);
    crashes.push({ invariant: violation.invariant, message, input: small, path });
  };

  const started = performance.now();
  for (const seed of seeds) {
    const { violation } = execute(seed.bytes);
    corpus.push(seed.bytes);
    if (violation !== undefined) record(seed.bytes, violation);
  }
  const deadline = started + options.seconds * 1000;
  const maxExecutions = options.maxExecutions ?? Infinity;
  const minExecutions = executions + (options.minMutations ?? 0);
  while (executions < maxExecutions && (executions < minExecutions || performance.now() < deadline)) {
    // Recent finds are mutated more often: they sit on the frontier of what is covered.
    const parent = rng.chance(3) ? corpus[corpus.length - 1 - rng.below(Math.min(corpus.length, 32))]! : corpus[rng.below(corpus.length)]!;
    const child = mutate(target, parent, corpus[rng.below(corpus.length)]!, rng);
    if (child.length > MAX_INPUT) continue;
    const { fresh, violation } = execute(child);
    if (violation !== undefined) record(child, violation);
    else if (fresh > 0) {
      corpus.push(child);
      if (options.saveCorpus && child.length <= SAVED_INPUT_LIMIT) writeCorpusFile(corpusDir(target.name), 'cov-', child);
    }
  }
  const stats: FuzzStats = {
    target: target.name,
    executions,
    seconds: (performance.now() - started) / 1000,
    seeds: seeds.length,
    corpusSize: corpus.length,
    blocks: coverage.blockCount,
    features: coverage.featureCount,
    crashes,
  };
  return stats;
}

/**
 * Corpus distillation, for what is kept in the repo: replays the `cov-*` files
 * smallest first and keeps only those that still reach a block (hit counts
 * aside) that the seeds and the smaller files did not; deletes the rest.
 * Returns [kept, removed].
 */
export function distill(target: Target): [number, number] {
  const coverage = new Coverage();
  const files = readCorpus(corpusDir(target.name));
  const isFound = (f: CorpusFile) => basename(f.path).startsWith('cov-');
  for (const seed of files.filter((f) => !isFound(f))) {
    coverage.reset();
    runOne(target, seed.bytes);
    coverage.collect();
  }
  let kept = 0;
  let removed = 0;
  for (const file of files.filter(isFound).sort((a, b) => a.bytes.length - b.bytes.length)) {
    coverage.reset();
    runOne(target, file.bytes);
    coverage.collect();
    if (coverage.newBlocks > 0) kept++;
    else (rmSync(file.path), removed++);
  }
  return [kept, removed];
}

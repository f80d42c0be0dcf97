/**
 * The bounded fuzz pass CI runs: every target for a few seconds (at least a
 * few hundred mutations, at most a few thousand executions), from a fixed
 * seed; no invariant may break. Crashes
 * are not written to the corpus here: run `pnpm fuzz` to find and save them.
 */
import { describe, expect, it } from 'vitest';
import { fuzz } from '../fuzz/engine.js';
import { TARGETS } from '../fuzz/targets.js';

const SECONDS = 3;
const MAX_EXECUTIONS = 3000;
/** However busy the machine, each pass mutates at least this many inputs beyond its seeds. */
const MIN_MUTATIONS = 200;

describe.each(TARGETS.map((t) => [t.name, t] as const))('short fuzz pass of %s', (_, target) => {
  it('breaks no invariant', () => {
    const stats = fuzz(target, { seconds: SECONDS, maxExecutions: MAX_EXECUTIONS, minMutations: MIN_MUTATIONS, seed: 0x5bd1, saveCrashes: false });
    expect(stats.crashes.map((c) => c.message)).toEqual([]);
    expect(stats.executions).toBeGreaterThanOrEqual(stats.seeds + MIN_MUTATIONS);
    // The coverage feedback sees our sources (else the fuzzer would be blind).
    expect(stats.blocks).toBeGreaterThan(50);
  });
});

/**
 * Replays the whole fuzz corpus and every saved crash through every invariant
 * (see docs/fuzzing.md). A crash file stays in the corpus after its fix, so
 * the bug it found cannot come back.
 */
import { describe, expect, it } from 'vitest';
import { corpusDir, crashDir, readCorpus } from '../fuzz/corpus.js';
import { runOne } from '../fuzz/engine.js';
import { TARGETS } from '../fuzz/targets.js';

describe.each(TARGETS.map((t) => [t.name, t] as const))('fuzz corpus of %s', (name, target) => {
  const corpus = readCorpus(corpusDir(name));
  const crashes = readCorpus(crashDir(name));

  it('has seeds', () => {
    expect(corpus.length).toBeGreaterThan(0);
  });

  it.each([
    ['corpus', corpus],
    ['crashes', crashes],
  ] as const)('every %s input keeps every invariant', (_, files) => {
    const broken = files.flatMap((file) => {
      const violation = runOne(target, file.bytes);
      return violation === undefined ? [] : [`${file.path}: ${violation.message}`];
    });
    expect(broken).toEqual([]);
  });
});

/** The command line behind run.ts (see there). */
import { parseArgs } from 'node:util';
import { type FuzzStats, distill, fuzz } from './engine.js';
import { TARGETS, targetNamed } from './targets.js';

const { values } = parseArgs({
  // `pnpm fuzz -- --seconds 5` passes the `--` along: skip it.
  args: process.argv.slice(2).filter((arg) => arg !== '--'),
  options: {
    seconds: { type: 'string', default: '60' },
    target: { type: 'string', default: 'all' },
    seed: { type: 'string' },
    'save-corpus': { type: 'boolean', default: false },
    distill: { type: 'boolean', default: false },
  },
});
const seconds = Number(values.seconds);
if (!(seconds > 0)) throw new Error('--seconds takes a positive number');
const targets = values.target === 'all' ? TARGETS : values.target!.split(',').map(targetNamed);

if (values.distill) {
  // Shrink the saved corpus to the files that add coverage, then stop.
  for (const target of targets) {
    const [kept, removed] = distill(target);
    console.log(`${target.name}: kept ${kept} found inputs, removed ${removed}`);
  }
  process.exit(0);
}

const rows: FuzzStats[] = [];
for (const target of targets) {
  const stats = fuzz(target, {
    seconds,
    saveCorpus: values['save-corpus'],
    ...(values.seed !== undefined && { seed: Number(values.seed) }),
  });
  rows.push(stats);
  console.log(
    `${stats.target.padEnd(15)} ${String(stats.executions).padStart(9)} execs  ${String(Math.round(stats.executions / stats.seconds)).padStart(6)} exec/s  ` +
      `corpus ${String(stats.corpusSize).padStart(5)} (${stats.seeds} seeds)  blocks ${String(stats.blocks).padStart(5)}  features ${String(stats.features).padStart(6)}  crashes ${stats.crashes.length}`,
  );
  for (const crash of stats.crashes) console.log(`  CRASH ${crash.message}\n        ${crash.path ?? '(not saved)'}`);
}
if (rows.some((r) => r.crashes.length > 0)) process.exitCode = 1;

/**
 * `pnpm fuzz [--seconds N] [--target name|all] [--seed N] [--save-corpus] [--distill]`:
 * fuzzes each target for N seconds (default 60) and prints its figures.
 * Exits 1 when an invariant broke; the minimized inputs are in corpus/crashes/.
 *
 * The packages under test are loaded from their TypeScript sources, as the
 * tests do (vitest.shared.ts), not from a possibly stale `dist/`: a resolve
 * hook maps `@spdy/*` to `packages/<name>/src/index.ts` (tsx compiles them),
 * and the coverage feedback only counts those source files.
 */
import { register } from 'node:module';

const packages = { '@spdy/frames': 'frames', '@spdy/zlib-headers': 'zlib-headers', '@spdy/session': 'session' };
const sources = Object.fromEntries(Object.entries(packages).map(([name, dir]) => [name, new URL(`../../packages/${dir}/src/index.ts`, import.meta.url).href]));
const hook = `
let sources = {};
export function initialize(data) { sources = data; }
export function resolve(specifier, context, next) {
  return next(Object.hasOwn(sources, specifier) ? sources[specifier] : specifier, context);
}`;
register(`data:text/javascript,${encodeURIComponent(hook)}`, { parentURL: import.meta.url, data: sources });
await import('./cli.js');

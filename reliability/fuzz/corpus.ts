/** Reading and writing corpus files: reliability/corpus/<target>/ and reliability/corpus/crashes/<target>/. */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatHex, parseHex } from './hex.js';

export const CORPUS_ROOT = fileURLToPath(new URL('../corpus/', import.meta.url));

export const corpusDir = (target: string): string => join(CORPUS_ROOT, target);
export const crashDir = (target: string): string => join(CORPUS_ROOT, 'crashes', target);

export interface CorpusFile {
  readonly path: string;
  readonly bytes: Uint8Array;
}

/** Every `.hex` and `.bin` file of a directory, in name order (none if it does not exist). */
export function readCorpus(dir: string): CorpusFile[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.endsWith('.hex') || name.endsWith('.bin'))
    .sort()
    .map((name) => {
      const path = join(dir, name);
      const bytes = name.endsWith('.hex') ? parseHex(readFileSync(path, 'utf8')) : new Uint8Array(readFileSync(path));
      return { path, bytes };
    });
}

export function digest(bytes: Uint8Array): string {
  return createHash('sha1').update(bytes).digest('hex').slice(0, 12);
}

/** Writes `bytes` as `<prefix><digest>.hex` in `dir`; returns the path. */
export function writeCorpusFile(dir: string, prefix: string, bytes: Uint8Array, comments: readonly string[] = []): string {
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${prefix}${digest(bytes)}.hex`);
  writeFileSync(path, formatHex(bytes, comments));
  return path;
}

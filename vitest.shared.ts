/**
 * Shared vitest settings: workspace packages resolve to their TypeScript
 * sources, so tests never depend on a stale build of a sibling package.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (pkg: string, file = 'index.ts') => fileURLToPath(new URL(`./packages/${pkg}/src/${file}`, import.meta.url));

export const workspaceAliases = {
  '@spdy/frames': src('frames'),
  '@spdy/zlib-headers': src('zlib-headers'),
  '@spdy/session': src('session'),
  '@spdy/server': src('server'),
  '@spdy/client': src('client'),
};

export default defineConfig({
  resolve: { alias: workspaceAliases },
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
  },
});

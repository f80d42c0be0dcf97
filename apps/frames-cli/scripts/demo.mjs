#!/usr/bin/env node
// The repository's main job for now (`pnpm demo`): decode a real SPDY/3.1
// session, both directions, with the frame dump tool. Needs a build first
// (the root `demo` script does it).

import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const fixture = (name) => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));

console.log(
  'Decoding a SPDY/3.1 session captured from the spdy npm package (node-spdy 4 on spdy-transport 3):\n' +
    'its agent GETs /hello.txt from its server, which answers and pushes /style.css.\n' +
    'Each line is one frame, as `spdy-frames decode` prints it (header blocks decompressed).',
);

for (const [title, file] of [
  ['client -> server', 'spdy-transport-client-to-server.bin'],
  ['server -> client', 'spdy-transport-server-to-client.bin'],
]) {
  console.log(`\n== ${title}: spdy-frames decode --version 3.1 --data utf8 fixtures/${file}`);
  const { status } = spawnSync(process.execPath, [cli, 'decode', '--version', '3.1', '--data', 'utf8', fixture(file)], { stdio: 'inherit' });
  if (status !== 0) process.exit(status ?? 1);
}

#!/usr/bin/env node
// The repository's main job (`pnpm demo`): the example server and the example
// client talk SPDY/3.1 over plain TCP on loopback. Needs a build first (the
// root `demo` script does it). Exits non-zero if any step fails.

import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const app = (name) => fileURLToPath(new URL(`../apps/${name}/dist/cli.js`, import.meta.url));
const say = (text) => console.log(`\n${text}`);

const server = spawn(process.execPath, [app('server'), '--plain', '--spdy', '3.1', '--host', '127.0.0.1', '--port', '0'], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
const stopServer = () => server.exitCode === null && server.kill();
process.on('exit', stopServer);

const origin = await new Promise((resolve, reject) => {
  const timer = setTimeout(() => reject(new Error('the example server did not start within 15 s')), 15_000);
  let seen = '';
  server.stdout.on('data', (chunk) => {
    seen += chunk;
    const match = /listening on (\S+):(\d+)/.exec(seen);
    if (match) {
      clearTimeout(timer);
      resolve(`http://${match[1]}:${match[2]}`);
    }
  });
  server.on('exit', (code) => reject(new Error(`the example server exited early (status ${code})`)));
});

say(
  `1. The example server (apps/server) serves its demo site at ${origin}: plain TCP, SPDY/3.1,\n` +
    '   with a push rule that sends the page\'s stylesheet and script along with the page.',
);

let failed = false;
function client(title, args) {
  say(title);
  console.log(`   $ spdy-client ${args.join(' ')}`);
  const { status } = spawnSync(process.execPath, [app('client'), ...args], { stdio: 'inherit' });
  if (status !== 0) {
    console.log(`   !! spdy-client exited with status ${status}`);
    failed = true;
  }
}

client(
  '2. The example client (apps/client) fetches the page with -v: every frame it sends and receives is\n' +
    '   printed (SETTINGS, SYN_STREAM with the request headers, SYN_REPLY, DATA, the pushed streams).',
  ['--spdy', '3.1', '-v', '-n', `${origin}/`],
);

client(
  '3. Three URLs at once: they share one SPDY session, multiplexed as concurrent streams.',
  ['--spdy', '3.1', '-n', `${origin}/`, `${origin}/style.css`, `${origin}/app.js`],
);

stopServer();
say(failed ? 'Something failed: see the messages above.' : 'Done: server and client spoke SPDY/3.1 on loopback.');
process.exit(failed ? 1 : 0);

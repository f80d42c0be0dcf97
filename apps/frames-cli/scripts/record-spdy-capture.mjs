#!/usr/bin/env node
// Records both directions of a real SPDY/3.1 session between the `spdy` npm
// package's server and its agent (node-spdy 4.0.2 on spdy-transport 3.0.0),
// through a recording TCP relay on 127.0.0.1. The client GETs /hello.txt; the
// server pushes /style.css with the response. Writes:
//   fixtures/spdy-transport-client-to-server.bin
//   fixtures/spdy-transport-server-to-client.bin
// Run by hand (`node scripts/record-spdy-capture.mjs`), never by the tests:
// the captures are committed and their decoding is pinned by golden files
// (refresh those with `npx vitest run -u` after reviewing the change).

import { writeFileSync } from 'node:fs';
import { request } from 'node:http';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import spdy from 'spdy';

const fixture = (name) => fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url));

// Plain mode speaks SPDY/3 unless told to run 3.1 (see shared/PEERS.md).
const server = spdy.createServer(
  { spdy: { plain: true, ssl: false, protocols: ['spdy/3.1'], connection: { autoSpdy31: true } } },
  (req, res) => {
    if (req.url !== '/hello.txt') {
      res.writeHead(404);
      res.end();
      return;
    }
    const push = res.push('/style.css', {
      request: { accept: '*/*' },
      response: { 'content-type': 'text/css' },
    });
    push.on('error', () => {});
    // Strings, not Buffers: several Buffers in a row lose chunks in its plain mode.
    push.end('body { color: green }\n');
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('hello from the spdy npm package\n');
  },
);

const toServer = [];
const toClient = [];

await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const relay = net.createServer((client) => {
  const upstream = net.connect(server.address().port, '127.0.0.1');
  client.on('data', (chunk) => {
    toServer.push(chunk);
    upstream.write(chunk);
  });
  upstream.on('data', (chunk) => {
    toClient.push(chunk);
    client.write(chunk);
  });
  client.on('end', () => upstream.end());
  upstream.on('end', () => client.end());
  client.on('error', () => upstream.destroy());
  upstream.on('error', () => client.destroy());
});
await new Promise((resolve) => relay.listen(0, '127.0.0.1', resolve));

const agent = spdy.createAgent({
  host: '127.0.0.1',
  port: relay.address().port,
  spdy: { plain: true, ssl: false, protocol: 'spdy/3.1' },
});

// The pushed stream and the response both end before the capture is written.
const done = new Promise((resolve, reject) => {
  let pending = 2;
  const settle = () => --pending === 0 && resolve();
  const req = request({
    host: '127.0.0.1',
    port: relay.address().port,
    path: '/hello.txt',
    agent,
    headers: { 'user-agent': 'record-spdy-capture' },
  });
  req.on('error', reject);
  req.on('response', (res) => {
    let body = '';
    res.setEncoding('utf8');
    res.on('data', (chunk) => (body += chunk));
    res.on('end', () => {
      console.log('response', res.statusCode, JSON.stringify(body));
      settle();
    });
  });
  req.on('push', (stream) => {
    let body = '';
    stream.on('data', (chunk) => (body += chunk));
    stream.on('end', () => {
      console.log('pushed', stream.path, JSON.stringify(body));
      settle();
    });
  });
  req.end();
});

await done;
// Let the last frames (WINDOW_UPDATEs) pass the relay; the script then exits
// without closing, so the capture holds no teardown noise.
await new Promise((resolve) => setTimeout(resolve, 300));

const sent = Buffer.concat(toServer);
const received = Buffer.concat(toClient);
writeFileSync(fixture('spdy-transport-client-to-server.bin'), sent);
writeFileSync(fixture('spdy-transport-server-to-client.bin'), received);
console.log(`recorded ${sent.length} bytes client->server, ${received.length} bytes server->client`);
process.exit(0);

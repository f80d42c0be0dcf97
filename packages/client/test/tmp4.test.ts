import { it, expect } from 'vitest';
import type { AddressInfo } from 'node:net';
import { createServer } from '@spdy/server';
import { connect, formatTraceEvent } from '../src/index.js';
it('3.1 download', async () => {
  const BIG = Buffer.alloc(4 * 1024 * 1024, 7);
  const server = createServer({ plain: { version: 3.1 } }, (req, res) => {
    if (req.url === '/big') { res.end(BIG); return; }
    let n = 0; req.on('data', (c) => (n += c.length)); req.on('end', () => res.end(String(n)));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const lines: string[] = [];
  const session = await connect(origin, { spdy: 3.1, trace: (e) => { if (e.kind === 'control') lines.push(formatTraceEvent(e).split('\n')[0]); } });
  const which = process.env.WHICH ?? 'down';
  try {
    if (which === 'down') {
      const r = await session.request('/big').end().response;
      const b = await Promise.race([r.bytes(), new Promise((res) => setTimeout(() => res('stall'), 2000))]);
      console.log('result', typeof b === 'string' ? b : (b as Buffer).length);
    } else {
      const req = session.request('/up', { method: 'POST' });
      req.end(BIG);
      const r = await Promise.race([req.response.then((x) => x.text()), new Promise((res) => setTimeout(() => res('stall'), 2000))]);
      console.log('result', r);
    }
  } finally {
    console.log(lines.join('\n'));
    console.log('sendWindow0', session.engine.sendWindow(0), 'recvWindow0', session.engine.receiveWindow(0));
    session.destroy(); server.close();
  }
}, 10000);

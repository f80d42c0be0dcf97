import { type DataFrame, type Frame, FrameDecoder, SpdyProtocolError } from '@spdy/frames';
import { describe, expect, it } from 'vitest';
import { Session } from '../src/index.js';
import { DataScheduler, Fifo } from '../src/scheduler.js';

describe('Fifo', () => {
  it('keeps order through many pushes and shifts (compaction included)', () => {
    const q = new Fifo<number>();
    let next = 0;
    for (let i = 0; i < 10_000; i++) {
      q.push(i);
      if (i % 3 !== 0) expect(q.shift()).toBe(next++);
    }
    expect(q.length).toBe(10_000 - next);
    expect([...q][0]).toBe(next);
    expect(q.removeWhere((n) => n % 2 === 0).every((n) => n % 2 === 0)).toBe(true);
    expect([...q].every((n) => n % 2 === 1)).toBe(true);
  });
});

describe('DataScheduler', () => {
  const stream = (name: string, priority: number) => ({ name, priority, scheduled: false });

  it('serves the highest priority first and rotates among equals', () => {
    const s = new DataScheduler<ReturnType<typeof stream>>(8);
    const a = stream('a', 3);
    const b = stream('b', 3);
    const urgent = stream('urgent', 0);
    s.add(a);
    s.add(b);
    s.add(a); // already queued: not twice
    s.add(urgent);
    expect(s.size).toBe(3);
    const order: string[] = [];
    for (let i = 0; i < 7; i++) {
      const next = s.next()!;
      order.push(next.name);
      if (next !== urgent) s.add(next); // still has data: back of its level
    }
    expect(order).toEqual(['urgent', 'a', 'b', 'a', 'b', 'a', 'b']);
  });
});

/** Frames written by `session`, decoded. */
function written(session: Session, version: 2 | 3): Frame[] {
  const decoder = new FrameDecoder({ version });
  for (let out = session.pull(); out !== undefined; out = session.pull()) decoder.push(out);
  const frames: Frame[] = [];
  for (let item = decoder.next(); item !== undefined; item = decoder.next()) {
    if (item instanceof SpdyProtocolError) throw item;
    frames.push(item);
  }
  return frames;
}

describe('Session output order', () => {
  const request = { ':method': 'POST', ':path': '/', ':version': 'HTTP/1.1', ':scheme': 'https', ':host': 'h' };

  it('2.3.3: DATA of equal priority alternates one frame per stream; a higher priority goes first', () => {
    const client = new Session({ side: 'client', version: 3, maxOutboundDataFrameSize: 1000 });
    const body = new Uint8Array(3000);
    const low1 = client.submitRequest({ headers: request, priority: 5, body });
    const low2 = client.submitRequest({ headers: request, priority: 5, body });
    const high = client.submitRequest({ headers: request, priority: 1, body });
    const frames = written(client, 3);
    expect(frames.map((f) => f.type).slice(0, 4)).toEqual(['SETTINGS', 'SYN_STREAM', 'SYN_STREAM', 'SYN_STREAM']);
    const data = frames.filter((f): f is DataFrame => f.type === 'DATA').map((f) => f.streamId);
    expect(data).toEqual([high, high, high, low1, low2, low1, low2, low1, low2]);
  });

  it('2.6.5: a PING echo leaves ahead of everything already queued', () => {
    const server = new Session({ side: 'server', version: 3 });
    const client = new Session({ side: 'client', version: 3 });
    const pingId = client.submitPing();
    server.receive(client.pull()!);
    const frames = written(server, 3);
    expect(frames[0]).toEqual({ type: 'PING', flags: 0, id: pingId });
    expect(frames[1]!.type).toBe('SETTINGS');
  });

  it('SYN_STREAMs leave in stream id order, waiting while the peer limit is reached', () => {
    const client = new Session({ side: 'client', version: 3 });
    const server = new Session({ side: 'server', version: 3, maxConcurrentStreams: 2 });
    client.receive(server.pull()!);
    const ids = [0, 1, 2, 3].map(() => client.submitRequest({ headers: { ...request, ':method': 'GET' } }));
    const syns = written(client, 3).filter((f) => f.type === 'SYN_STREAM');
    expect(syns.map((f) => f.type === 'SYN_STREAM' && f.streamId)).toEqual([ids[0], ids[1]]);
    expect(client.outboundQueueSize).toBe(2);
  });
});

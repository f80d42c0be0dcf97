import type { ProtocolVersion } from '@spdy/frames';
import { RstStatus } from '@spdy/frames';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, describeTrace, type FrameTrace, type SpdyServer } from '../src/index.js';
import { bigBody, bigBodyHash, BLOCK, close, listen, sha256, testHandler } from './support/app.js';
import { header, TestClient } from './support/client.js';
import { makeCertificate, type KeyPair } from './support/tls.js';

const VERSIONS: ProtocolVersion[] = [2, 3, 3.1];
const MiB = 1 << 20;

let keys: KeyPair;
beforeAll(() => {
  keys = makeCertificate();
});
afterAll(() => keys.dispose());

describe.each(['plain', 'tls'] as const)('over %s', (transport) => {
  describe.each(VERSIONS)('SPDY/%s', (version) => {
    let server: SpdyServer;
    let port: number;
    const handlerErrors: unknown[] = [];

    beforeAll(async () => {
      server = createServer(transport === 'tls' ? { tls: { key: keys.key, cert: keys.cert } } : { plain: { version } }, testHandler);
      server.on('handlerError', (error) => handlerErrors.push(error));
      port = await listen(server);
    });
    afterAll(() => close(server));

    const connect = () => TestClient.connect(port, version, { tls: transport === 'tls' });

    it('answers a GET with status, headers and body', async () => {
      const client = await connect();
      const res = await client.request('/hello');
      expect(res.status).toBe('200 OK');
      expect(header(res.headers, 'content-type')).toBe('text/plain');
      expect(header(res.headers, 'connection')).toBeUndefined();
      expect(res.body.toString()).toBe(`hello GET ${version}`);
      client.close();
    });

    it('streams a POST body back (echo)', async () => {
      const client = await connect();
      const body = BLOCK.subarray(0, 300_000);
      const res = await client.request('/echo', { body });
      expect(res.status).toBe('200 OK');
      expect(sha256(res.body)).toBe(sha256(body));
      client.close();
    });

    it('downloads 16 MiB intact', async () => {
      const client = await connect();
      const res = await client.request(`/big/${16 * MiB}`);
      expect(res.body.length).toBe(16 * MiB);
      expect(sha256(res.body)).toBe(bigBodyHash(16 * MiB));
      client.close();
    });

    it('uploads 8 MiB intact', async () => {
      const client = await connect();
      const chunks: Buffer[] = [];
      for await (const chunk of bigBody(8 * MiB)) chunks.push(chunk as Buffer);
      const res = await client.request('/hash', { body: Buffer.concat(chunks) });
      expect(res.body.toString()).toBe(bigBodyHash(8 * MiB));
      client.close();
    });

    it('serves many concurrent streams on one session, beyond MAX_CONCURRENT_STREAMS by queueing', async () => {
      const client = await connect();
      const responses = await Promise.all(Array.from({ length: 250 }, (_, i) => client.request(`/big/${1000 + i}`)));
      responses.forEach((res, i) => {
        expect(res.resetStatus).toBe(0);
        expect(res.body.length).toBe(1000 + i);
      });
      client.close();
    });

    it('pushes the resources of a page', async () => {
      const client = await connect();
      const res = await client.request('/page');
      expect(res.body.toString()).toBe('<html>pushed</html>');
      await Promise.all(client.pushes.map((p) => p.closed));
      const byPath = Object.fromEntries(client.pushes.map((p) => [header(p.headers, ':path'), p]));
      expect(Object.keys(byPath).sort()).toEqual(['/app.js', '/style.css']);
      expect(byPath['/style.css']!.body.toString()).toBe('body { color: red }');
      expect(byPath['/style.css']!.associatedStreamId).toBe(res.streamId);
      client.close();
    });

    it('sends trailers in a HEADERS frame with FIN', async () => {
      const client = await connect();
      const res = await client.request('/trailers');
      expect(res.body.toString()).toBe('body');
      expect(header(res.trailers, 'x-checksum')).toBe('abc');
      client.close();
    });

    it('answers HEAD without a body', async () => {
      const client = await connect();
      const res = await client.request('/hello', { method: 'HEAD' });
      expect(res.status).toBe('200 OK');
      expect(res.body.length).toBe(0);
      client.close();
    });

    it('turns a throwing handler into a 500 and reports it', async () => {
      const client = await connect();
      const before = handlerErrors.length;
      const res = await client.request('/throw');
      expect(res.status).toBe('500 Internal Server Error');
      expect(handlerErrors.length).toBe(before + 1);
      client.close();
    });
  });
});

describe('frame trace and peer resets', () => {
  it('reports every frame both ways and survives a client CANCEL', async () => {
    const traces: FrameTrace[] = [];
    const server = createServer({ plain: { version: 3.1 } }, testHandler);
    server.on('frame', (trace) => traces.push(trace));
    const port = await listen(server);
    const client = await TestClient.connect(port, 3.1);
    await client.request('/hello');
    const kinds = traces.map((t) => `${t.direction} ${t.frame.type}`);
    expect(kinds).toContain('recv SYN_STREAM');
    expect(kinds).toContain('send SYN_REPLY');
    expect(kinds).toContain('send DATA');
    expect(describeTrace(traces.find((t) => t.frame.type === 'SYN_STREAM')!)).toContain(':path: /hello');

    // A cancelled download: the server must keep serving.
    const big = client.request(`/big/${16 * MiB}`);
    const id = client.lastStreamId;
    client.session.submitRstStream(id, RstStatus.CANCEL);
    client.flush();
    const cancelled = await big;
    expect(cancelled.resetStatus).toBe(RstStatus.CANCEL);
    const after = await client.request('/hello');
    expect(after.body.toString()).toBe('hello GET 3.1');
    client.close();
    await close(server);
  });
});

describe('100 MiB bodies', () => {
  it('download and upload over SPDY/3.1, checked by hash', async () => {
    const server = createServer({ plain: { version: 3.1 } }, testHandler);
    const port = await listen(server);
    const client = await TestClient.connect(port, 3.1);
    const down = await client.request(`/big/${100 * MiB}`);
    expect(down.body.length).toBe(100 * MiB);
    expect(sha256(down.body)).toBe(bigBodyHash(100 * MiB));
    const up = await client.request('/hash', { body: down.body });
    expect(up.body.toString()).toBe(bigBodyHash(100 * MiB));
    client.close();
    await close(server);
  });
});

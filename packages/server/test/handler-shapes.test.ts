import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BaseSPDYRequestHandler, createServer, type RequestListener, type ServerRequest, type ServerResponse, type SpdyServer } from '../src/index.js';
import { close, listen } from './support/app.js';
import { header, TestClient } from './support/client.js';

class EchoHandler extends BaseSPDYRequestHandler {
  static override serverVersion = 'test-server/1';

  doGET(): void {
    this.sendResponse(200);
    this.sendHeader('content-type', 'text/plain');
    this.sendHeader('x-multi', 'a');
    this.sendHeader('x-multi', 'b');
    this.endHeaders();
    const host = this.headers.find(([name]) => name === 'host')?.[1];
    this.wfile.end(`${this.command} ${this.path} ${this.requestVersion} host=${host} from=${this.clientAddress[0]}`);
  }

  async doPOST(): Promise<void> {
    let length = 0;
    for await (const chunk of this.rfile) length += (chunk as Buffer).length;
    this.sendResponse(201, 'Made');
    this.endHeaders();
    this.wfile.write(`got ${length}`);
    // No end(): handle() ends the response when doPOST returns.
  }

  doTEAPOT(): void {
    this.sendError(418, 'I am a <teapot>');
  }
}

describe('BaseSPDYRequestHandler', () => {
  let server: SpdyServer;
  let port: number;
  beforeAll(async () => {
    server = createServer({ plain: { version: 3.1 } }, EchoHandler);
    port = await listen(server);
  });
  afterAll(() => close(server));

  it('dispatches do<METHOD> with the request fields', async () => {
    const client = await TestClient.connect(port, 3.1);
    const res = await client.request('/x?y=1');
    expect(res.status).toBe('200 OK');
    expect(header(res.headers, 'server')).toBe('test-server/1');
    expect(res.headers.filter(([name]) => name === 'x-multi').map(([, value]) => value)).toEqual(['a', 'b']);
    expect(res.body.toString()).toBe(`GET /x?y=1 HTTP/1.1 host=127.0.0.1:${port} from=127.0.0.1`);
    client.close();
  });

  it('reads the body through rfile and ends the response after doPOST', async () => {
    const client = await TestClient.connect(port, 3.1);
    const res = await client.request('/upload', { body: 'x'.repeat(70_000) });
    expect(res.status).toBe('201 Made');
    expect(res.body.toString()).toBe('got 70000');
    client.close();
  });

  it('answers 501 for a method without do<METHOD>, and sendError escapes its message', async () => {
    const client = await TestClient.connect(port, 3.1);
    const missing = await client.request('/', { method: 'DELETE' });
    expect(missing.status).toBe('501 Unsupported method (DELETE)');
    const teapot = await client.request('/', { method: 'TEAPOT' });
    expect(teapot.status).toBe("418 I am a <teapot>");
    expect(teapot.body.toString()).toContain('I am a &#60;teapot&#62;');
    client.close();
  });

  it('works over HTTP/1.1 too', async () => {
    const body = await new Promise<string>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, path: '/h1' }, (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve(text));
      });
      req.on('error', reject);
      req.end();
    });
    expect(body).toBe(`GET /h1 HTTP/1.1 host=127.0.0.1:${port} from=127.0.0.1`);
  });
});

/** A tiny Express-like router: middleware with next(), res.status/res.json helpers added per request. */
function miniApp() {
  type Next = (error?: unknown) => void;
  type Middleware = (req: ServerRequest, res: ServerResponse, next: Next) => void;
  const stack: Middleware[] = [];
  const app: RequestListener & { use(m: Middleware): void } = Object.assign(
    (req: ServerRequest, res: ServerResponse) => {
      let i = 0;
      const next: Next = (error) => {
        if (error !== undefined) {
          res.statusCode = 500;
          res.end(String(error));
          return;
        }
        const layer = stack[i++];
        if (layer) layer(req, res, next);
        else {
          res.statusCode = 404;
          res.end();
        }
      };
      next();
    },
    { use: (m: Middleware) => void stack.push(m) },
  );
  return app;
}

describe('node:http-style middleware', () => {
  it('runs a middleware chain that reads headers, sets headers and writes JSON', async () => {
    const app = miniApp();
    app.use((req, res, next) => {
      res.setHeader('x-request-path', req.url ?? '');
      next();
    });
    app.use((req, _res, next) => (req.headers['x-fail'] ? next('failed') : next()));
    app.use((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ method: req.method, ua: req.headers['user-agent'], has: res.hasHeader('x-request-path') }));
    });
    const server = createServer({ plain: { version: 3 } }, app);
    const port = await listen(server);
    const client = await TestClient.connect(port, 3);
    const ok = await client.request('/json', { headers: { 'user-agent': 'test' } });
    expect(header(ok.headers, 'x-request-path')).toBe('/json');
    expect(JSON.parse(ok.body.toString())).toEqual({ method: 'GET', ua: 'test', has: true });
    const failed = await client.request('/json', { headers: { 'x-fail': '1' } });
    expect(failed.status).toBe('500 Internal Server Error');
    expect(failed.body.toString()).toBe('failed');
    client.close();
    await close(server);
  });

  it('refuses to change headers once sent, as node:http does', async () => {
    let error: unknown;
    const server = createServer({ plain: { version: 3 } }, (_req, res) => {
      res.write('x');
      try {
        res.setHeader('late', '1');
      } catch (e) {
        error = e;
      }
      res.end();
    });
    const port = await listen(server);
    const client = await TestClient.connect(port, 3);
    await client.request('/');
    expect((error as { code?: string }).code).toBe('ERR_HTTP_HEADERS_SENT');
    client.close();
    await close(server);
  });
});

describe('setTimeout on requests and responses', () => {
  it("emits 'timeout' after inactivity, and resets the stream when nobody listens", async () => {
    const timeouts: string[] = [];
    const server = createServer({ plain: { version: 3 } }, (req, res) => {
      if (req.url === '/listened') {
        res.setTimeout(30, () => {
          timeouts.push('res');
          res.end('timed out');
        });
      } else {
        req.setTimeout(30); // nobody listens: the stream is reset
      }
    });
    const port = await listen(server);
    const client = await TestClient.connect(port, 3);
    const listened = await client.request('/listened');
    expect(listened.body.toString()).toBe('timed out');
    expect(timeouts).toEqual(['res']);
    const unheard = await client.request('/unheard');
    expect(unheard.resetStatus).toBe(5); // CANCEL
    client.close();
    await close(server);
  });
});

describe('writeHead', () => {
  it('freezes the headers; writeHead(204) then end() is one SYN_REPLY with FIN', async () => {
    const frames: string[] = [];
    const server = createServer({ plain: { version: 3 } }, (_req, res) => {
      res.writeHead(204, { 'x-a': '1' });
      expect(res.headersSent).toBe(true);
      expect(() => res.setHeader('x-b', '2')).toThrow(/after they are sent/);
      res.end();
    });
    server.on('frame', ({ direction, frame }) => {
      if (direction === 'send' && frame.type !== 'SETTINGS') frames.push(`${frame.type}${frame.flags & 1 ? '+FIN' : ''}`);
    });
    const port = await listen(server);
    const client = await TestClient.connect(port, 3);
    const res = await client.request('/');
    expect(res.status).toBe('204 No Content');
    expect(header(res.headers, 'x-a')).toBe('1');
    expect(frames).toEqual(['SYN_REPLY+FIN']);
    client.close();
    await close(server);
  });
});

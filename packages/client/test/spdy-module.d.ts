/** The part of the `spdy` npm package (a test peer, no types of its own) these tests use. */
declare module 'spdy' {
  import type { IncomingMessage, ServerResponse } from 'node:http';
  import type { Server } from 'node:net';

  interface PushOptions {
    request?: Record<string, string>;
    response?: Record<string, string>;
  }
  export type SpdyServerResponse = ServerResponse & { push(path: string, options: PushOptions): NodeJS.WritableStream };
  export function createServer(options: object, handler: (req: IncomingMessage, res: SpdyServerResponse) => void): Server;
  const spdy: { createServer: typeof createServer };
  export default spdy;
}

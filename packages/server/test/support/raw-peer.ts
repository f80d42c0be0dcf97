/** A raw TCP peer for hostile-client tests: writes any bytes, collects the server's frames (SPDY/3 wire). */
import { FrameDecoder, type Frame } from '@spdy/frames';
import { connect, type Socket } from 'node:net';

export interface RawPeer {
  socket: Socket;
  frames: Frame[];
  closed: Promise<void>;
  /** Resolves once `test` holds for the frames received (checked on every chunk; rejects if the socket closes first). */
  until(test: (frames: Frame[]) => boolean): Promise<void>;
}

export async function rawConnect(port: number): Promise<RawPeer> {
  const socket = connect({ host: '127.0.0.1', port });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const decoder = new FrameDecoder({ version: 3 });
  const frames: Frame[] = [];
  socket.on('data', (chunk: Buffer) => {
    decoder.push(chunk);
    for (let item = decoder.next(); item !== undefined; item = decoder.next()) if (!(item instanceof Error)) frames.push(item);
  });
  socket.on('error', () => {});
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  const until = (test: (frames: Frame[]) => boolean): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      if (test(frames)) return resolve();
      const check = (): void => {
        if (!test(frames)) return;
        socket.off('data', check);
        resolve();
      };
      socket.on('data', check);
      void closed.then(() => (test(frames) ? resolve() : reject(new Error('closed before the condition held'))));
    });
  return { socket, frames, closed, until };
}

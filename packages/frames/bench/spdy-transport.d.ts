/**
 * The DATA path of spdy-transport 3.0.0's SPDY framer and parser (the codec
 * under the `spdy` npm package), which ships no types; shapes read from its
 * lib/spdy-transport/protocol/{base,spdy}/*.js.
 */
declare module 'spdy-transport' {
  import type { EventEmitter } from 'node:events';

  export interface TransportWindow {
    send: { update(delta: number, onWritable?: () => void): void };
    recv: { update(delta: number): void };
  }

  export interface CompressionPair {
    readonly compress: unknown;
    readonly decompress: unknown;
  }

  export interface ScheduledWrite {
    chunks: Buffer[];
    callback?: ((err?: Error | null) => void) | undefined;
  }

  export interface SpdyFramer {
    setVersion(version: 2 | 3 | 3.1): void;
    setCompression(pair: CompressionPair): void;
    /** The write queue; each frame's bytes pass through it once. */
    schedule(write: ScheduledWrite): void;
    dataFrame(frame: { id: number; fin: boolean; priority: number; data: Buffer }, callback?: (err?: Error | null) => void): void;
  }

  /** An object-mode Transform: bytes in, frame objects out. */
  export interface SpdyParser extends EventEmitter {
    setVersion(version: 2 | 3 | 3.1): void;
    setCompression(pair: CompressionPair): void;
    write(chunk: Uint8Array, callback?: (err?: Error | null) => void): boolean;
  }

  const transport: {
    protocol: {
      spdy: {
        framer: { create(options: { window: TransportWindow }): SpdyFramer };
        parser: { create(options: { window: TransportWindow; isServer: boolean }): SpdyParser };
        compressionPool: { create(compression: boolean): { get(version: 2 | 3 | 3.1): CompressionPair } };
      };
    };
  };
  export default transport;
}

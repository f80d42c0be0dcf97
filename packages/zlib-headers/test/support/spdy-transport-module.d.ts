/**
 * The small part of spdy-transport 3.0.0 (no types of its own) that the
 * interop tests and the benchmarks drive: the SPDY framer, parser and
 * compression pool of `transport.protocol.spdy`. Shapes are read from its
 * lib/spdy-transport/protocol/{base,spdy}/*.js.
 */
declare module 'spdy-transport' {
  import type { EventEmitter } from 'node:events';

  /** spdy-transport's name for a protocol version; 3.1 is 3 on the wire. */
  export type SpdyTransportVersion = 2 | 3 | 3.1;

  /** Callback of every framer operation and of the parser's stream writes. */
  export type Callback = (err?: Error | null) => void;

  /** A flow-control window; the codec only calls `update`. */
  export interface TransportWindow {
    send: { update(delta: number, onWritable?: () => void): void };
    recv: { update(delta: number): void };
  }

  /** One deflate/inflate pair (Node zlib streams with SPDY's dictionary). */
  export interface CompressionPair {
    readonly version: SpdyTransportVersion;
    readonly compress: unknown;
    readonly decompress: unknown;
  }

  export interface CompressionPool {
    get(version: SpdyTransportVersion): CompressionPair;
    put(pair: CompressionPair): void;
  }

  /** What the framer hands to its write scheduler: the frame's bytes. */
  export interface ScheduledWrite {
    stream: number;
    priority: number | false;
    chunks: Buffer[];
    callback?: Callback | undefined;
  }

  export type PeerHeaders = Record<string, string | string[]>;

  export interface SpdyFramer extends EventEmitter {
    setVersion(version: SpdyTransportVersion): void;
    setCompression(pair: CompressionPair): void;
    enablePush(enable: boolean): void;
    /** The write queue; each frame's bytes pass through it exactly once, in order. */
    schedule(write: ScheduledWrite): void;
    requestFrame(
      frame: {
        id: number;
        fin?: boolean;
        method?: string;
        version?: string;
        scheme?: string;
        host?: string;
        path: string;
        priority?: { weight: number };
        headers: PeerHeaders;
      },
      callback?: Callback,
    ): void;
    pushFrame(
      frame: {
        id: number;
        promisedId: number;
        method?: string;
        status?: string | number;
        version?: string;
        scheme?: string;
        host?: string;
        path: string;
        priority?: { weight: number };
        headers: PeerHeaders;
        response?: PeerHeaders;
      },
      callback?: Callback,
    ): void;
    responseFrame(frame: { id: number; status: string | number; reason?: string; headers: PeerHeaders }, callback?: Callback): void;
    headersFrame(frame: { id: number; headers: PeerHeaders }, callback?: Callback): void;
    dataFrame(frame: { id: number; fin: boolean; priority: number; data: Buffer }, callback?: Callback): void;
    pingFrame(frame: { opaque: Buffer }, callback?: Callback): void;
    rstFrame(frame: { id: number; code: string; extra?: string }, callback?: Callback): void;
    settingsFrame(settings: Record<string, number>, callback?: Callback): void;
    windowUpdateFrame(frame: { id: number; delta: number }, callback?: Callback): void;
    goawayFrame(frame: { lastId: number; code: string }, callback?: Callback): void;
  }

  /** The parser is an object-mode Transform: bytes in, frame objects out. */
  export interface SpdyParser extends EventEmitter {
    setVersion(version: SpdyTransportVersion): void;
    setCompression(pair: CompressionPair): void;
    write(chunk: Uint8Array, callback?: Callback): boolean;
  }

  export interface SpdyProtocol {
    framer: { create(options: { window: TransportWindow; timeout?: unknown }): SpdyFramer };
    parser: { create(options: { window: TransportWindow; isServer: boolean }): SpdyParser };
    compressionPool: { create(compression: boolean): CompressionPool };
    constants: {
      /** RST_STREAM status name -> code. */
      error: Record<string, number>;
      /** RST_STREAM code -> name. */
      errorByCode: Array<string | undefined>;
      /** GOAWAY status name -> code. */
      goaway: Record<string, number>;
      goawayByCode: Array<string | undefined>;
      /** SETTINGS id -> the option name the framer and parser use. */
      settingsIndex: Array<string | null>;
      DEFAULT_WEIGHT: number;
    };
  }

  const transport: {
    protocol: { spdy: SpdyProtocol; base: { utils: { weightToPriority(weight: number): number; priorityToWeight(priority: number): number } } };
  };
  export default transport;
}

/**
 * Our side of the interop tests: frames with header lists to bytes and back,
 * through one compression context per direction for a whole sequence, as a
 * session uses the codec.
 */
import { FrameDecoder, SpdyProtocolError, encodeFrame, wireVersion } from '@spdy/frames';
import type { Frame, ProtocolVersion } from '@spdy/frames';
import { HeaderDeflater, HeaderInflater } from '../../src/index.js';
import type { FrameWithHeaders } from './spdy-transport.js';

/** Encodes frames in order, deflating their header lists through one context. */
export class OurEncoder {
  private readonly deflater: HeaderDeflater;

  constructor(readonly version: ProtocolVersion, level: number) {
    this.deflater = new HeaderDeflater(version, { level });
  }

  encode(frames: Iterable<FrameWithHeaders>): Uint8Array {
    const parts: Uint8Array[] = [];
    for (const f of frames) parts.push(encodeFrame(this.withBlock(f), wireVersion(this.version)));
    const all = Buffer.concat(parts);
    return new Uint8Array(all.buffer, all.byteOffset, all.length);
  }

  /** The frame with its header list deflated into a header block. */
  private withBlock(f: FrameWithHeaders): Frame {
    switch (f.type) {
      case 'SYN_STREAM': {
        const { headers, ...rest } = f;
        return { ...rest, headerBlock: this.deflater.deflate(headers) };
      }
      case 'SYN_REPLY': {
        const { headers, ...rest } = f;
        return { ...rest, headerBlock: this.deflater.deflate(headers) };
      }
      case 'HEADERS': {
        const { headers, ...rest } = f;
        return { ...rest, headerBlock: this.deflater.deflate(headers) };
      }
      default:
        return f;
    }
  }
}

/** Decodes frames in order, from any chunking, inflating header blocks through one context; throws the first error. */
export class OurDecoder {
  private readonly frames: FrameDecoder;
  private readonly inflater: HeaderInflater;

  constructor(readonly version: ProtocolVersion) {
    this.frames = new FrameDecoder({ version: wireVersion(version) });
    this.inflater = new HeaderInflater(version);
  }

  decode(bytes: Uint8Array): FrameWithHeaders[] {
    this.frames.push(bytes);
    const out: FrameWithHeaders[] = [];
    for (let item = this.frames.next(); item !== undefined; item = this.frames.next()) {
      if (item instanceof SpdyProtocolError) throw item;
      if ('headerBlock' in item) {
        const { headerBlock, ...rest } = item;
        out.push({ ...rest, headers: this.inflater.inflate(headerBlock, item.streamId, item.type) });
      } else {
        out.push(item);
      }
    }
    return out;
  }

  /** Decodes a complete sequence: like `decode`, and the bytes must end on a frame boundary. */
  decodeAll(bytes: Uint8Array): FrameWithHeaders[] {
    const out = this.decode(bytes);
    const truncated = this.frames.finish();
    if (truncated !== undefined) throw truncated;
    return out;
  }
}

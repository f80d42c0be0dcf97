/**
 * Our side of the interop tests: the header-frame codec of this package
 * (HeaderFrameEncoder / HeaderFrameDecoder), one compression context per
 * direction for a whole sequence, as a session uses it.
 */
import { SpdyProtocolError } from '@spdy/frames';
import type { ProtocolVersion } from '@spdy/frames';
import { type DecodedFrame, HeaderFrameDecoder, HeaderFrameEncoder } from '../../src/index.js';

/** Encodes frames in order, deflating their headers through one context. */
export class OurEncoder {
  private readonly encoder: HeaderFrameEncoder;

  constructor(version: ProtocolVersion, level: number) {
    this.encoder = new HeaderFrameEncoder({ version, level });
  }

  encode(frames: Iterable<DecodedFrame>): Uint8Array {
    const all = Buffer.concat(Array.from(frames, (f) => this.encoder.encode(f)));
    return new Uint8Array(all.buffer, all.byteOffset, all.length);
  }
}

/** Decodes frames in order, from any chunking, inflating header blocks through one context; throws the first error. */
export class OurDecoder {
  private readonly decoder: HeaderFrameDecoder;

  constructor(version: ProtocolVersion) {
    this.decoder = new HeaderFrameDecoder({ version });
  }

  decode(bytes: Uint8Array): DecodedFrame[] {
    const out: DecodedFrame[] = [];
    for (const item of this.decoder.decode(bytes)) {
      if (item instanceof SpdyProtocolError) throw item;
      out.push(item);
    }
    return out;
  }

  /** Decodes a complete sequence: like `decode`, and the bytes must end on a frame boundary. */
  decodeAll(bytes: Uint8Array): DecodedFrame[] {
    const out = this.decode(bytes);
    const truncated = this.decoder.finish();
    if (truncated !== undefined) throw truncated;
    return out;
  }
}

/**
 * Interop with the `spdy` npm package's codec (spdy-transport 3.0.0) in both
 * directions of one session at once: requests go one way and replies the
 * other, turn by turn, each direction through its own compression context
 * for the whole session, with our codec on one side and its framer and
 * parser (sharing one compression pair, as its Connection does) on the other.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ProtocolVersion } from '@spdy/frames';
import { type DecodedFrame, defaultCompressionLevel } from '../src/index.js';
import { peerReadableFrame, peerWritableFrame } from './support/interop-arbitraries.js';
import { OurDecoder, OurEncoder } from './support/our-codec.js';
import { PeerEndpoint, peerViewOf } from './support/spdy-transport.js';

const versions: ProtocolVersion[] = [2, 3, 3.1];

/** A session as turns: the client sends `up`, then the server sends `down`. */
function turns(up: fc.Arbitrary<DecodedFrame>, down: fc.Arbitrary<DecodedFrame>) {
  return fc.array(fc.record({ up: fc.array(up, { maxLength: 4 }), down: fc.array(down, { maxLength: 4 }) }), { minLength: 1, maxLength: 12 });
}

describe.each(versions)('SPDY/%s: one session, both directions', (version) => {
  it.each([
    ['stored blocks (its default)', false],
    ['compressed blocks', true],
  ])('we are the client (level 0), spdy-transport the server writing %s', async (_name, compression) => {
    await fc.assert(
      fc.asyncProperty(turns(peerReadableFrame(version), peerWritableFrame(version)), async (session) => {
        const client = { encoder: new OurEncoder(version, defaultCompressionLevel('client')), decoder: new OurDecoder(version) };
        const server = new PeerEndpoint(version, { isServer: true, compression });
        for (const { up, down } of session) {
          expect(await server.decode(client.encoder.encode(up))).toEqual(up.flatMap((f) => peerViewOf(f, version, true)));
          expect(client.decoder.decode(await server.encode(down))).toEqual(down);
        }
      }),
      { numRuns: 25 },
    );
  });

  it('spdy-transport is the client (its default, stored blocks), we are the server (server default level)', async () => {
    await fc.assert(
      fc.asyncProperty(turns(peerWritableFrame(version), peerReadableFrame(version)), async (session) => {
        const client = new PeerEndpoint(version, { isServer: false });
        const server = { encoder: new OurEncoder(version, defaultCompressionLevel('server')), decoder: new OurDecoder(version) };
        for (const { up, down } of session) {
          expect(server.decoder.decode(await client.encode(up))).toEqual(up);
          expect(await client.decode(server.encoder.encode(down))).toEqual(down.flatMap((f) => peerViewOf(f, version, false)));
        }
      }),
      { numRuns: 25 },
    );
  });
});

/**
 * ALPN helpers, in place of spdylay's NPN helpers (`get_npn_protocols`,
 * `npn_get_version`). SPDY/3.1 is version 3 on the wire, so the negotiated
 * protocol name is the only way to know it.
 */

import type { ProtocolVersion } from '@spdy/frames';

/** Protocol names to offer in ALPN, most preferred first. */
export const ALPN_PROTOCOLS: readonly string[] = Object.freeze(['spdy/3.1', 'spdy/3', 'spdy/2']);

/** The version a negotiated ALPN (or NPN) protocol name selects, or undefined if it is not SPDY. */
export function alpnToVersion(protocol: string): ProtocolVersion | undefined {
  switch (protocol) {
    case 'spdy/3.1':
      return 3.1;
    case 'spdy/3':
      return 3;
    case 'spdy/2':
      return 2;
    default:
      return undefined;
  }
}

/** The ALPN protocol name of a version. */
export function versionToAlpn(version: ProtocolVersion): string {
  return version === 3.1 ? 'spdy/3.1' : version === 3 ? 'spdy/3' : 'spdy/2';
}

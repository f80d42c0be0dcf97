import { describe, expect, it } from 'vitest';
import { DEFAULT_PROTOCOLS, DEFAULTS } from '../src/index.js';
import { resolveOptions, sessionOptionsFor } from '../src/options.js';

describe('server options', () => {
  it('defaults: plain SPDY/3.1, safe limits, manual flow control for sessions', () => {
    const options = resolveOptions({});
    expect(options.plainVersion).toBe(3.1);
    expect(options.protocols).toEqual(DEFAULT_PROTOCOLS);
    expect(options).toMatchObject({ ...DEFAULTS, expressCompatible: false });
    expect(sessionOptionsFor(options, 3, 0)).toMatchObject({ side: 'server', version: 3, flowControl: 'manual', maxConcurrentStreams: 100, idleTimeout: 120_000 });
    expect(sessionOptionsFor(options, 3, 0)).not.toHaveProperty('keepAliveInterval');
  });

  it('TLS with a protocol order of our own', () => {
    const options = resolveOptions({ tls: { protocols: ['http/1.1', 'spdy/3'] } });
    expect(options.plainVersion).toBeUndefined();
    expect(options.protocols).toEqual(['http/1.1', 'spdy/3']);
  });

  it('rejects impossible values', () => {
    expect(() => resolveOptions({ tls: {}, plain: { version: 3 } })).toThrow(TypeError);
    expect(() => resolveOptions({ plain: { version: 4 as 3 } })).toThrow(RangeError);
    expect(() => resolveOptions({ maxConcurrentStreams: -1 })).toThrow(RangeError);
    expect(() => resolveOptions({ idleTimeout: 1.5 })).toThrow(RangeError);
    expect(() => resolveOptions({ highWaterMark: 0 })).toThrow(RangeError);
    expect(() => resolveOptions({ tls: { protocols: [] } })).toThrow(RangeError);
  });
});

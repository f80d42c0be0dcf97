/** Test helpers: a peer compressor that takes raw name/value blocks, valid or not. */
import { Deflate, type DeflateOptions, constants } from 'pako';
import { dictionaryFor } from '../src/index.js';

/**
 * A zlib stream primed with the version's dictionary that compresses raw
 * bytes, one SYNC_FLUSHed block per call: it plays a peer that sends blocks
 * our encoder would refuse to write.
 */
export function rawCompressor(version: 2 | 3, options: Pick<DeflateOptions, 'level' | 'windowBits'> = {}): (raw: Uint8Array) => Uint8Array {
  const deflate = new Deflate({ level: options.level ?? 9, windowBits: options.windowBits ?? 11, dictionary: dictionaryFor(version) });
  let chunks: Uint8Array[] = [];
  deflate.onData = (chunk) => chunks.push(chunk as Uint8Array);
  return (raw) => {
    chunks = [];
    deflate.push(raw, constants.Z_SYNC_FLUSH);
    const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
    let at = 0;
    for (const c of chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  };
}

export const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
export const fromHex = (h: string) => new Uint8Array(Buffer.from(h.replace(/\s+/g, ''), 'hex'));

// inflate.cjs has the API of the pako module it alters (its types: ../../pako-zlib.d.ts).
export { inflate, inflateInit2, inflateSetDictionary } from 'pako/lib/zlib/inflate.js';

export {
  SPDY2_DICTIONARY,
  SPDY2_DICTIONARY_ID,
  SPDY3_DICTIONARY,
  SPDY3_DICTIONARY_ID,
  dictionaryFor,
  dictionaryIdFor,
} from './dictionaries.js';
export { HeaderErrorCode, type HeaderErrorCodeValue, INFLATE_WORK_FACTOR } from './errors.js';
export { type DecodeNameValueOptions, type HeaderInput, type HeaderList, decodeNameValueBlock, encodeNameValueBlock } from './nv-block.js';
export { DEFAULT_COMPRESSION_LEVEL, DEFAULT_MEM_LEVEL, DEFAULT_WINDOW_BITS, HeaderDeflater, type HeaderDeflaterOptions, defaultCompressionLevel } from './deflater.js';
export { DEFAULT_MAX_HEADER_LIST_SIZE, HeaderInflater, type HeaderInflaterOptions } from './inflater.js';
export {
  type DecodedFrame,
  type DecodedHeadersFrame,
  type DecodedSynReplyFrame,
  type DecodedSynStreamFrame,
  type FrameToEncode,
  type HeaderFrameToEncode,
  HeaderFrameDecoder,
  type HeaderFrameDecoderOptions,
  HeaderFrameEncoder,
  type HeaderFrameEncoderOptions,
  type WithHeaders,
} from './header-frames.js';

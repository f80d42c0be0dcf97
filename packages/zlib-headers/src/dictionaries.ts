/**
 * The preset zlib dictionaries of SPDY header compression (v2 "Name/Value
 * header block format", v3/3.1 §2.6.10.1).
 *
 * The bytes are written as latin1 string literals (one char = one byte) and
 * turned into Uint8Arrays at load: no base64 decoder or Node API is needed,
 * and the v2 text stays readable. They were generated from the verified
 * `spdy-dictionary-v2.bin` and `spdy-dictionary-v3.bin` reference files;
 * test/dictionaries.test.ts pins their length, sha256 and Adler-32.
 */

import type { WireVersion } from '@spdy/frames';

/**
 * SPDY/2: 906 bytes of text plus the trailing NUL the draft asks for (907
 * bytes). Without the NUL the DICTID is 0x8df051b2 and real peers reject it.
 */
const V2_TEXT =
  'optionsgetheadpostputdeletetraceacceptaccept-cha' +
  'rsetaccept-encodingaccept-languageauthorizatione' +
  'xpectfromhostif-modified-sinceif-matchif-none-ma' +
  'tchif-rangeif-unmodifiedsincemax-forwardsproxy-a' +
  'uthorizationrangerefererteuser-agent100101200201' +
  '202203204205206300301302303304305306307400401402' +
  '403404405406407408409410411412413414415416417500' +
  '501502503504505accept-rangesageetaglocationproxy' +
  '-authenticatepublicretry-afterservervarywarningw' +
  'ww-authenticateallowcontent-basecontent-encoding' +
  'cache-controlconnectiondatetrailertransfer-encod' +
  'ingupgradeviawarningcontent-languagecontent-leng' +
  'thcontent-locationcontent-md5content-rangeconten' +
  't-typeetagexpireslast-modifiedset-cookieMondayTu' +
  'esdayWednesdayThursdayFridaySaturdaySundayJanFeb' +
  'MarAprMayJunJulAugSepOctNovDecchunkedtext/htmlim' +
  'age/pngimage/jpgimage/gifapplication/xmlapplicat' +
  'ion/xhtmltext/plainpublicmax-agecharset=iso-8859' +
  '-1utf-8gzipdeflateHTTP/1.1statusversionurl' +
  '\x00';

/** SPDY/3 and SPDY/3.1 (the same dictionary): 1423 bytes, no terminator. */
const V3_TEXT =
  '\x00\x00\x00\x07options\x00\x00\x00\x04head\x00\x00\x00\x04post\x00\x00\x00\x03put\x00\x00\x00\x06delete\x00\x00\x00\x05' +
  'trace\x00\x00\x00\x06accept\x00\x00\x00\x0eaccept-charset\x00\x00\x00\x0faccept-enco' +
  'ding\x00\x00\x00\x0faccept-language\x00\x00\x00\x0daccept-ranges\x00\x00\x00\x03age\x00' +
  '\x00\x00\x05allow\x00\x00\x00\x0dauthorization\x00\x00\x00\x0dcache-control\x00\x00\x00\x0aco' +
  'nnection\x00\x00\x00\x0ccontent-base\x00\x00\x00\x10content-encoding\x00\x00\x00\x10' +
  'content-language\x00\x00\x00\x0econtent-length\x00\x00\x00\x10content-lo' +
  'cation\x00\x00\x00\x0bcontent-md5\x00\x00\x00\x0dcontent-range\x00\x00\x00\x0cconten' +
  't-type\x00\x00\x00\x04date\x00\x00\x00\x04etag\x00\x00\x00\x06expect\x00\x00\x00\x07expires\x00\x00\x00\x04f' +
  'rom\x00\x00\x00\x04host\x00\x00\x00\x08if-match\x00\x00\x00\x11if-modified-since\x00\x00\x00\x0d' +
  'if-none-match\x00\x00\x00\x08if-range\x00\x00\x00\x13if-unmodified-since' +
  '\x00\x00\x00\x0dlast-modified\x00\x00\x00\x08location\x00\x00\x00\x0cmax-forwards\x00\x00\x00' +
  '\x06pragma\x00\x00\x00\x12proxy-authenticate\x00\x00\x00\x13proxy-authoriza' +
  'tion\x00\x00\x00\x05range\x00\x00\x00\x07referer\x00\x00\x00\x0bretry-after\x00\x00\x00\x06serve' +
  'r\x00\x00\x00\x02te\x00\x00\x00\x07trailer\x00\x00\x00\x11transfer-encoding\x00\x00\x00\x07upgra' +
  'de\x00\x00\x00\x0auser-agent\x00\x00\x00\x04vary\x00\x00\x00\x03via\x00\x00\x00\x07warning\x00\x00\x00\x10ww' +
  'w-authenticate\x00\x00\x00\x06method\x00\x00\x00\x03get\x00\x00\x00\x06status\x00\x00\x00\x06200' +
  ' OK\x00\x00\x00\x07version\x00\x00\x00\x08HTTP/1.1\x00\x00\x00\x03url\x00\x00\x00\x06public\x00\x00\x00\x0as' +
  'et-cookie\x00\x00\x00\x0akeep-alive\x00\x00\x00\x06origin100101201202205' +
  '206300302303304305306307402405406407408409410411' +
  '412413414415416417502504505203 Non-Authoritative' +
  ' Information204 No Content301 Moved Permanently4' +
  '00 Bad Request401 Unauthorized403 Forbidden404 N' +
  'ot Found500 Internal Server Error501 Not Impleme' +
  'nted503 Service UnavailableJan Feb Mar Apr May J' +
  'un Jul Aug Sept Oct Nov Dec 00:00:00 Mon, Tue, W' +
  'ed, Thu, Fri, Sat, Sun, GMTchunked,text/html,ima' +
  'ge/png,image/jpg,image/gif,application/xml,appli' +
  'cation/xhtml+xml,text/plain,text/javascript,publ' +
  'icprivatemax-age=gzip,deflate,sdchcharset=utf-8c' +
  'harset=iso-8859-1,utf-,*,enq=0.';

function latin1Bytes(text: string): Uint8Array {
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

/** The SPDY/2 header dictionary (907 bytes, including its trailing NUL). Treat as read-only. */
export const SPDY2_DICTIONARY: Uint8Array = latin1Bytes(V2_TEXT);

/** The SPDY/3 and SPDY/3.1 header dictionary (1423 bytes). Treat as read-only. */
export const SPDY3_DICTIONARY: Uint8Array = latin1Bytes(V3_TEXT);

/** Adler-32 of {@link SPDY2_DICTIONARY}: the DICTID in the zlib header of every SPDY/2 header block. */
export const SPDY2_DICTIONARY_ID = 0xdfa251b2;

/** Adler-32 of {@link SPDY3_DICTIONARY}: the DICTID in the zlib header of every SPDY/3 header block. */
export const SPDY3_DICTIONARY_ID = 0xe3c6a7c2;

/** The header dictionary of a wire version. */
export function dictionaryFor(version: WireVersion): Uint8Array {
  return version === 2 ? SPDY2_DICTIONARY : SPDY3_DICTIONARY;
}

/** The zlib DICTID (Adler-32 of the dictionary) of a wire version. */
export function dictionaryIdFor(version: WireVersion): number {
  return version === 2 ? SPDY2_DICTIONARY_ID : SPDY3_DICTIONARY_ID;
}

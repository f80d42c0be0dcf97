/**
 * Hex text <-> bytes, for captures pasted from a terminal, a packet dissector
 * or a bug report.
 *
 * Accepted input (see the README):
 * - hex digits in any case, with any whitespace or newlines between bytes,
 *   optional `0x` prefixes and `,` separators ("Copy as hex stream" or C arrays);
 * - `#` starts a comment that runs to the end of the line;
 * - the default output of `xxd` (`00000010: 8003 0001 ...  ascii`): the offset
 *   column and the text column are dropped.
 */

/** A line of `xxd` output: an offset, a colon, hex groups, two spaces, text. */
const XXD_LINE = /^\s*[0-9a-fA-F]+:\s/;

/** Parse hex text into bytes. Throws an Error naming the line of the first bad character. */
export function parseHex(text: string): Uint8Array {
  const lines = text.split(/\r?\n/);
  const digits: string[] = [];
  lines.forEach((raw, index) => {
    let line = raw;
    const hash = line.indexOf('#');
    if (hash !== -1) line = line.slice(0, hash);
    if (XXD_LINE.test(line)) {
      line = line.slice(line.indexOf(':') + 1);
      // The text column follows the first run of two spaces after the hex groups.
      const text = line.search(/\S\s{2,}/);
      if (text !== -1) line = line.slice(0, text + 1);
    }
    const cleaned = line.replace(/(^|[\s,])0x/gi, '$1').replace(/[\s,]+/g, '');
    const bad = cleaned.search(/[^0-9a-fA-F]/);
    if (bad !== -1) {
      throw new Error(`not hex on line ${index + 1}: unexpected ${JSON.stringify(cleaned[bad])}`);
    }
    digits.push(cleaned);
  });
  const all = digits.join('');
  if (all.length % 2 !== 0) throw new Error(`odd number of hex digits (${all.length}): a byte is cut in half`);
  const bytes = new Uint8Array(all.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(all.slice(2 * i, 2 * i + 2), 16);
  return bytes;
}

const HEX_DIGITS = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** Lowercase hex without separators. */
export function toHex(bytes: Uint8Array): string {
  let out = '';
  for (const byte of bytes) out += HEX_DIGITS[byte];
  return out;
}

/** Hex of `bytes` split into lines of `perLine` bytes, bytes separated by spaces. */
export function toHexLines(bytes: Uint8Array, perLine = 16): string {
  const lines: string[] = [];
  for (let start = 0; start < bytes.length; start += perLine) {
    const row: string[] = [];
    for (const byte of bytes.subarray(start, start + perLine)) row.push(HEX_DIGITS[byte] as string);
    lines.push(row.join(' '));
  }
  return lines.length ? `${lines.join('\n')}\n` : '';
}

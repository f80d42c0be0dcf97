/** Corpus files are hex text: whitespace-separated byte pairs, `#` starts a comment line. */

export function parseHex(text: string): Uint8Array {
  const digits = text
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('#'))
    .join('')
    .replace(/\s+/g, '');
  if (digits.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(digits)) throw new Error('malformed hex corpus file');
  const bytes = new Uint8Array(digits.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(digits.slice(2 * i, 2 * i + 2), 16);
  return bytes;
}

export function formatHex(bytes: Uint8Array, comments: readonly string[] = []): string {
  const lines = comments.map((c) => `# ${c}`);
  for (let i = 0; i < bytes.length; i += 16) {
    lines.push(Array.from(bytes.subarray(i, i + 16), (b) => b.toString(16).padStart(2, '0')).join(' '));
  }
  return lines.join('\n') + '\n';
}

import { describe, expect, it } from 'vitest';
import { parseRequestHead, RequestReader, type RequestHead } from '../src/http1.js';

function read(chunks: string[]): { head: RequestHead | undefined; body: string; ended: boolean } {
  const out = { head: undefined as RequestHead | undefined, body: '', ended: false };
  const reader = new RequestReader(
    (head) => (out.head = head),
    (data) => (out.body += data.toString()),
    () => (out.ended = true),
  );
  for (const chunk of chunks) reader.write(Buffer.from(chunk));
  return out;
}

/** Every way of cutting `text` in two. */
function splits(text: string): string[][] {
  return Array.from({ length: text.length + 1 }, (_, i) => [text.slice(0, i), text.slice(i)]);
}

describe('RequestReader', () => {
  it('reads a head without body', () => {
    const out = read(['GET /a?b=1 HTTP/1.1\r\nHost: x:1\r\nX-A:  v \r\n\r\n']);
    expect(out.head).toEqual({ method: 'GET', target: '/a?b=1', headers: [['host', 'x:1'], ['x-a', 'v']] });
    expect(out.ended).toBe(true);
  });

  it('reads a content-length body whatever the chunking', () => {
    const text = 'POST / HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello';
    for (const chunks of splits(text)) {
      const out = read(chunks);
      expect(out.body).toBe('hello');
      expect(out.ended).toBe(true);
    }
  });

  it('reads a chunked body with extensions and trailers whatever the chunking', () => {
    const text = 'PUT /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\nb\r\n, world!!!!\r\n0\r\nX-T: 1\r\n\r\n';
    for (const chunks of splits(text)) {
      const out = read(chunks);
      expect(out.body).toBe('hello, world!!!!');
      expect(out.ended).toBe(true);
    }
  });

  it('waits for the rest of a request', () => {
    const out = read(['POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\nhello']);
    expect(out.body).toBe('hello');
    expect(out.ended).toBe(false);
  });

  it('rejects malformed input', () => {
    expect(() => parseRequestHead('GET\r\n')).toThrow(/request line/);
    expect(() => parseRequestHead('GET / HTTP/1.1\r\nno colon')).toThrow(/header line/);
    expect(() => read(['POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n'])).toThrow(/chunk size/);
    expect(() => read(['POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nabc'])).toThrow(/CRLF/);
    expect(() => read([`GET / HTTP/1.1\r\nX: ${'a'.repeat(70_000)}`])).toThrow(/too large/);
  });
});

/**
 * Just enough HTTP/1.1 to sit behind node's http client: the request head it
 * writes, and its body in either framing (Content-Length or chunked). Used by
 * `SpdyAgent`, whose sockets speak HTTP/1.1 on the inside and SPDY outside.
 */

/** Largest request head accepted (node's own default limit is 16 KiB). */
export const MAX_HEAD_SIZE = 64 * 1024;

export interface RequestHead {
  method: string;
  target: string;
  headers: Array<[string, string]>;
}

const CRLF = Buffer.from('\r\n');
const HEAD_END = Buffer.from('\r\n\r\n');

/** Parses a request head (without its final empty line). Throws on malformed input. */
export function parseRequestHead(text: string): RequestHead {
  const lines = text.split('\r\n');
  const match = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+) (\S+) HTTP\/1\.[01]$/.exec(lines[0] ?? '');
  if (match === null) throw new Error(`malformed request line: ${JSON.stringify(lines[0])}`);
  const headers: Array<[string, string]> = [];
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon <= 0) throw new Error(`malformed header line: ${JSON.stringify(line)}`);
    headers.push([line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()]);
  }
  return { method: match[1] as string, target: match[2] as string, headers };
}

/**
 * Splits one HTTP/1.1 request (head, then body in its framing) out of the
 * bytes written to a connection. Calls `onHead` once, `onBody` for each body
 * piece, `onEnd` after the last; bytes after the request are ignored.
 */
export class RequestReader {
  private state: 'head' | 'length' | 'chunk-size' | 'chunk-data' | 'chunk-crlf' | 'trailers' | 'done' = 'head';
  private pending: Buffer = Buffer.alloc(0);
  private remaining = 0;

  constructor(
    private readonly onHead: (head: RequestHead) => void,
    private readonly onBody: (data: Buffer) => void,
    private readonly onEnd: () => void,
  ) {}

  get done(): boolean {
    return this.state === 'done';
  }

  /** Consumes `chunk`. Throws on a malformed request. */
  write(chunk: Buffer): void {
    let data = this.pending.length > 0 ? Buffer.concat([this.pending, chunk]) : chunk;
    this.pending = Buffer.alloc(0);
    // Each pass consumes a prefix of `data` or stops to wait for more bytes.
    while (data.length > 0 && this.state !== 'done') {
      const rest = this.step(data);
      if (rest === undefined) {
        this.pending = data;
        return;
      }
      data = rest;
    }
  }

  /** Handles the start of `data`; returns what is left, or undefined when more bytes are needed. */
  private step(data: Buffer): Buffer | undefined {
    switch (this.state) {
      case 'head': {
        const end = data.indexOf(HEAD_END);
        if (end < 0) {
          if (data.length > MAX_HEAD_SIZE) throw new Error('request head too large');
          return undefined;
        }
        const head = parseRequestHead(data.subarray(0, end).toString('latin1'));
        this.onHead(head);
        this.startBody(head);
        return data.subarray(end + HEAD_END.length);
      }
      case 'length': {
        const piece = data.subarray(0, this.remaining);
        this.remaining -= piece.length;
        this.onBody(piece);
        if (this.remaining === 0) this.finish();
        return data.subarray(piece.length);
      }
      case 'chunk-size': {
        const end = data.indexOf(CRLF);
        if (end < 0) {
          if (data.length > 1024) throw new Error('chunk size line too long');
          return undefined;
        }
        const size = Number.parseInt(data.subarray(0, end).toString('latin1').split(';')[0] as string, 16);
        if (!Number.isSafeInteger(size) || size < 0) throw new Error('malformed chunk size');
        this.remaining = size;
        this.state = size === 0 ? 'trailers' : 'chunk-data';
        return data.subarray(end + CRLF.length);
      }
      case 'chunk-data': {
        const piece = data.subarray(0, this.remaining);
        this.remaining -= piece.length;
        this.onBody(piece);
        if (this.remaining === 0) this.state = 'chunk-crlf';
        return data.subarray(piece.length);
      }
      case 'chunk-crlf': {
        if (data.length < CRLF.length) return undefined;
        if (!data.subarray(0, CRLF.length).equals(CRLF)) throw new Error('missing CRLF after chunk');
        this.state = 'chunk-size';
        return data.subarray(CRLF.length);
      }
      case 'trailers': {
        // Trailer lines until an empty one; SPDY requests carry none, so they are dropped.
        const end = data.indexOf(CRLF);
        if (end < 0) {
          if (data.length > MAX_HEAD_SIZE) throw new Error('request trailers too large');
          return undefined;
        }
        if (end === 0) this.finish();
        return data.subarray(end + CRLF.length);
      }
      case 'done':
        return data.subarray(data.length);
    }
  }

  private startBody(head: RequestHead): void {
    const encoding = head.headers.find(([name]) => name === 'transfer-encoding')?.[1];
    const length = head.headers.find(([name]) => name === 'content-length')?.[1];
    if (encoding !== undefined && /(^|,)\s*chunked\s*$/i.test(encoding)) {
      this.state = 'chunk-size';
    } else if (length !== undefined && Number(length) > 0) {
      if (!/^\d+$/.test(length)) throw new Error('malformed content-length');
      this.remaining = Number(length);
      this.state = 'length';
    } else {
      this.finish();
    }
  }

  private finish(): void {
    this.state = 'done';
    this.onEnd();
  }
}

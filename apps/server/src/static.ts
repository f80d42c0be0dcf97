/**
 * A static file handler with push rules: serves files under a directory and,
 * with an HTML page, pushes the stylesheets and scripts it will ask for.
 */

import type { RequestListener, ServerResponse } from '@spdy/server';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, relative, resolve, sep } from 'node:path';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.ico': 'image/x-icon',
  '.wasm': 'application/wasm',
};

export function contentType(path: string): string {
  return CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * What to push with a page: explicit rules (`/index.html` -> assets), `'auto'`
 * (the local stylesheets and scripts an HTML page links), or `'off'`.
 */
export type PushPolicy = Map<string, string[]> | 'auto' | 'off';

/** Parses `--push` rules of the form `/page.html=/a.css,/b.js`. */
export function parsePushRules(rules: readonly string[]): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const rule of rules) {
    const at = rule.indexOf('=');
    if (at <= 0) throw new Error(`push rule must look like /page.html=/style.css,/app.js: ${rule}`);
    const page = rule.slice(0, at);
    const assets = rule
      .slice(at + 1)
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
    map.set(page, [...(map.get(page) ?? []), ...assets]);
  }
  return map;
}

/** Local (same-origin, absolute-path) stylesheets and scripts linked by an HTML page. */
export function linkedAssets(html: string): string[] {
  const found = new Set<string>();
  for (const match of html.matchAll(/<link\b[^>]*\brel=["']?stylesheet["']?[^>]*>/gi)) {
    const href = /\bhref=["']([^"']+)["']/i.exec(match[0])?.[1];
    if (href?.startsWith('/') && !href.startsWith('//')) found.add(href);
  }
  for (const match of html.matchAll(/<script\b[^>]*\bsrc=["']([^"']+)["'][^>]*>/gi)) {
    const src = match[1]!;
    if (src.startsWith('/') && !src.startsWith('//')) found.add(src);
  }
  return [...found];
}

/** The file under `root` that a URL path names, or undefined if it escapes `root` or is malformed. */
export function resolveUnder(root: string, urlPath: string): string | undefined {
  let path: string;
  try {
    path = decodeURIComponent(urlPath.split('?')[0]!);
  } catch {
    return undefined;
  }
  if (path.includes('\0')) return undefined;
  const file = resolve(root, '.' + normalize('/' + path));
  const rel = relative(root, file);
  return rel.startsWith('..') || rel.startsWith(sep) ? undefined : file;
}

async function fileOf(root: string, urlPath: string): Promise<{ file: string; size: number } | undefined> {
  let file = resolveUnder(root, urlPath);
  if (file === undefined) return undefined;
  try {
    let info = await stat(file);
    if (info.isDirectory()) {
      file = join(file, 'index.html');
      info = await stat(file);
    }
    return info.isFile() ? { file, size: info.size } : undefined;
  } catch {
    return undefined;
  }
}

function send(res: ServerResponse, status: number, text: string): void {
  res.statusCode = status;
  res.setHeader('content-type', 'text/plain; charset=utf-8');
  res.setHeader('content-length', Buffer.byteLength(text));
  res.end(text);
}

/** Pushes `assets` with a page; each pushed body streams from its file. */
async function pushAssets(root: string, res: ServerResponse, assets: readonly string[]): Promise<void> {
  for (const asset of assets) {
    const found = await fileOf(root, asset);
    if (found === undefined) continue;
    const pushed = res.push(asset, { response: { 'content-type': contentType(found.file), 'content-length': found.size } });
    if (pushed === null) return; // HTTP/1.1, or the client cannot take pushes now
    createReadStream(found.file)
      .on('error', () => pushed.destroy())
      .pipe(pushed);
  }
}

export function staticHandler(options: { root: string; push: PushPolicy }): RequestListener {
  const root = resolve(options.root);
  return async (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD');
      return send(res, 405, 'method not allowed\n');
    }
    const urlPath = req.url ?? '/';
    const found = await fileOf(root, urlPath);
    if (found === undefined) return send(res, 404, 'not found\n');
    const type = contentType(found.file);

    if (type.startsWith('text/html') && options.push !== 'off') {
      const page = '/' + relative(root, found.file).split(sep).join('/');
      const assets =
        options.push === 'auto' ? linkedAssets(await readFile(found.file, 'utf8')) : (options.push.get(urlPath.split('?')[0]!) ?? options.push.get(page) ?? []);
      await pushAssets(root, res, assets);
    }

    res.setHeader('content-type', type);
    res.setHeader('content-length', found.size);
    if (req.method === 'HEAD') return void res.end();
    createReadStream(found.file)
      .on('error', () => res.destroy())
      .pipe(res);
  };
}

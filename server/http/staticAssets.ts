import { createRequire } from 'node:module';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { Router, type Request, type Response } from 'express';
import { sendCached, type ServePolicy } from './publicResponse.js';
import { cached, type CachedResponse } from './snapshot/snapshotStore.js';

const TYPES: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'application/javascript; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

/** The minified socket.io browser client, from the server package itself, so both always match. */
export const SOCKET_IO_CLIENT = path.join(path.dirname(createRequire(import.meta.url).resolve('socket.io')), '..', 'client-dist', 'socket.io.min.js');

/**
 * Loads files once and keeps their gzip and brotli forms (with an ETag) in memory, like the
 * snapshot's responses; a file that changed on disk (size or mtime) is read again. The public
 * files are a few dozen kilobytes, so memory is no concern and no request compresses anything.
 */
export class AssetCache {
  private entries = new Map<string, { key: string; response: CachedResponse }>();

  async get(file: string): Promise<CachedResponse | null> {
    const ext = path.extname(file);
    const type = TYPES[ext];
    if (!type) return null;
    let st;
    try {
      st = await stat(file);
    } catch {
      return null;
    }
    if (!st.isFile()) return null;
    const key = `${st.size}:${st.mtimeMs}`;
    const hit = this.entries.get(file);
    if (hit?.key === key) return hit.response;
    const response = cached(await readFile(file), type);
    this.entries.set(file, { key, response });
    return response;
  }
}

/**
 * `GET /public/*` (and `/public/vendor/socket.io.min.js`): static files, compressed ahead of time,
 * with strong ETags and 304s through the same code as the public API (publicResponse.ts).
 */
export function staticAssets(root: string, policy: ServePolicy): Router {
  const r = Router();
  const assets = new AssetCache();
  const base = path.resolve(root);
  const vendor: Record<string, string> = { 'vendor/socket.io.min.js': SOCKET_IO_CLIENT };
  const serve = async (req: Request, res: Response, next: () => void) => {
    let rel: string;
    try {
      rel = decodeURIComponent(req.path.replace(/^\/+/, ''));
    } catch {
      return next(); // malformed %-escape: no such file
    }
    const file = vendor[rel] ?? path.resolve(base, rel);
    // Only files inside public/ (no `..`, no dot-files).
    if (!vendor[rel] && (!file.startsWith(base + path.sep) || rel.split('/').some((p) => p.startsWith('.')))) return next();
    const asset = await assets.get(file);
    if (!asset) return next();
    // The embeddable banner loads the socket.io client into other sites' pages, also under COEP.
    if (vendor[rel]) res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    sendCached(req, res, asset, policy);
  };
  r.get(/.*/, serve);
  return r;
}

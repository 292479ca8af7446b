import type { Request, Response } from 'express';
import type { CachedResponse } from './snapshot/snapshotStore.js';

export const PUBLIC_CACHE_CONTROL = 'public, max-age=10, stale-while-revalidate=30';

/** CORS-open, ETag'd, short-cached answer from a precomputed body; 304 when the client has it. */
export function sendCached(req: Request, res: Response, c: CachedResponse, opts: { cors?: boolean; cacheControl?: string } = {}): void {
  if (opts.cors) {
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Access-Control-Expose-Headers', 'ETag');
  }
  res.setHeader('Cache-Control', opts.cacheControl ?? PUBLIC_CACHE_CONTROL);
  res.setHeader('ETag', c.etag);
  res.setHeader('Content-Type', c.contentType);
  if (etagMatches(req.headers['if-none-match'], c.etag)) {
    res.status(304).end();
    return;
  }
  res.setHeader('Content-Length', String(c.body.length));
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  res.end(c.body);
}

/**
 * If-None-Match with RFC 9110's weak comparison: `*`, lists, and W/ prefixes all match. (Express's
 * req.fresh refuses whenever the request says Cache-Control: no-cache, which fetch() adds to any
 * request carrying If-None-Match — yet a 304 is exactly the validated answer such a client wants.)
 */
export function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  const opaque = etag.replace(/^W\//, '');
  return header.split(',').some((t) => t.trim().replace(/^W\//, '') === opaque);
}

/** CORS preflight for the public read API. */
export function preflight(_req: Request, res: Response): void {
  res.setHeader('Access-Control-Allow-Origin', '*');
  res.setHeader('Access-Control-Allow-Methods', 'GET, HEAD, OPTIONS');
  res.setHeader('Access-Control-Allow-Headers', 'If-None-Match, Content-Type');
  res.setHeader('Access-Control-Max-Age', '86400');
  res.status(204).end();
}

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Router } from 'express';
import type { AppDeps } from '../../../app.js';
import { ROOT } from '../../../paths.js';

const BANNER = path.join(ROOT, 'public', 'embed', 'banner.js');

/**
 * `GET /embed/banner.js`: the announcement banner other web apps include with one script tag.
 * Cross-origin by design; cached briefly so a fix reaches every embedding page within minutes.
 */
export function embedRoutes(deps: AppDeps): Router {
  const r = Router();
  // Read once per process in production; re-read in development so edits show without a restart.
  let cached: Promise<Buffer> | null = null;
  const load = () => {
    if (deps.config.NODE_ENV === 'development') return readFile(BANNER);
    cached ??= readFile(BANNER).catch((err: unknown) => {
      cached = null;
      throw err;
    });
    return cached;
  };
  r.get('/embed/banner.js', async (_req, res) => {
    const body = await load();
    res.setHeader('Content-Type', 'application/javascript; charset=utf-8');
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Cache-Control', 'public, max-age=300');
    // Lets the page load it even under Cross-Origin-Embedder-Policy: require-corp.
    res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    res.send(body);
  });
  return r;
}

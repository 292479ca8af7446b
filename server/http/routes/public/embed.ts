import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { Router } from 'express';
import type { AppDeps } from '../../../deps.js';
import { ROOT } from '../../../paths.js';
import { sendCached } from '../../publicResponse.js';
import { cached, type CachedResponse } from '../../snapshot/snapshotStore.js';

const PARTS = path.join(ROOT, 'public', 'embed', 'banner');

/**
 * The banner is kept as one file per responsibility (origin, dismissals, rendering, HTTP,
 * socket.io, start-up) and served as one plain-ES5 script: the parts, in file-name order, inside a
 * single closure. No build step: joining is all there is to it.
 */
export async function bannerScript(): Promise<Buffer> {
  const names = (await readdir(PARTS)).filter((n) => n.endsWith('.js')).sort();
  const parts = await Promise.all(names.map((n) => readFile(path.join(PARTS, n), 'utf8')));
  const [doc, ...rest] = parts;
  const docComment = /^\/\*![\s\S]*?\*\/\n/.exec(doc ?? '')?.[0] ?? '';
  const body = [(doc ?? '').slice(docComment.length), ...rest].join('\n');
  return Buffer.from(
    `${docComment}(function (window, document) {\n'use strict';\nif (!window || !document || window.BeaconBanner) return;\n\n${body}\n})(typeof window !== 'undefined' ? window : undefined, typeof document !== 'undefined' ? document : undefined);\n`,
  );
}

/**
 * `GET /embed/banner.js`: the announcement banner other web apps include with one script tag.
 * Cross-origin by design; cached briefly so a fix reaches every embedding page within minutes.
 */
export function embedRoutes(deps: AppDeps): Router {
  const r = Router();
  // Joined (and compressed, with its ETag) once per process in production; re-read in development
  // so edits show without a restart.
  const make = async () => cached(await bannerScript(), 'application/javascript; charset=utf-8');
  let script: Promise<CachedResponse> | null = null;
  const load = () => {
    if (deps.config.NODE_ENV === 'development') return make();
    script ??= make().catch((err: unknown) => {
      script = null;
      throw err;
    });
    return script;
  };
  r.get('/embed/banner.js', async (req, res) => {
    const body = await load();
    // Lets the page load it even under Cross-Origin-Embedder-Policy: require-corp.
    res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    sendCached(req, res, body, { cors: true, cacheControl: 'public, max-age=300' });
  });
  return r;
}

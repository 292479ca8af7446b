import { createRequire } from 'node:module';
import path from 'node:path';
import { Router, type Request, type Response } from 'express';
import type { AppDeps } from '../../../deps.js';
import { openApiDocument } from '../../openapi/document.js';
import { sendCached } from '../../publicResponse.js';
import { AssetCache } from '../../staticAssets.js';
import { cached } from '../../snapshot/snapshotStore.js';

const SWAGGER_UI = path.dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
const ASSETS: Record<string, string> = {
  'swagger-ui-bundle.js': path.join(SWAGGER_UI, 'swagger-ui-bundle.js'),
  'swagger-ui.css': path.join(SWAGGER_UI, 'swagger-ui.css'),
};

// Everything from this server; Swagger UI's own style changes go through the CSSOM, which CSP allows.
export const DOCS_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; form-action 'none'; base-uri 'self'";

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Beacon staff API reference</title>
<link rel="icon" href="/public/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/api/v1/docs/swagger-ui.css">
<script src="/api/v1/docs/swagger-ui-bundle.js" defer></script>
<script src="/public/js/api-docs.js" defer></script>
</head>
<body>
<noscript><p>The reference needs JavaScript; the description itself is at <a href="/api/v1/openapi.json">/api/v1/openapi.json</a>.</p></noscript>
<main id="api-reference"></main>
</body>
</html>
`;

/**
 * The OpenAPI description of the staff API and a reference page to read it, both public: they tell
 * what the API accepts, not anything it holds. Mounted ahead of the staff API's auth.
 */
export function openApiRoutes(deps: AppDeps): Router {
  const r = Router();
  // Built on first request (some 50 ms of schema conversion), not at start-up.
  let doc: ReturnType<typeof cached> | null = null;
  const description = () => (doc ??= cached(Buffer.from(JSON.stringify(openApiDocument(deps.config.publicUrl))), 'application/json; charset=utf-8'));
  const page = cached(Buffer.from(PAGE), 'text/html; charset=utf-8');
  const assets = new AssetCache();

  r.get('/openapi.json', (req, res) => sendCached(req, res, description(), { cacheControl: 'public, max-age=300' }));

  r.get('/docs', (req: Request, res: Response) => {
    res.setHeader('Content-Security-Policy', DOCS_CSP);
    sendCached(req, res, page, { cacheControl: 'public, max-age=300' });
  });

  // The two files the page needs, by name: nothing else of the package is reachable.
  for (const [name, file] of Object.entries(ASSETS)) {
    r.get(`/docs/${name}`, async (req, res, next) => {
      const asset = await assets.get(file);
      if (!asset) return next();
      sendCached(req, res, asset, { cacheControl: 'public, max-age=86400' });
    });
  }

  return r;
}

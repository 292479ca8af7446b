import type { RequestHandler } from 'express';

// One fixed set for every response, so cached/precomputed responses can carry the same bytes.
export const SECURITY_HEADERS: ReadonlyArray<[string, string]> = [
  ['X-Content-Type-Options', 'nosniff'],
  ['Referrer-Policy', 'strict-origin-when-cross-origin'],
  ['X-Frame-Options', 'SAMEORIGIN'],
  ['Cross-Origin-Opener-Policy', 'same-origin'],
];

const CONSOLE_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self' ws: wss:; frame-ancestors 'none'; form-action 'self'; base-uri 'self'";

export const securityHeaders: RequestHandler = (req, res, next) => {
  for (const [k, v] of SECURITY_HEADERS) res.setHeader(k, v);
  if (req.path.startsWith('/console')) {
    res.setHeader('Content-Security-Policy', CONSOLE_CSP);
    res.setHeader('Cache-Control', 'no-store');
  }
  next();
};

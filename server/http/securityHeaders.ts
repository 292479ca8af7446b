import type { RequestHandler } from 'express';
import type { Config } from '../config.js';

// Sent on every response, in this order, so precomputed responses (fastPath.ts) carry the same bytes.
const BASE: ReadonlyArray<[string, string]> = [
  ['X-Content-Type-Options', 'nosniff'],
  ['Referrer-Policy', 'strict-origin-when-cross-origin'],
  ['X-Frame-Options', 'SAMEORIGIN'],
  ['Cross-Origin-Opener-Policy', 'same-origin'],
];

// Public pages load only their own scripts and styles, and socket.io over the same origin.
const PUBLIC_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self' ws: wss:; object-src 'none'; frame-ancestors 'self'; form-action 'self'; base-uri 'self'";

const CONSOLE_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self' ws: wss:; frame-ancestors 'none'; form-action 'self'; base-uri 'self'";

// A year; only when the public address is https (browsers ignore it over http anyway).
const HSTS = 'max-age=31536000';

export type SecurityArea = 'public' | 'console';

/** The security headers of one area, as [name, value] pairs in the order they are written. */
export function securityHeaderList(config: Pick<Config, 'publicUrl'>, area: SecurityArea): Array<[string, string]> {
  return [
    ...BASE,
    ['Content-Security-Policy', area === 'console' ? CONSOLE_CSP : PUBLIC_CSP],
    ...(config.publicUrl.startsWith('https://') ? ([['Strict-Transport-Security', HSTS]] as Array<[string, string]>) : []),
  ];
}

export function securityHeaders(config: Pick<Config, 'publicUrl'>): RequestHandler {
  const pub = securityHeaderList(config, 'public');
  const con = securityHeaderList(config, 'console');
  return (req, res, next) => {
    const isConsole = req.path.startsWith('/console');
    for (const [k, v] of isConsole ? con : pub) res.setHeader(k, v);
    if (isConsole) res.setHeader('Cache-Control', 'no-store');
    next();
  };
}

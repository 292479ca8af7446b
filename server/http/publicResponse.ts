import type { Request, Response } from 'express';
import { negotiateEncoding, type Encoding } from './encoding.js';
import type { CachedResponse } from './snapshot/snapshotStore.js';

export const PUBLIC_CACHE_CONTROL = 'public, max-age=10, stale-while-revalidate=30';

/** How a precomputed body is served: CORS-open or not, and its Cache-Control. */
export interface ServePolicy {
  cors?: boolean;
  cacheControl?: string;
}
export const API_POLICY: ServePolicy = { cors: true };
export const PAGE_POLICY: ServePolicy = { cacheControl: 'public, max-age=5' };

/** Flat [name, value, name, value, …] lists, as http.ServerResponse#writeHead takes them. */
export type HeaderList = readonly string[];

/** One representation (one content coding) of a precomputed response, with its headers built once. */
export interface Representation {
  body: Buffer;
  etag: string;
  /** Headers of the 200 (and HEAD) answer, after X-Request-Id and the security headers. */
  ok: HeaderList;
  /** Headers of the 304 answer. */
  notModified: HeaderList;
  /** The same two lists with the security headers in front, for the fast path (which has no middleware). */
  fastOk: HeaderList;
  fastNotModified: HeaderList;
}

export type Prepared = Record<Encoding, Representation> & {
  cors: boolean;
  /** The CORS preflight answer with the security headers in front, for the fast path. */
  fastPreflight: HeaderList;
};

export const PREFLIGHT_HEADERS: HeaderList = [
  'Access-Control-Allow-Origin', '*',
  'Access-Control-Allow-Methods', 'GET, HEAD, OPTIONS',
  'Access-Control-Allow-Headers', 'If-None-Match, Content-Type',
  'Access-Control-Max-Age', '86400',
];

/** A strong ETag per representation: `"abc"` → `"abc-gz"`, so a 304 never confuses codings. */
export function variantEtag(etag: string, suffix: string): string {
  return `${etag.slice(0, -1)}-${suffix}"`;
}

/**
 * Builds every header of every representation once; both the fast path and Express serve these lists.
 * `security` is what the app's securityHeaders middleware writes for this path (securityHeaderList,
 * flattened); only the fast* lists use it.
 */
export function prepare(c: CachedResponse, policy: ServePolicy = {}, security: HeaderList = []): Prepared {
  const cors = policy.cors === true;
  const rep = (encoding: Encoding, body: Buffer, etag: string): Representation => {
    const notModified = [
      ...(cors ? ['Access-Control-Allow-Origin', '*', 'Access-Control-Expose-Headers', 'ETag'] : []),
      'Cache-Control', policy.cacheControl ?? PUBLIC_CACHE_CONTROL,
      'ETag', etag,
      'Content-Type', c.contentType,
      'Vary', 'Accept-Encoding',
    ];
    const ok = [...notModified, ...(encoding === 'identity' ? [] : ['Content-Encoding', encoding]), 'Content-Length', String(body.length)];
    return { body, etag, ok, notModified, fastOk: [...security, ...ok], fastNotModified: [...security, ...notModified] };
  };
  // The compressed representations (and so the compression) are made when first chosen.
  let gzip: Representation | undefined;
  let br: Representation | undefined;
  return {
    cors,
    fastPreflight: [...security, ...PREFLIGHT_HEADERS],
    identity: rep('identity', c.body, c.etag),
    get gzip() {
      return (gzip ??= rep('gzip', c.gzip, variantEtag(c.etag, 'gz')));
    },
    get br() {
      return (br ??= rep('br', c.br, variantEtag(c.etag, 'br')));
    },
  };
}

/** The one decision both paths make: which representation, and whether the client already has it. */
export function choose(p: Prepared, acceptEncoding: string | string[] | undefined, ifNoneMatch: string | undefined): { rep: Representation; notModified: boolean } {
  const rep = p[negotiateEncoding(acceptEncoding)];
  return { rep, notModified: etagMatches(ifNoneMatch, rep.etag) };
}

/** Express's full path for a prepared response (the fast path in fastPath.ts writes the same lists). */
export function sendPrepared(req: Request, res: Response, p: Prepared): void {
  const { rep, notModified } = choose(p, req.headers['accept-encoding'], req.headers['if-none-match']);
  const headers = notModified ? rep.notModified : rep.ok;
  for (let i = 0; i < headers.length; i += 2) res.setHeader(headers[i]!, headers[i + 1]!);
  res.statusCode = notModified ? 304 : 200;
  if (notModified || req.method === 'HEAD') res.end();
  else res.end(rep.body);
}

/** CORS-open (optionally), ETag'd, short-cached, compressed answer from a precomputed body; 304 when the client has it. */
export function sendCached(req: Request, res: Response, c: CachedResponse, opts: ServePolicy = {}): void {
  sendPrepared(req, res, prepare(c, opts));
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
  for (let i = 0; i < PREFLIGHT_HEADERS.length; i += 2) res.setHeader(PREFLIGHT_HEADERS[i]!, PREFLIGHT_HEADERS[i + 1]!);
  res.status(204).end();
}

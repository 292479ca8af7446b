import crypto from 'node:crypto';
import type { Request, Response } from 'express';
import { serialize } from 'cookie';
import { readCookie } from '../auth.js';

export const OIDC_STATE_COOKIE = 'beacon_oidc';
export const CALLBACK_PATH = '/console/login/oidc/callback';
const TTL_MS = 10 * 60_000;

/** What the start of a sign-in leaves for its callback: the protocol's one-time values and where to go afterwards. */
export interface OidcPending {
  state: string;
  nonce: string;
  verifier: string;
  next: string;
}

// Signed (not encrypted): the PKCE verifier is useless without the code, which only the IdP's redirect
// carries, and the cookie goes to the callback path only.
const sign = (secret: string, body: string) => crypto.createHmac('sha256', secret).update(`oidc-state:${body}`).digest('base64url');

export function setOidcPending(res: Response, secret: string, pending: OidcPending, now: Date, secure: boolean): void {
  const body = Buffer.from(JSON.stringify({ ...pending, exp: now.getTime() + TTL_MS })).toString('base64url');
  // SameSite=Lax: the IdP returns the browser with a top-level GET, which Lax cookies accompany.
  res.append('Set-Cookie', serialize(OIDC_STATE_COOKIE, `${body}.${sign(secret, body)}`, { httpOnly: true, sameSite: 'lax', secure, path: CALLBACK_PATH, maxAge: TTL_MS / 1000 }));
}

/** One use only: the callback clears it whatever the outcome. */
export function clearOidcPending(res: Response, secure: boolean): void {
  res.append('Set-Cookie', serialize(OIDC_STATE_COOKIE, '', { httpOnly: true, sameSite: 'lax', secure, path: CALLBACK_PATH, maxAge: 0 }));
}

/** The pending sign-in of a valid, unexpired cookie, or null. */
export function readOidcPending(req: Request, secret: string, now: Date): OidcPending | null {
  const [body, sig] = readCookie(req, OIDC_STATE_COOKIE)?.split('.') ?? [];
  if (!body || !sig) return null;
  const expected = Buffer.from(sign(secret, body));
  const given = Buffer.from(sig);
  if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) return null;
  const p = JSON.parse(Buffer.from(body, 'base64url').toString()) as OidcPending & { exp: number };
  return p.exp > now.getTime() ? { state: p.state, nonce: p.nonce, verifier: p.verifier, next: p.next } : null;
}

import type { Request, Response } from 'express';
import { clearSignedCookie, readSignedCookie, setSignedCookie, type SignedCookie } from '../signedCookie.js';

export const CALLBACK_PATH = '/console/login/oidc/callback';

// Signed (not encrypted): the PKCE verifier is useless without the code, which only the IdP's redirect
// carries, and the cookie goes to the callback path only. The IdP returns the browser with a top-level
// GET, which the cookie's SameSite=Lax lets through.
const OIDC_STATE: SignedCookie = { name: 'beacon_oidc', purpose: 'oidc-state', path: CALLBACK_PATH, ttlMs: 10 * 60_000 };

/** What the start of a sign-in leaves for its callback: the protocol's one-time values and where to go afterwards. */
export interface OidcPending {
  state: string;
  nonce: string;
  verifier: string;
  next: string;
}

export function setOidcPending(res: Response, secret: string, pending: OidcPending, now: Date, secure: boolean): void {
  setSignedCookie(res, secret, OIDC_STATE, pending, now, secure);
}

/** One use only: the callback clears it whatever the outcome. */
export function clearOidcPending(res: Response, secure: boolean): void {
  clearSignedCookie(res, OIDC_STATE, secure);
}

/** The pending sign-in of a valid, unexpired cookie, or null. */
export function readOidcPending(req: Request, secret: string, now: Date): OidcPending | null {
  const p = readSignedCookie<OidcPending>(req, secret, OIDC_STATE, now);
  return p && { state: p.state, nonce: p.nonce, verifier: p.verifier, next: p.next };
}

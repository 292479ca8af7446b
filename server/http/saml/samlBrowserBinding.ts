import type { Request, Response } from 'express';
import { readSignedCookie, setSignedCookie, type SignedCookie } from '../signedCookie.js';

/**
 * Ties a SAML answer to the browser that asked for it (against login CSRF: without it, someone could
 * finish their own sign-in at the IdP and have a victim's browser post the answer, signing the victim
 * in as them). The button leaves the AuthnRequest's id in this cookie; the ACS takes only answers
 * whose InResponseTo is among the ids of the browser posting them.
 *
 * SameSite=Lax, so it also works on plain-http installs (None would need Secure): the IdP's cross-site
 * POST arrives without it, and the ACS hands the answer back to the browser in a page that posts it to
 * itself, a same-site POST which carries it.
 */
const SAML_STARTED: SignedCookie = { name: 'beacon_saml', purpose: 'saml-requests', path: '/console/login/saml', ttlMs: 15 * 60_000 };
/** Sign-ins started in several tabs at once each keep working; older ones are forgotten. */
const KEPT = 5;

export function rememberSamlRequestInBrowser(req: Request, res: Response, secret: string, requestId: string, now: Date, secure: boolean): void {
  const started = samlRequestsOfBrowser(req, secret, now) ?? [];
  setSignedCookie(res, secret, SAML_STARTED, [requestId, ...started].slice(0, KEPT), now, secure);
}

/** The AuthnRequest ids this browser started in the last 15 minutes, or null when it carries no valid cookie. */
export function samlRequestsOfBrowser(req: Request, secret: string, now: Date): string[] | null {
  const ids = readSignedCookie<unknown>(req, secret, SAML_STARTED, now);
  return Array.isArray(ids) ? ids.filter((id): id is string => typeof id === 'string') : null;
}

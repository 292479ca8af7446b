import crypto from 'node:crypto';
import type { RequestHandler } from 'express';
import { serialize } from 'cookie';
import { DomainError } from '../domain/errors.js';
import { readCookie } from './auth.js';

const PRE_SESSION_COOKIE = 'beacon_pre';
const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Synchroniser tokens for console forms: the token is an HMAC of the session (or, before login, of a
 * random pre-session cookie) so it cannot be forged cross-site or reused for another session.
 * `exemptPaths` are posts that arrive cross-site by design and carry their own proof instead (the
 * SAML ACS: an IdP-signed assertion answering a request this Beacon sent); they still get a token
 * for the page they render.
 */
export function csrf(secret: string, secureCookies: boolean, exemptPaths: ReadonlySet<string> = new Set()): RequestHandler {
  const sign = (binding: string) => crypto.createHmac('sha256', secret).update(binding).digest('base64url');
  return (req, res, next) => {
    let binding: string;
    if (req.sessionIdHash) binding = `s:${req.sessionIdHash}`;
    else {
      let pre = readCookie(req, PRE_SESSION_COOKIE);
      if (!pre || pre.length < 20) {
        pre = crypto.randomBytes(24).toString('base64url');
        res.append(
          'Set-Cookie',
          serialize(PRE_SESSION_COOKIE, pre, { httpOnly: true, sameSite: 'lax', path: '/console', secure: secureCookies }),
        );
        req.headers.cookie = `${req.headers.cookie ? req.headers.cookie + '; ' : ''}${PRE_SESSION_COOKIE}=${pre}`;
      }
      binding = `p:${pre}`;
    }
    const expected = sign(binding);
    res.locals.csrfToken = expected;
    if (!UNSAFE.has(req.method) || exemptPaths.has(req.path)) return next();
    const sent = typeof req.body?._csrf === 'string' ? req.body._csrf : req.get('x-csrf-token') ?? '';
    const a = Buffer.from(sent);
    const b = Buffer.from(expected);
    if (a.length !== b.length || !crypto.timingSafeEqual(a, b)) {
      return next(new DomainError('forbidden', 'csrf_failed', 'The form expired or came from another site. Reload the page and try again.'));
    }
    next();
  };
}

import crypto from 'node:crypto';
import type { Request, Response } from 'express';
import { serialize } from 'cookie';
import { readCookie } from './auth.js';

/**
 * A short-lived value a sign-in flow leaves in the browser for its next step: JSON, signed with the
 * session secret for one purpose (so a cookie made for one flow is worthless to another), with its own
 * expiry inside the signature. SameSite=Lax: it rides along on top-level GETs from the IdP and on
 * Beacon's own posts, never on another site's POST.
 */
export interface SignedCookie {
  name: string;
  /** Signed into the value: the same secret signs several cookies. */
  purpose: string;
  path: string;
  ttlMs: number;
}

const sign = (secret: string, purpose: string, body: string) => crypto.createHmac('sha256', secret).update(`${purpose}:${body}`).digest('base64url');

export function setSignedCookie(res: Response, secret: string, cookie: SignedCookie, value: object, now: Date, secure: boolean): void {
  const body = Buffer.from(JSON.stringify({ v: value, exp: now.getTime() + cookie.ttlMs })).toString('base64url');
  res.append('Set-Cookie', serialize(cookie.name, `${body}.${sign(secret, cookie.purpose, body)}`, { httpOnly: true, sameSite: 'lax', secure, path: cookie.path, maxAge: cookie.ttlMs / 1000 }));
}

export function clearSignedCookie(res: Response, cookie: SignedCookie, secure: boolean): void {
  res.append('Set-Cookie', serialize(cookie.name, '', { httpOnly: true, sameSite: 'lax', secure, path: cookie.path, maxAge: 0 }));
}

/** The value of a well-signed, unexpired cookie, or null (missing, tampered, expired, made for another purpose). */
export function readSignedCookie<T>(req: Request, secret: string, cookie: SignedCookie, now: Date): T | null {
  const [body, sig] = readCookie(req, cookie.name)?.split('.') ?? [];
  if (!body || !sig) return null;
  const expected = Buffer.from(sign(secret, cookie.purpose, body));
  const given = Buffer.from(sig);
  if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) return null;
  const { v, exp } = JSON.parse(Buffer.from(body, 'base64url').toString()) as { v: T; exp: number };
  return exp > now.getTime() ? v : null;
}

import crypto from 'node:crypto';
import type { Request, Response } from 'express';
import { serialize } from 'cookie';
import { readCookie } from './auth.js';

export const PENDING_COOKIE = 'beacon_2fa';
export const PENDING_TTL_MS = 5 * 60_000;

// Between the password and the second factor: a short-lived signed cookie naming the person. It is
// not a session (it opens nothing but the code form) and says nothing a cookie thief could reuse
// without the code.
const sign = (secret: string, body: string) => crypto.createHmac('sha256', secret).update(`pending-2fa:${body}`).digest('base64url');

export function setPendingSignIn(res: Response, secret: string, userId: string, now: Date, secure: boolean): void {
  const body = `${userId}.${now.getTime() + PENDING_TTL_MS}`;
  res.append('Set-Cookie', serialize(PENDING_COOKIE, `${body}.${sign(secret, body)}`, { httpOnly: true, sameSite: 'lax', secure, path: '/console', maxAge: PENDING_TTL_MS / 1000 }));
}

export function clearPendingSignIn(res: Response, secure: boolean): void {
  res.append('Set-Cookie', serialize(PENDING_COOKIE, '', { httpOnly: true, sameSite: 'lax', secure, path: '/console', maxAge: 0 }));
}

/** The user id of a valid, unexpired pending sign-in, or null. */
export function readPendingSignIn(req: Request, secret: string, now: Date): string | null {
  const value = readCookie(req, PENDING_COOKIE);
  const [userId, expires, sig] = value?.split('.') ?? [];
  if (!userId || !expires || !sig) return null;
  const expected = Buffer.from(sign(secret, `${userId}.${expires}`));
  const given = Buffer.from(sig);
  if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) return null;
  return Number(expires) > now.getTime() ? userId : null;
}

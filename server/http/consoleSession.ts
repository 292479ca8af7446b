import type { Request, Response } from 'express';
import { serialize } from 'cookie';
import type { AppDeps } from '../deps.js';
import { startSession } from '../domain/access/startSession.js';
import type { Actor, Ctx } from '../domain/context.js';
import type { SignInMethod } from '../domain/staff/signInMethods.js';
import { SESSION_COOKIE } from './auth.js';

/** Only same-site paths inside the console are followed after sign-in (no open redirect). */
export function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/console(\/|$|\?)/.test(next) && !next.startsWith('//') ? next : '/console';
}

/** Opens a console session for a person whose sign-in is complete and sets its cookie; every sign-in path ends here. */
export async function openConsoleSession(deps: AppDeps, req: Request, res: Response, ctx: Ctx, actor: Actor, method: SignInMethod): Promise<void> {
  const { cookieValue, expiresAt } = await startSession({ ...ctx, actor }, actor, { userAgent: req.get('user-agent'), method });
  const secure = deps.config.secureCookies;
  res.append('Set-Cookie', serialize(SESSION_COOKIE, cookieValue, { httpOnly: true, sameSite: 'lax', secure, path: '/', expires: expiresAt }));
}

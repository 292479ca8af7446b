import type { Request, RequestHandler } from 'express';
import { parse as parseCookies } from 'cookie';
import { resolveApiToken } from '../domain/access/resolveApiToken.js';
import { resolveSession } from '../domain/access/resolveSession.js';
import { forbidden, unauthenticated } from '../domain/errors.js';
import { can, type Permission } from '../domain/roles.js';
import type { AppDeps } from '../deps.js';
import { ctxOf } from './context.js';

export const SESSION_COOKIE = 'beacon_session';

export function readCookie(req: Request, name: string): string | undefined {
  const header = req.headers.cookie;
  return header ? parseCookies(header)[name] : undefined;
}

/** `Authorization: Bearer <token>` for the staff API. Sets req.actor or leaves it unset. */
export function bearerAuth(deps: AppDeps): RequestHandler {
  return async (req, _res, next) => {
    const header = req.headers.authorization;
    if (!header) return next();
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) return next(unauthenticated('Authorization header must be "Bearer <token>"', 'invalid_token'));
    const actor = await resolveApiToken(ctxOf(deps, req), match[1]!);
    if (!actor) return next(unauthenticated('The API token is invalid or revoked', 'invalid_token'));
    req.actor = actor;
    next();
  };
}

/** Console session cookie. Sets req.actor (and res.locals.user for views) when valid. */
export function sessionAuth(deps: AppDeps): RequestHandler {
  return async (req, res, next) => {
    const value = readCookie(req, SESSION_COOKIE);
    if (value) {
      const found = await resolveSession(ctxOf(deps, req), value);
      if (found) {
        req.actor = found.actor;
        req.sessionIdHash = found.idHash;
        req.sessionId = found.sessionId;
        req.signInMethod = found.signInMethod;
        res.locals.user = { ...found.actor, isAdmin: found.actor.role === 'admin', canOperate: can(found.actor.role, 'operate') };
      }
    }
    next();
  };
}

/** API guard: 401 without an actor, 403 without the permission. */
export function requireApi(permission: Permission): RequestHandler {
  return (req, _res, next) => {
    if (!req.actor) return next(unauthenticated('Send "Authorization: Bearer <token>"; create one with POST /api/v1/tokens'));
    if (!can(req.actor.role, permission)) return next(forbidden());
    next();
  };
}

/** Console guard: anonymous visitors go to the login page, others without the permission get 403. */
export function requireConsole(permission: Permission): RequestHandler {
  return (req, res, next) => {
    if (!req.actor) return res.redirect(303, `/console/login?next=${encodeURIComponent(req.originalUrl)}`);
    if (!can(req.actor.role, permission)) return next(forbidden());
    next();
  };
}

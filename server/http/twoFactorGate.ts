import type { RequestHandler } from 'express';
import type { AppDeps } from '../deps.js';
import { viaIdentityProvider } from '../domain/staff/signInMethods.js';
import { hasSecondFactor, twoFactorRequired } from '../domain/twoFactor/factorState.js';

// What someone who must still enrol may reach: the Security page (to enrol) and sign-out.
const OPEN = /^\/(security(\/|$)|logout$)/;

/**
 * Policy "two-factor required for all staff": a signed-in person without a factor is sent to the
 * Security page and can do nothing else until enrolled. Sessions from an identity provider are
 * exempt: there the IdP's own rules apply (seed, login security).
 */
export function twoFactorGate(deps: AppDeps): RequestHandler {
  return async (req, res, next) => {
    if (!req.actor || OPEN.test(req.path) || (req.signInMethod && viaIdentityProvider(req.signInMethod))) return next();
    const db = deps.database.db;
    if (!(await twoFactorRequired(db)) || (await hasSecondFactor(db, req.actor.id))) return next();
    res.redirect(303, '/console/security?enrol=required');
  };
}

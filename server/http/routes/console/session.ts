import { Router } from 'express';
import { serialize } from 'cookie';
import { z } from 'zod';
import type { AppDeps } from '../../../deps.js';
import { endSession } from '../../../domain/access/endSession.js';
import type { Actor } from '../../../domain/context.js';
import { passwordPolicyOf } from '../../../domain/sso/providers.js';
import { authenticate } from '../../../domain/staff/authenticate.js';
import { completeSetup } from '../../../domain/staff/completeSetup.js';
import { findOneTimeToken } from '../../../domain/staff/consumeOneTimeToken.js';
import { setPasswordFromLink } from '../../../domain/staff/setPasswordFromLink.js';
import { hasSecondFactor } from '../../../domain/twoFactor/factorState.js';
import { readCookie, SESSION_COOKIE } from '../../auth.js';
import { clientAddress } from '../../clientAddress.js';
import { openConsoleSession, safeNext } from '../../consoleSession.js';
import { setPendingSignIn } from '../../pendingSignIn.js';
import { loginPageLocals } from '../../sso/loginPage.js';
import { ctxOf } from '../../context.js';
import { renderFormError } from '../../forms.js';
import { parse } from '../../validate.js';
import { emailField, nameField, passwordField } from '../api/fields.js';
import type { Response } from 'express';

const loginBody = z.object({ email: z.string().trim().max(254), password: z.string().max(256), next: z.string().max(500).optional() });
const setupBody = z.object({ token: z.string().max(200), email: emailField, name: nameField, password: passwordField });
const setPasswordBody = z.object({ token: z.string().max(200), password: passwordField });

export function sessionRoutes(deps: AppDeps): Router {
  const r = Router();
  const secure = deps.config.secureCookies;
  const limits = { attemptsPerMinute: deps.config.SIGN_IN_ATTEMPTS_PER_MINUTE, passwordPolicy: passwordPolicyOf(deps.config) };

  async function signIn(res: Response, ctx: ReturnType<typeof ctxOf>, actor: Actor, next: string) {
    // With a second factor a password (or a reset link) opens only the code step, not a session.
    if (await hasSecondFactor(ctx.db, actor.id)) {
      setPendingSignIn(res, deps.sessionSecret, actor.id, ctx.now, secure);
      return res.redirect(303, `/console/login/second-factor?next=${encodeURIComponent(next)}`);
    }
    await openConsoleSession(deps, res.req, res, ctx, actor, 'password');
    res.redirect(303, next);
  }

  r.get('/login', async (req, res) => {
    if (req.actor) return res.redirect(303, '/console');
    res.render('pages/login', await loginPageLocals(deps, safeNext(req.query.next), { scripts: ['/public/js/passkeys.js'] }));
  });

  r.post('/login', async (req, res) => {
    const locals = await loginPageLocals(deps, safeNext(req.body?.next), { email: req.body?.email, scripts: ['/public/js/passkeys.js'] });
    try {
      const input = parse(loginBody, req.body);
      const ctx = ctxOf(deps, req);
      const actor = await authenticate(ctx, { ...input, clientAddress: clientAddress(req) }, limits);
      await signIn(res, ctx, actor, safeNext(input.next));
    } catch (err) {
      renderFormError(res, 'pages/login', err, locals);
    }
  });

  r.post('/logout', async (req, res) => {
    const value = readCookie(req, SESSION_COOKIE);
    if (value) await endSession(ctxOf(deps, req), value);
    res.append('Set-Cookie', serialize(SESSION_COOKIE, '', { httpOnly: true, sameSite: 'lax', secure, path: '/', maxAge: 0 }));
    res.redirect(303, '/console/login');
  });

  r.get('/setup', async (req, res) => {
    const token = String(req.query.token ?? '');
    await findOneTimeToken(ctxOf(deps, req), token, 'setup');
    res.render('pages/setup', { title: 'Create the first admin', token });
  });

  r.post('/setup', async (req, res) => {
    const locals = { title: 'Create the first admin', token: req.body?.token, email: req.body?.email, name: req.body?.name };
    try {
      const input = parse(setupBody, req.body);
      const ctx = ctxOf(deps, req);
      const actor = await completeSetup(ctx, input);
      await signIn(res, ctx, actor, '/console');
    } catch (err) {
      renderFormError(res, 'pages/setup', err, locals);
    }
  });

  r.get('/set-password', async (req, res) => {
    const token = String(req.query.token ?? '');
    await findOneTimeToken(ctxOf(deps, req), token, ['set_password', 'reset_password']);
    res.render('pages/set-password', { title: 'Choose your password', token });
  });

  r.post('/set-password', async (req, res) => {
    try {
      const input = parse(setPasswordBody, req.body);
      const ctx = ctxOf(deps, req);
      const actor = await setPasswordFromLink(ctx, input, limits.passwordPolicy);
      await signIn(res, ctx, actor, '/console');
    } catch (err) {
      renderFormError(res, 'pages/set-password', err, { title: 'Choose your password', token: req.body?.token });
    }
  });

  return r;
}

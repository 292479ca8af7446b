import { Router } from 'express';
import { serialize } from 'cookie';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { AppDeps } from '../../../deps.js';
import { users } from '../../../db/schema.js';
import { startSession } from '../../../domain/access/startSession.js';
import { toActor } from '../../../domain/staff/userPresenterFields.js';
import { verifySecondFactor } from '../../../domain/twoFactor/verifySecondFactor.js';
import { SESSION_COOKIE } from '../../auth.js';
import { clientAddress } from '../../clientAddress.js';
import { ctxOf } from '../../context.js';
import { renderFormError } from '../../forms.js';
import { clearPendingSignIn, readPendingSignIn } from '../../pendingSignIn.js';
import { parse } from '../../validate.js';

const VIEW = 'pages/second-factor';
const TITLE = 'Two-factor sign-in';
const body = z.object({ code: z.string().trim().min(1, 'is required').max(40, 'is too long'), next: z.string().max(500).optional() });

function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/console(\/|$|\?)/.test(next) && !next.startsWith('//') ? next : '/console';
}

/** The second step of console sign-in, after a correct password for an account with a factor. */
export function secondFactorRoutes(deps: AppDeps): Router {
  const r = Router();
  const secure = deps.config.publicUrl.startsWith('https://');

  r.get('/login/second-factor', (req, res) => {
    if (!readPendingSignIn(req, deps.sessionSecret, deps.clock.now())) return res.redirect(303, '/console/login');
    res.render(VIEW, { title: TITLE, next: safeNext(req.query.next) });
  });

  r.post('/login/second-factor', async (req, res) => {
    const locals = { title: TITLE, next: safeNext(req.body?.next) };
    const ctx = ctxOf(deps, req);
    const userId = readPendingSignIn(req, deps.sessionSecret, ctx.now);
    if (!userId) return res.redirect(303, '/console/login');
    try {
      const input = parse(body, req.body);
      const [user] = await ctx.db.select().from(users).where(eq(users.id, userId));
      if (!user?.active) return res.redirect(303, '/console/login');
      const actor = toActor(user);
      await verifySecondFactor(ctx, deps.secretsKey, actor, input.code, clientAddress(req));
      const { cookieValue, expiresAt } = await startSession({ ...ctx, actor }, actor, { userAgent: req.get('user-agent') });
      clearPendingSignIn(res, secure);
      res.append('Set-Cookie', serialize(SESSION_COOKIE, cookieValue, { httpOnly: true, sameSite: 'lax', secure, path: '/', expires: expiresAt }));
      res.redirect(303, safeNext(input.next));
    } catch (err) {
      renderFormError(res, VIEW, err, locals);
    }
  });

  return r;
}

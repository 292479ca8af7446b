import { Router } from 'express';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { AppDeps } from '../../../deps.js';
import { users } from '../../../db/schema.js';
import { toActor } from '../../../domain/staff/userPresenterFields.js';
import { verifySecondFactor } from '../../../domain/twoFactor/verifySecondFactor.js';
import { clientAddress } from '../../clientAddress.js';
import { openConsoleSession, safeNext } from '../../consoleSession.js';
import { ctxOf } from '../../context.js';
import { renderFormError } from '../../forms.js';
import { clearPendingSignIn, readPendingSignIn } from '../../pendingSignIn.js';
import { parse } from '../../validate.js';

const VIEW = 'pages/second-factor';
const TITLE = 'Two-factor sign-in';
const body = z.object({ code: z.string().trim().min(1, 'is required').max(40, 'is too long'), next: z.string().max(500).optional() });

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
      await openConsoleSession(deps, req, res, ctx, actor, 'password');
      clearPendingSignIn(res, secure);
      res.redirect(303, safeNext(input.next));
    } catch (err) {
      renderFormError(res, VIEW, err, locals);
    }
  });

  return r;
}

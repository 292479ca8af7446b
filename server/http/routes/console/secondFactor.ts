import { Router, type Request } from 'express';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { AppDeps } from '../../../deps.js';
import { users } from '../../../db/schema.js';
import type { Actor } from '../../../domain/context.js';
import { unauthenticated } from '../../../domain/errors.js';
import { beginPasskeySignIn } from '../../../domain/passkeys/beginPasskeySignIn.js';
import { relyingParty } from '../../../domain/passkeys/relyingParty.js';
import { verifyPasskeySecondFactor } from '../../../domain/passkeys/verifyPasskeySecondFactor.js';
import { toActor } from '../../../domain/staff/userPresenterFields.js';
import { factorsOf } from '../../../domain/twoFactor/factorState.js';
import { verifySecondFactor } from '../../../domain/twoFactor/verifySecondFactor.js';
import { clientAddress } from '../../clientAddress.js';
import { openConsoleSession, safeNext } from '../../consoleSession.js';
import { ctxOf } from '../../context.js';
import { renderFormError } from '../../forms.js';
import { clearPendingSignIn, readPendingSignIn } from '../../pendingSignIn.js';
import { parse } from '../../validate.js';

const VIEW = 'pages/second-factor';
const TITLE = 'Two-factor sign-in';
const codeBody = z.object({ code: z.string().trim().min(1, 'is required').max(40, 'is too long'), next: z.string().max(500).optional() });
const passkeyBody = z.object({ response: z.string().min(1, 'is missing: your browser did not use a passkey').max(40_000, 'is too long'), next: z.string().max(500).optional() });

/**
 * The second step of console sign-in, after a correct password for an account with a factor: a
 * code (TOTP or recovery) when they have an authenticator app, a passkey when they have one.
 */
export function secondFactorRoutes(deps: AppDeps): Router {
  const r = Router();
  const secure = deps.config.secureCookies;
  const rp = () => relyingParty(deps.config.publicUrl, deps.config.PAGE_NAME);

  async function page(userId: string, next: unknown) {
    const factors = await factorsOf(deps.database.db, userId);
    return { title: TITLE, next: safeNext(next), totp: factors.totp, passkey: factors.passkeys > 0, scripts: factors.passkeys > 0 ? ['/public/js/passkeys.js'] : [] };
  }

  /** The person of a live pending sign-in, or null (expired, forged, or since deactivated). */
  async function pendingActor(req: Request): Promise<Actor | null> {
    const userId = readPendingSignIn(req, deps.sessionSecret, deps.clock.now());
    if (!userId) return null;
    const [user] = await deps.database.db.select().from(users).where(eq(users.id, userId));
    return user?.active ? toActor(user) : null;
  }

  r.get('/login/second-factor', async (req, res) => {
    const actor = await pendingActor(req);
    if (!actor) return res.redirect(303, '/console/login');
    res.render(VIEW, await page(actor.id, req.query.next));
  });

  r.post('/login/second-factor', async (req, res) => {
    const actor = await pendingActor(req);
    if (!actor) return res.redirect(303, '/console/login');
    const ctx = ctxOf(deps, req);
    try {
      const input = parse(codeBody, req.body);
      await verifySecondFactor(ctx, deps.secretsKey, actor, input.code, clientAddress(req));
      await openConsoleSession(deps, req, res, ctx, actor, 'password');
      clearPendingSignIn(res, secure);
      res.redirect(303, safeNext(input.next));
    } catch (err) {
      renderFormError(res, VIEW, err, await page(actor.id, req.body?.next));
    }
  });

  // Called by the page's script (JSON, CSRF in a header): a challenge naming this person's passkeys.
  r.post('/login/second-factor/passkey/options', async (req, res) => {
    const actor = await pendingActor(req);
    if (!actor) throw unauthenticated('The sign-in expired: enter your password again.', 'sign_in_expired');
    res.json(await beginPasskeySignIn(ctxOf(deps, req), rp(), { userId: actor.id }));
  });

  r.post('/login/second-factor/passkey', async (req, res) => {
    const actor = await pendingActor(req);
    if (!actor) return res.redirect(303, '/console/login');
    const ctx = ctxOf(deps, req);
    try {
      const input = parse(passkeyBody, req.body);
      await verifyPasskeySecondFactor(ctx, rp(), actor, input.response, clientAddress(req));
      // The password was the sign-in; the passkey its second step.
      await openConsoleSession(deps, req, res, ctx, actor, 'password');
      clearPendingSignIn(res, secure);
      res.redirect(303, safeNext(input.next));
    } catch (err) {
      renderFormError(res, VIEW, err, await page(actor.id, req.body?.next));
    }
  });

  return r;
}

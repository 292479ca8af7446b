import { Router } from 'express';
import { z } from 'zod';
import type { AppDeps } from '../../../deps.js';
import { beginPasskeySignIn } from '../../../domain/passkeys/beginPasskeySignIn.js';
import { relyingParty } from '../../../domain/passkeys/relyingParty.js';
import { signInWithPasskey } from '../../../domain/passkeys/signInWithPasskey.js';
import { assertPasswordSignInAllowed } from '../../../domain/sso/passwordSignInPolicy.js';
import { passwordPolicyOf } from '../../../domain/sso/providers.js';
import { clientAddress } from '../../clientAddress.js';
import { loginPageLocals } from '../../sso/loginPage.js';
import { openConsoleSession, safeNext } from '../../consoleSession.js';
import { ctxOf } from '../../context.js';
import { renderFormError } from '../../forms.js';
import { parse } from '../../validate.js';

const body = z.object({ response: z.string().min(1, 'is missing: your browser did not use a passkey').max(40_000, 'is too long'), next: z.string().max(500).optional() });

/** Passwordless sign-in with a passkey, from the sign-in page. */
export function passkeySignInRoutes(deps: AppDeps): Router {
  const r = Router();
  const rp = () => relyingParty(deps.config.publicUrl, deps.config.PAGE_NAME);

  // Called by the page's script (JSON, CSRF in a header): a challenge any of this site's passkeys may sign.
  r.post('/login/passkey/options', async (req, res) => {
    res.json(await beginPasskeySignIn(ctxOf(deps, req), rp(), { clientAddress: clientAddress(req), attemptsPerMinute: deps.config.SIGN_IN_ATTEMPTS_PER_MINUTE }));
  });

  r.post('/login/passkey', async (req, res) => {
    const ctx = ctxOf(deps, req);
    try {
      const input = parse(body, req.body);
      const actor = await signInWithPasskey(ctx, rp(), input.response, clientAddress(req));
      // Under "SSO enforced" a passkey is no way around the identity provider (break-glass admins excepted).
      await assertPasswordSignInAllowed(ctx, passwordPolicyOf(deps.config), actor.email);
      await openConsoleSession(deps, req, res, ctx, actor, 'passkey');
      res.redirect(303, safeNext(input.next));
    } catch (err) {
      renderFormError(res, 'pages/login', err, await loginPageLocals(deps, safeNext(req.body?.next), { scripts: ['/public/js/passkeys.js'] }));
    }
  });

  return r;
}

import { Router } from 'express';
import type { AppDeps } from '../../../deps.js';
import { ssoProviders } from '../../../domain/sso/providers.js';
import { countSignInAttempt } from '../../../domain/staff/authenticate.js';
import { refuseIdentityResponse } from '../../../domain/sso/refuseIdentityResponse.js';
import { signInWithIdentityProvider } from '../../../domain/sso/signInWithIdentityProvider.js';
import { clientAddress } from '../../clientAddress.js';
import { openConsoleSession, safeNext } from '../../consoleSession.js';
import { ctxOf } from '../../context.js';
import { renderFormError } from '../../forms.js';
import { loginPageLocals } from '../../sso/loginPage.js';
import { OidcClient, OidcRefusal } from '../../sso/oidcClient.js';
import { clearOidcPending, readOidcPending, setOidcPending } from '../../sso/oidcState.js';

/** Sign-in through an OpenID Connect provider (OIDC_ISSUER_URL): the button's start and the provider's callback. */
export function oidcRoutes(deps: AppDeps): Router {
  const r = Router();
  const provider = ssoProviders(deps.config).find((p) => p.id === 'oidc');
  if (!provider) return r;
  const client = new OidcClient(deps.config, deps.logger);
  const secure = deps.config.secureCookies;

  r.get('/login/oidc', async (req, res) => {
    const next = safeNext(req.query.next);
    try {
      const { url, pending } = await client.start(next);
      setOidcPending(res, deps.sessionSecret, pending, deps.clock.now(), secure);
      res.redirect(303, url.href);
    } catch (err) {
      renderFormError(res, 'pages/login', err, await loginPageLocals(deps, next));
    }
  });

  r.get('/login/oidc/callback', async (req, res) => {
    const ctx = ctxOf(deps, req);
    const pending = readOidcPending(req, deps.sessionSecret, ctx.now);
    clearOidcPending(res, secure);
    try {
      // The same per-address ceiling as password sign-in: refusals are audited, so unlimited bad callbacks would flood the log.
      await countSignInAttempt(ctx, clientAddress(req), deps.config.SIGN_IN_ATTEMPTS_PER_MINUTE);
      if (!pending) await refuseIdentityResponse(ctx, 'oidc', 'state_invalid', 'no valid state cookie');
      // The URL the provider sent the browser to, as the redirect URI registered with it names it.
      const identity = await client.finish(new URL(`${deps.config.publicUrl}${req.originalUrl}`), pending!).catch((err) => {
        if (err instanceof OidcRefusal) return refuseIdentityResponse(ctx, 'oidc', err.reason, err.detail);
        throw err;
      });
      const actor = await signInWithIdentityProvider(ctx, identity, provider.policy);
      await openConsoleSession(deps, req, res, ctx, actor, 'oidc');
      res.redirect(303, safeNext(pending!.next));
    } catch (err) {
      renderFormError(res, 'pages/login', err, await loginPageLocals(deps, safeNext(pending?.next)));
    }
  });

  return r;
}

import express, { Router, type RequestHandler, type Response } from 'express';
import type { AppDeps } from '../../../deps.js';
import { countSignInAttempt } from '../../../domain/staff/authenticate.js';
import { refuseSignIn } from '../../../domain/sso/refuseSignIn.js';
import { ssoProviders } from '../../../domain/sso/providers.js';
import { signInWithIdentityProvider } from '../../../domain/sso/signInWithIdentityProvider.js';
import { clientAddress } from '../../clientAddress.js';
import { openConsoleSession, safeNext } from '../../consoleSession.js';
import { ctxOf } from '../../context.js';
import { renderFormError } from '../../forms.js';
import { loginPageLocals } from '../../sso/loginPage.js';
import { SamlRefused } from '../../saml/samlRefusals.js';
import { rememberSamlRequestInBrowser, samlRequestsOfBrowser } from '../../saml/samlBrowserBinding.js';
import { SAML_ACS_PATH, SAML_BODY_LIMIT, type SamlServiceProvider } from '../../saml/samlServiceProvider.js';

const parseAcsBody = express.urlencoded({ extended: false, limit: SAML_BODY_LIMIT, parameterLimit: 10 });

/**
 * The ACS form's own body parser, ahead of the console's: a response over the limit is not an
 * ordinary bad request but a refused sign-in, so the route audits it and answers 413 with the page.
 */
export const samlAcsBody: RequestHandler = (req, res, next) =>
  parseAcsBody(req, res, (err?: unknown) => {
    if ((err as { type?: string } | undefined)?.type !== 'entity.too.large') return next(err);
    res.locals.samlTooLarge = true;
    next();
  });

/** SAML single sign-on: the button's redirect to the IdP, and the assertion consumer service it posts back to. */
export function samlRoutes(deps: AppDeps, sp: SamlServiceProvider | null): Router {
  const r = Router();
  if (!sp) return r;
  const policy = ssoProviders(deps.config).find((p) => p.id === 'saml')!.policy;
  const secure = deps.config.secureCookies;

  r.get('/login/saml', async (req, res) => {
    const next = safeNext(req.query.next);
    try {
      const ctx = ctxOf(deps, req);
      await countSignInAttempt(ctx, clientAddress(req), deps.config.SIGN_IN_ATTEMPTS_PER_MINUTE);
      const { url, requestId } = await sp.authorizeUrl(ctx, next);
      rememberSamlRequestInBrowser(req, res, deps.sessionSecret, requestId, ctx.now, secure);
      res.redirect(303, url);
    } catch (err) {
      renderFormError(res, 'pages/login', err, await loginPageLocals(deps, next));
    }
  });

  // Exempt from CSRF tokens (app.ts): the IdP's page posts here cross-site; what proves the post is
  // the IdP's signature over an assertion answering a request this browser started (its cookie), accepted once.
  r.post('/login/saml/acs', async (req, res) => {
    const ctx = ctxOf(deps, req);
    const next = safeNext(req.body?.RelayState);
    try {
      const startedHere = samlRequestsOfBrowser(req, deps.sessionSecret, ctx.now);
      // The IdP's cross-site POST arrives without the Lax cookie: hand the answer back for the browser
      // to post to itself, same-site, cookie included. Nothing is read or counted on this pass.
      if (!startedHere && req.body?.continued !== '1' && !res.locals.samlTooLarge && typeof req.body?.SAMLResponse === 'string') {
        return postBackToSelf(res, req.body.SAMLResponse, typeof req.body.RelayState === 'string' ? req.body.RelayState : '');
      }
      await countSignInAttempt(ctx, clientAddress(req), deps.config.SIGN_IN_ATTEMPTS_PER_MINUTE);
      if (res.locals.samlTooLarge) throw new SamlRefused('oversized');
      const identity = await sp.verify(ctx, req.body, startedHere ?? []);
      const actor = await signInWithIdentityProvider(ctx, identity, policy);
      await openConsoleSession(deps, req, res, ctx, actor, 'saml');
      res.redirect(303, next);
    } catch (err) {
      renderFormError(res, 'pages/login', err instanceof SamlRefused ? await refuseSignIn(ctx, err.refusal) : err, await loginPageLocals(deps, next));
    }
  });

  return r;
}

/** The answer, unread, in a form that posts itself back to the ACS (public/js/saml-continue.js; a button without JavaScript). */
function postBackToSelf(res: Response, samlResponse: string, relayState: string): void {
  res.set('Cache-Control', 'no-store');
  res.render('pages/saml-continue', { title: 'Signing you in', action: SAML_ACS_PATH, samlResponse, relayState, scripts: ['/public/js/saml-continue.js'] });
}

import { Router } from 'express';
import { z } from 'zod';
import type { AppDeps } from '../../../deps.js';
import { beginPasskeyEnrolment } from '../../../domain/passkeys/beginPasskeyEnrolment.js';
import { enrolPasskey } from '../../../domain/passkeys/enrolPasskey.js';
import { relyingParty } from '../../../domain/passkeys/relyingParty.js';
import { removePasskey } from '../../../domain/passkeys/removePasskey.js';
import { renamePasskey } from '../../../domain/passkeys/renamePasskey.js';
import { requireConsole } from '../../auth.js';
import { ctxOf } from '../../context.js';
import { checkbox, renderFormError } from '../../forms.js';
import { fieldError, parse, uuidParam } from '../../validate.js';
import { securityPageOf } from './security.js';

const nameField = z.string().trim().min(1, 'is required').max(60, 'is too long');
// The browser's answer, as JSON (public/js/passkeys.js); the verb tells malformed from refused.
const responseField = z.string().min(1, 'is missing: your browser did not create a passkey').max(40_000, 'is too long');
const VIEW = 'pages/security';

/** Passkeys on the Security page: add (named), rename, remove. Several per person. */
export function passkeyConsoleRoutes(deps: AppDeps): Router {
  const r = Router();
  const rp = () => relyingParty(deps.config.publicUrl, deps.config.PAGE_NAME);

  // Called by the page's script (JSON, CSRF in a header): a one-time challenge for the browser.
  r.post('/security/passkeys/options', requireConsole('read'), async (req, res) => {
    res.json(await beginPasskeyEnrolment(ctxOf(deps, req), rp()));
  });

  r.post('/security/passkeys', requireConsole('read'), async (req, res) => {
    try {
      const input = parse(z.object({ name: nameField, response: responseField }), req.body);
      await enrolPasskey(ctxOf(deps, req), rp(), input);
      res.redirect(303, '/console/security?done=passkey_added#passkeys');
    } catch (err) {
      renderFormError(res, VIEW, err, { ...(await securityPageOf(deps, req)), passkeyName: req.body?.name });
    }
  });

  r.post('/security/passkeys/:id/rename', requireConsole('read'), async (req, res) => {
    try {
      const id = parse(uuidParam, req.params.id);
      const { name } = parse(z.object({ name: nameField }), req.body);
      await renamePasskey(ctxOf(deps, req), id, name);
      res.redirect(303, '/console/security?done=passkey_renamed#passkeys');
    } catch (err) {
      renderFormError(res, VIEW, err, await securityPageOf(deps, req));
    }
  });

  r.post('/security/passkeys/:id/remove', requireConsole('read'), async (req, res) => {
    try {
      const id = parse(uuidParam, req.params.id);
      // A deliberate tick, so a stray click cannot remove a way to sign in.
      if (!checkbox(req.body?.confirm)) throw fieldError('confirm', 'must be ticked to remove the passkey');
      await removePasskey(ctxOf(deps, req), id);
      res.redirect(303, '/console/security?done=passkey_removed#passkeys');
    } catch (err) {
      renderFormError(res, VIEW, err, await securityPageOf(deps, req));
    }
  });

  return r;
}

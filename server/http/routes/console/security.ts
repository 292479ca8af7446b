import { Router, type Request } from 'express';
import { z } from 'zod';
import type { AppDeps } from '../../../deps.js';
import { endOwnSession } from '../../../domain/access/endOwnSession.js';
import { listSessions } from '../../../domain/access/listSessions.js';
import { beginTotpEnrolment } from '../../../domain/twoFactor/beginTotpEnrolment.js';
import { confirmTotpEnrolment } from '../../../domain/twoFactor/confirmTotpEnrolment.js';
import { disableTotp } from '../../../domain/twoFactor/disableTotp.js';
import { listPasskeys } from '../../../domain/passkeys/listPasskeys.js';
import { hasSecondFactor, totpStatus, twoFactorRequired } from '../../../domain/twoFactor/factorState.js';
import { presentPasskey, presentSession } from '../../../presenters/staff.js';
import { requireConsole } from '../../auth.js';
import { clientAddress } from '../../clientAddress.js';
import { ctxOf } from '../../context.js';
import { renderFormError } from '../../forms.js';
import { parse, uuidParam } from '../../validate.js';

const DONE: Record<string, string> = {
  session_ended: 'The session has ended.',
  totp_removed: 'Two-factor sign-in is off.',
  passkey_added: 'The passkey is added.',
  passkey_renamed: 'The passkey is renamed.',
  passkey_removed: 'The passkey is removed.',
};
const codeField = z.string().trim().min(1, 'is required').max(40, 'is too long');

/** What the Security page shows: the person's sessions, TOTP state and passkeys. */
export async function securityPageOf(deps: AppDeps, req: Request) {
  const ctx = ctxOf(deps, req);
  const rows = await listSessions(ctx);
  const totp = await totpStatus(ctx.db, deps.secretsKey, req.actor!, deps.config.PAGE_NAME);
  // The QR code is drawn here as an SVG data URL: no third-party image service sees the seed.
  const qr = totp.state === 'pending' ? `data:image/svg+xml;base64,${Buffer.from(await (await import('qrcode')).default.toString(totp.uri, { type: 'svg', margin: 1 })).toString('base64')}` : null;
  const mustEnrol = !(await hasSecondFactor(ctx.db, req.actor!.id)) && (await twoFactorRequired(ctx.db));
  return {
    title: 'Security',
    sessions: rows.map((s) => presentSession(s, req.sessionId)),
    totp: { ...totp, secret: undefined, uri: undefined, on: totp.state === 'on', pending: totp.state === 'pending', off: totp.state === 'off' },
    manualKey: totp.state === 'pending' ? totp.secret.match(/.{1,4}/g)!.join(' ') : null,
    qr,
    mustEnrol,
    passkeys: (await listPasskeys(ctx.db, req.actor!.id)).map(presentPasskey),
    scripts: ['/public/js/passkeys.js'],
  };
}

/** The "Security" page: each person's own console sessions and second factors. */
export function securityConsoleRoutes(deps: AppDeps): Router {
  const r = Router();
  const issuer = deps.config.PAGE_NAME;
  const securityPage = (req: Request) => securityPageOf(deps, req);

  r.get('/security', requireConsole('read'), async (req, res) => {
    const done = typeof req.query.done === 'string' ? DONE[req.query.done] : undefined;
    res.render('pages/security', { ...(await securityPage(req)), done });
  });

  r.post('/security/sessions/:id/end', requireConsole('read'), async (req, res) => {
    const id = parse(uuidParam, req.params.id);
    await endOwnSession(ctxOf(deps, req), id);
    // Ending the session in use signs this browser out.
    res.redirect(303, id === req.sessionId ? '/console/login' : '/console/security?done=session_ended');
  });

  r.post('/security/totp/start', requireConsole('read'), async (req, res) => {
    try {
      await beginTotpEnrolment(ctxOf(deps, req), deps.secretsKey, issuer);
      res.redirect(303, '/console/security#two-factor');
    } catch (err) {
      renderFormError(res, 'pages/security', err, await securityPage(req));
    }
  });

  r.post('/security/totp/confirm', requireConsole('read'), async (req, res) => {
    try {
      const { code } = parse(z.object({ code: codeField }), req.body);
      const recoveryCodes = await confirmTotpEnrolment(ctxOf(deps, req), deps.secretsKey, code);
      // Shown once, in this response only.
      res.render('pages/security', { ...(await securityPage(req)), recoveryCodes });
    } catch (err) {
      renderFormError(res, 'pages/security', err, await securityPage(req));
    }
  });

  r.post('/security/totp/disable', requireConsole('read'), async (req, res) => {
    try {
      const input = parse(z.object({ password: z.string().min(1, 'is required').max(256), code: codeField }), req.body);
      await disableTotp(ctxOf(deps, req), deps.secretsKey, { ...input, clientAddress: clientAddress(req) });
      res.redirect(303, '/console/security?done=totp_removed');
    } catch (err) {
      renderFormError(res, 'pages/security', err, await securityPage(req));
    }
  });

  return r;
}

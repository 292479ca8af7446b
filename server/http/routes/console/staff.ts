import { Router } from 'express';
import { z } from 'zod';
import type { AppDeps } from '../../../deps.js';
import { createApiToken } from '../../../domain/access/createApiToken.js';
import { listApiTokens } from '../../../domain/access/listApiTokens.js';
import { revokeApiToken } from '../../../domain/access/revokeApiToken.js';
import { endSessionsOf } from '../../../domain/access/endSessionsOf.js';
import { listAuditLog } from '../../../domain/listAuditLog.js';
import { issuePasswordResetLink } from '../../../domain/staff/issuePasswordResetLink.js';
import { resetUrlOf } from '../../../domain/staff/resetLinks.js';
import { twoFactorRequired, usersWithSecondFactor } from '../../../domain/twoFactor/factorState.js';
import { setTwoFactorPolicy } from '../../../domain/twoFactor/setTwoFactorPolicy.js';
import { ssoEnforced } from '../../../domain/sso/passwordSignInPolicy.js';
import { ssoConfigured } from '../../../domain/sso/providers.js';
import { setSsoEnforced } from '../../../domain/sso/setSsoEnforced.js';
import { removeSecondFactorOf } from '../../../domain/twoFactor/removeSecondFactorOf.js';
import { createUser } from '../../../domain/staff/createUser.js';
import { listUsers } from '../../../domain/staff/listUsers.js';
import { updateUser } from '../../../domain/staff/updateUser.js';
import { deleteStaffAccount } from '../../../domain/staff/deleteStaffAccount.js';
import { mirrorDeletionLedger } from '../../../backup/ledgerFile.js';
import { staffData } from '../../../domain/staff/staffData.js';
import { roles, type Role } from '../../../domain/roles.js';
import { notFound } from '../../../domain/errors.js';
import { requireConsole } from '../../auth.js';
import { ctxOf } from '../../context.js';
import { redirectDone } from '../../flash.js';
import { checkbox, renderFormError } from '../../forms.js';
import { auditDiff } from '../../../presenters/auditDiff.js';
import { presentAuditEntry, presentToken, presentUser } from '../../../presenters/staff.js';
import { parse, uuidParam } from '../../validate.js';
import { emailField, nameField, roleField } from '../api/fields.js';

const ROLE_LABELS: Record<Role, string> = {
  observer: 'observer (reads everything, changes nothing)',
  regular: 'regular (files and updates incidents and maintenance)',
  admin: 'admin (also people, settings and policy)',
};

/** Console pages for API tokens, staff accounts and the audit log. */
export function staffConsoleRoutes(deps: AppDeps): Router {
  const r = Router();

  async function tokensPage(req: Parameters<Parameters<typeof r.get>[1]>[0]) {
    const all = req.actor!.role === 'admin';
    const rows = await listApiTokens(ctxOf(deps, req), { all });
    return { title: 'API tokens', tokens: rows.map((t) => presentToken(t.token, t.ownerEmail)) };
  }

  r.get('/tokens', requireConsole('read'), async (req, res) => {
    res.render('pages/tokens', await tokensPage(req));
  });

  r.post('/tokens', requireConsole('read'), async (req, res) => {
    try {
      const { name } = parse(z.object({ name: nameField }), req.body);
      const { token } = await createApiToken(ctxOf(deps, req), req.actor!, { name });
      res.status(201).render('pages/tokens', { ...(await tokensPage(req)), newToken: token });
    } catch (err) {
      renderFormError(res, 'pages/tokens', err, await tokensPage(req));
    }
  });

  r.post('/tokens/:id/revoke', requireConsole('read'), async (req, res) => {
    await revokeApiToken(ctxOf(deps, req), parse(uuidParam, req.params.id));
    redirectDone(res, '/console/tokens', 'token_revoked');
  });

  /** Invites start at the least-privileged role; the admin raises it on purpose. */
  async function usersPage(req: Parameters<Parameters<typeof r.get>[1]>[0], typedRole?: unknown) {
    const rows = await listUsers(ctxOf(deps, req));
    const inviteRole = roles.includes(typedRole as Role) ? (typedRole as Role) : 'observer';
    const withFactor = await usersWithSecondFactor(deps.database.db);
    return {
      title: 'Staff',
      users: rows.map((u) => ({ ...presentUser(u, withFactor.has(u.id)), roleOptions: roles.map((role) => ({ role, selected: role === u.role })) })),
      inviteRoles: [...roles].reverse().map((role) => ({ role, label: ROLE_LABELS[role], selected: role === inviteRole })),
      twoFactorRequired: await twoFactorRequired(deps.database.db),
      sso: { configured: ssoConfigured(deps.config), enforced: await ssoEnforced(deps.database.db), breakGlass: deps.config.SSO_BREAK_GLASS_EMAILS },
    };
  }

  r.get('/users', requireConsole('administer'), async (req, res) => {
    res.render('pages/users', await usersPage(req));
  });

  r.post('/users', requireConsole('administer'), async (req, res) => {
    try {
      const input = parse(z.object({ email: emailField, name: nameField, role: roleField.default('observer') }), req.body);
      const { inviteToken } = await createUser(ctxOf(deps, req), input);
      res.status(201).render('pages/users', {
        ...(await usersPage(req)),
        inviteUrl: `${deps.config.publicUrl}/console/set-password?token=${inviteToken}`,
      });
    } catch (err) {
      renderFormError(res, 'pages/users', err, { ...(await usersPage(req, req.body?.role)), form: req.body });
    }
  });

  r.post('/users/:id', requireConsole('administer'), async (req, res) => {
    try {
      const input = parse(z.object({ role: roleField, name: nameField }), req.body);
      await updateUser(ctxOf(deps, req), parse(uuidParam, req.params.id), { ...input, active: checkbox(req.body?.active) });
      redirectDone(res, '/console/users', 'user_saved');
    } catch (err) {
      renderFormError(res, 'pages/users', err, await usersPage(req));
    }
  });

  r.post('/users/policy/two-factor', requireConsole('administer'), async (req, res) => {
    await setTwoFactorPolicy(ctxOf(deps, req), checkbox(req.body?.required));
    res.redirect(303, '/console/users');
  });

  r.post('/users/policy/sso-enforced', requireConsole('administer'), async (req, res) => {
    try {
      await setSsoEnforced(ctxOf(deps, req), checkbox(req.body?.enforced), { ssoConfigured: ssoConfigured(deps.config) });
      res.redirect(303, '/console/users');
    } catch (err) {
      renderFormError(res, 'pages/users', err, await usersPage(req));
    }
  });

  r.post('/users/:id/reset-link', requireConsole('administer'), async (req, res) => {
    const id = parse(uuidParam, req.params.id);
    const token = await issuePasswordResetLink(ctxOf(deps, req), id);
    const page = await usersPage(req);
    res.render('pages/users', { ...page, resetUrl: resetUrlOf(deps.config.publicUrl, token), resetFor: page.users.find((u) => u.id === id)?.email });
  });

  r.post('/users/:id/remove-two-factor', requireConsole('administer'), async (req, res) => {
    const id = parse(uuidParam, req.params.id);
    const { removed } = await removeSecondFactorOf(ctxOf(deps, req), id);
    const page = await usersPage(req);
    res.render('pages/users', { ...page, factorRemoved: { removed, email: page.users.find((u) => u.id === id)?.email } });
  });

  r.post('/users/:id/end-sessions', requireConsole('administer'), async (req, res) => {
    const ended = await endSessionsOf(ctxOf(deps, req), parse(uuidParam, req.params.id));
    res.render('pages/users', { ...(await usersPage(req)), sessionsEnded: ended });
  });

  // Deletion cannot be undone, so the button on the staff page leads here first.
  r.get('/users/:id/delete', requireConsole('administer'), async (req, res) => {
    const id = parse(uuidParam, req.params.id);
    const user = (await listUsers(ctxOf(deps, req))).find((u) => u.id === id);
    if (!user) throw notFound('User', id);
    res.render('pages/user-delete', { title: 'Delete an account', person: presentUser(user) });
  });

  r.post('/users/:id/delete', requireConsole('administer'), async (req, res) => {
    try {
      await deleteStaffAccount(ctxOf(deps, req), deps.sessionSecret, parse(uuidParam, req.params.id));
      await mirrorDeletionLedger(deps); // after the commit: the copy kept with the backups
      redirectDone(res, '/console/users', 'user_deleted');
    } catch (err) {
      renderFormError(res, 'pages/users', err, await usersPage(req));
    }
  });

  r.get('/me/data', requireConsole('read'), async (req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.attachment('my-data.json').json(await staffData(deps.database.db, req.actor!.id, deps.clock.now()));
  });

  r.get('/audit', requireConsole('administer'), async (req, res) => {
    const cursor = req.query.cursor ? parse(z.coerce.number().int().positive(), req.query.cursor) : undefined;
    const page = await listAuditLog(ctxOf(deps, req), { before: cursor, limit: 50 });
    res.render('pages/audit', {
      title: 'Audit log',
      entries: page.entries.map((e) => {
        const p = presentAuditEntry(e);
        return { ...p, changes: auditDiff(p.before, p.after) };
      }),
      nextCursor: page.nextCursor,
    });
  });

  return r;
}

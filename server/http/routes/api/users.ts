import { Router } from 'express';
import { z } from 'zod';
import type { AppDeps } from '../../../deps.js';
import { endOwnSession } from '../../../domain/access/endOwnSession.js';
import { endSessionsOf } from '../../../domain/access/endSessionsOf.js';
import { listSessions } from '../../../domain/access/listSessions.js';
import { createUser } from '../../../domain/staff/createUser.js';
import { issuePasswordResetLink } from '../../../domain/staff/issuePasswordResetLink.js';
import { resetUrlOf } from '../../../domain/staff/resetLinks.js';
import { twoFactorRequired, usersWithSecondFactor } from '../../../domain/twoFactor/factorState.js';
import { removeSecondFactorOf } from '../../../domain/twoFactor/removeSecondFactorOf.js';
import { setTwoFactorPolicy } from '../../../domain/twoFactor/setTwoFactorPolicy.js';
import { listUsers } from '../../../domain/staff/listUsers.js';
import { updateUser } from '../../../domain/staff/updateUser.js';
import { deleteStaffAccount } from '../../../domain/staff/deleteStaffAccount.js';
import { mirrorDeletionLedger } from '../../../backup/ledgerFile.js';
import { staffData } from '../../../domain/staff/staffData.js';
import { requireApi } from '../../auth.js';
import { ctxOf } from '../../context.js';
import { presentSession, presentUser } from '../../../presenters/staff.js';
import { parse, uuidParam } from '../../validate.js';
import { emailField, nameField, passwordField, roleField } from './fields.js';

// Without a role, an invitation gets the least-privileged one.
export const createBody = z.strictObject({ email: emailField, name: nameField, role: roleField.default('observer'), password: passwordField.optional() });
export const updateBody = z.strictObject({ name: nameField.optional(), role: roleField.optional(), active: z.boolean().optional() });

export const twoFactorPolicyBody = z.strictObject({ required: z.boolean() });

export function userRoutes(deps: AppDeps): Router {
  const r = Router();

  r.get('/me', requireApi('read'), (req, res) => {
    res.json({ user: req.actor });
  });

  // The caller's own console sessions (the API itself is token-authenticated, so none is "current").
  r.get('/me/sessions', requireApi('read'), async (req, res) => {
    const rows = await listSessions(ctxOf(deps, req));
    res.json({ sessions: rows.map((s) => presentSession(s, req.sessionId)) });
  });

  r.delete('/me/sessions/:id', requireApi('read'), async (req, res) => {
    await endOwnSession(ctxOf(deps, req), parse(uuidParam, req.params.id));
    res.status(204).end();
  });

  r.delete('/users/:id/sessions', requireApi('administer'), async (req, res) => {
    const { count } = await endSessionsOf(ctxOf(deps, req), parse(uuidParam, req.params.id));
    res.json({ sessions_ended: count });
  });

  // When e-mail is off an admin hands the person this link (as with invitations).
  r.post('/users/:id/password-reset', requireApi('administer'), async (req, res) => {
    const token = await issuePasswordResetLink(ctxOf(deps, req), parse(uuidParam, req.params.id));
    res.status(201).json({ reset_url: resetUrlOf(deps.config.publicUrl, token) });
  });

  r.delete('/users/:id/two-factor', requireApi('administer'), async (req, res) => {
    const { removed } = await removeSecondFactorOf(ctxOf(deps, req), parse(uuidParam, req.params.id));
    res.json({ removed });
  });

  r.get('/settings/two-factor', requireApi('administer'), async (_req, res) => {
    res.json({ required: await twoFactorRequired(deps.database.db) });
  });

  r.put('/settings/two-factor', requireApi('administer'), async (req, res) => {
    const { required } = parse(twoFactorPolicyBody, req.body);
    await setTwoFactorPolicy(ctxOf(deps, req), required);
    res.json({ required });
  });

  // "Download my data": profile, sessions, tokens' metadata, audit entries, what they wrote.
  r.get('/me/data', requireApi('read'), async (req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.attachment('my-data.json').json(await staffData(deps.database.db, req.actor!.id, deps.clock.now()));
  });

  r.get('/users', requireApi('administer'), async (req, res) => {
    const rows = await listUsers(ctxOf(deps, req));
    const withFactor = await usersWithSecondFactor(deps.database.db);
    res.json({ users: rows.map((u) => presentUser(u, withFactor.has(u.id))) });
  });

  r.post('/users', requireApi('administer'), async (req, res) => {
    const { user, inviteToken } = await createUser(ctxOf(deps, req), parse(createBody, req.body));
    res.status(201).json({
      user: presentUser(user),
      invite_url: inviteToken ? `${deps.config.publicUrl}/console/set-password?token=${inviteToken}` : null,
    });
  });

  r.patch('/users/:id', requireApi('administer'), async (req, res) => {
    const user = await updateUser(ctxOf(deps, req), parse(uuidParam, req.params.id), parse(updateBody, req.body));
    res.json({ user: presentUser(user) });
  });

  r.delete('/users/:id', requireApi('administer'), async (req, res) => {
    await deleteStaffAccount(ctxOf(deps, req), deps.sessionSecret, parse(uuidParam, req.params.id));
    await mirrorDeletionLedger(deps); // after the commit: the copy kept with the backups
    res.status(204).end();
  });

  return r;
}

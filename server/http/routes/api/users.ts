import { Router } from 'express';
import { z } from 'zod';
import type { AppDeps } from '../../../deps.js';
import { createUser } from '../../../domain/staff/createUser.js';
import { listUsers } from '../../../domain/staff/listUsers.js';
import { updateUser } from '../../../domain/staff/updateUser.js';
import { deleteStaffAccount } from '../../../domain/staff/deleteStaffAccount.js';
import { staffData } from '../../../domain/staff/staffData.js';
import { requireApi } from '../../auth.js';
import { ctxOf } from '../../context.js';
import { presentUser } from '../../../presenters/staff.js';
import { parse, uuidParam } from '../../validate.js';
import { emailField, nameField, passwordField, roleField } from './fields.js';

// Without a role, an invitation gets the least-privileged one.
const createBody = z.strictObject({ email: emailField, name: nameField, role: roleField.default('observer'), password: passwordField.optional() });
const updateBody = z.strictObject({ name: nameField.optional(), role: roleField.optional(), active: z.boolean().optional() });

export function userRoutes(deps: AppDeps): Router {
  const r = Router();

  r.get('/me', requireApi('read'), (req, res) => {
    res.json({ user: req.actor });
  });

  // "Download my data": profile, sessions, tokens' metadata, audit entries, what they wrote.
  r.get('/me/data', requireApi('read'), async (req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    res.attachment('my-data.json').json(await staffData(deps.database.db, req.actor!.id, deps.clock.now()));
  });

  r.get('/users', requireApi('administer'), async (req, res) => {
    const rows = await listUsers(ctxOf(deps, req));
    res.json({ users: rows.map(presentUser) });
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
    res.status(204).end();
  });

  return r;
}

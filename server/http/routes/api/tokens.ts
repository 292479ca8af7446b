import { Router } from 'express';
import { z } from 'zod';
import type { AppDeps } from '../../../deps.js';
import { createApiToken } from '../../../domain/access/createApiToken.js';
import { listApiTokens } from '../../../domain/access/listApiTokens.js';
import { revokeApiToken } from '../../../domain/access/revokeApiToken.js';
import { passwordPolicyOf } from '../../../domain/sso/providers.js';
import { authenticate } from '../../../domain/staff/authenticate.js';
import { checkTokenSecondFactor } from '../../../domain/twoFactor/checkTokenSecondFactor.js';
import { requireApi } from '../../auth.js';
import { clientAddress } from '../../clientAddress.js';
import { ctxOf } from '../../context.js';
import { presentToken } from '../../../presenters/staff.js';
import { parse, uuidParam } from '../../validate.js';
import { emailField, nameField } from './fields.js';

export const createBody = z.strictObject({
  email: emailField,
  password: z.string().min(1, 'is required').max(256),
  name: nameField,
  otp: z.string().trim().min(1, 'is required').max(40, 'is too long').optional(),
});

export function tokenRoutes(deps: AppDeps): Router {
  const r = Router();
  const limits = { attemptsPerMinute: deps.config.SIGN_IN_ATTEMPTS_PER_MINUTE, passwordPolicy: passwordPolicyOf(deps.config) };

  // Exchanges staff credentials for a token; the same limits as the console login apply.
  r.post('/tokens', async (req, res) => {
    const input = parse(createBody, req.body);
    const ctx = ctxOf(deps, req);
    const actor = await authenticate(ctx, { ...input, clientAddress: clientAddress(req) }, limits);
    await checkTokenSecondFactor(ctx, deps.secretsKey, actor, input.otp, clientAddress(req));
    const { token, row } = await createApiToken({ ...ctx, actor }, actor, { name: input.name });
    res.status(201).json({ token, ...presentToken(row) });
  });

  r.get('/tokens', requireApi('read'), async (req, res) => {
    const all = parse(z.strictObject({ all: z.enum(['1', 'true']).optional() }), req.query).all !== undefined;
    const rows = await listApiTokens(ctxOf(deps, req), { all });
    res.json({ tokens: rows.map((r) => presentToken(r.token, r.ownerEmail)) });
  });

  r.delete('/tokens/:id', requireApi('read'), async (req, res) => {
    const row = await revokeApiToken(ctxOf(deps, req), parse(uuidParam, req.params.id));
    res.json(presentToken(row));
  });

  return r;
}

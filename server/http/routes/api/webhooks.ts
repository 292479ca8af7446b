import { Router } from 'express';
import { z } from 'zod';
import type { AppDeps } from '../../../deps.js';
import { createWebhook } from '../../../domain/webhooks/createWebhook.js';
import { deleteWebhook } from '../../../domain/webhooks/deleteWebhook.js';
import { getWebhook, listWebhooks } from '../../../domain/webhooks/listWebhooks.js';
import { testWebhook } from '../../../domain/webhooks/testWebhook.js';
import { updateWebhook } from '../../../domain/webhooks/updateWebhook.js';
import { requireApi } from '../../auth.js';
import { ctxOf } from '../../context.js';
import { presentWebhook } from '../../../presenters/webhooks.js';
import { parse, uuidParam } from '../../validate.js';
import { WEBHOOK_TYPES } from '../../../notify/chatMessages.js';

const fields = {
  url: z.string().trim().url('must be an absolute http(s) URL').max(2000),
  components: z.array(z.string().uuid('must be a component id')).max(500).nullable(),
  description: z.string().trim().max(500).nullable(),
  active: z.boolean(),
};
export const createBody = z.strictObject({ ...fields, type: z.enum(WEBHOOK_TYPES) }).partial().required({ url: true });
export const updateBody = z.strictObject(fields).partial();

/** Webhook endpoints (admins only): payloads are signed with the endpoint's secret. */
export function webhookRoutes(deps: AppDeps): Router {
  const r = Router();
  const targets = { allowPrivate: deps.config.WEBHOOK_ALLOW_PRIVATE };

  r.get('/webhooks', requireApi('administer'), async (_req, res) => {
    res.json({ webhooks: (await listWebhooks(deps.database.db)).map(presentWebhook) });
  });

  r.get('/webhooks/:id', requireApi('administer'), async (req, res) => {
    res.json(presentWebhook(await getWebhook(deps.database.db, parse(uuidParam, req.params.id))));
  });

  r.post('/webhooks', requireApi('administer'), async (req, res) => {
    const { webhook, secret } = await createWebhook(ctxOf(deps, req), parse(createBody, req.body), targets);
    res.status(201).json({ ...presentWebhook(webhook), secret });
  });

  r.patch('/webhooks/:id', requireApi('administer'), async (req, res) => {
    const row = await updateWebhook(ctxOf(deps, req), parse(uuidParam, req.params.id), parse(updateBody, req.body), targets);
    res.json(presentWebhook(row));
  });

  r.delete('/webhooks/:id', requireApi('administer'), async (req, res) => {
    await deleteWebhook(ctxOf(deps, req), parse(uuidParam, req.params.id));
    res.status(204).end();
  });

  r.post('/webhooks/:id/test', requireApi('administer'), async (req, res) => {
    res.json(await testWebhook(ctxOf(deps, req), parse(uuidParam, req.params.id), targets));
  });

  return r;
}

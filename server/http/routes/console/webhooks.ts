import { Router, type Request } from 'express';
import { z } from 'zod';
import type { AppDeps } from '../../../deps.js';
import { listComponents, type ComponentRow } from '../../../domain/components/listComponents.js';
import { createWebhook, type WebhookRow } from '../../../domain/webhooks/createWebhook.js';
import { deleteWebhook } from '../../../domain/webhooks/deleteWebhook.js';
import { listWebhooks } from '../../../domain/webhooks/listWebhooks.js';
import { testWebhook, type WebhookTestResult } from '../../../domain/webhooks/testWebhook.js';
import { updateWebhook } from '../../../domain/webhooks/updateWebhook.js';
import { requireConsole } from '../../auth.js';
import { ctxOf } from '../../context.js';
import { redirectDone } from '../../flash.js';
import { checkbox, renderFormError } from '../../forms.js';
import { presentWebhook } from '../../../presenters/webhooks.js';
import { parse, uuidParam } from '../../validate.js';
import { WEBHOOK_TYPES } from '../../../notify/chatMessages.js';
import { WEBHOOK_TYPE_LABELS } from '../../../presenters/labels.js';

// Console form fields arrive as strings; repeated `components` checkboxes arrive as an array.
const formFields = z.object({
  url: z.string({ message: 'is required' }).trim().min(1, 'is required').max(2000, 'must be at most 2000 characters'),
  description: z
    .string()
    .trim()
    .max(500, 'must be at most 500 characters')
    .optional()
    .transform((s) => (s ? s : null)),
  components: z
    .union([z.string(), z.array(z.string())])
    .optional()
    .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]))
    .pipe(z.array(z.string().uuid('must be components from the list'))),
});

// The kind is chosen once, when the endpoint is added.
const createFields = formFields.extend({ type: z.enum(WEBHOOK_TYPES, { message: 'must be one of the listed kinds' }).default('generic') });

type FormBody = Record<string, unknown> | undefined;

interface PageExtras {
  body?: FormBody;
  created?: { id: string; url: string; secret: string | null };
  test?: WebhookTestResult & { id: string };
}

const componentOptions = (all: ComponentRow[], selected: string[] | null) =>
  all.filter((c) => !c.isGroup).map((c) => ({ id: c.id, name: c.name, checked: !!selected?.includes(c.id) }));

function row(w: WebhookRow, all: ComponentRow[], test: PageExtras['test']) {
  const names = (w.componentIds ?? []).map((id) => all.find((c) => c.id === id)?.name ?? id);
  return {
    ...presentWebhook(w),
    typeLabel: WEBHOOK_TYPE_LABELS[w.type] ?? w.type,
    componentNames: w.componentIds ? names.join(', ') : null,
    componentOptions: componentOptions(all, w.componentIds ?? null),
    test: test?.id === w.id ? test : null,
  };
}

/** Console pages for webhook endpoints (admins only); the secret is shown once, right after creation. */
export function webhookConsoleRoutes(deps: AppDeps): Router {
  const r = Router();
  const targets = { allowPrivate: deps.config.WEBHOOK_ALLOW_PRIVATE };

  async function page(_req: Request, extras: PageExtras = {}) {
    const [all, hooks] = await Promise.all([listComponents(deps.database.db), listWebhooks(deps.database.db)]);
    const body = extras.body;
    const str = (k: string) => (typeof body?.[k] === 'string' ? (body[k] as string) : '');
    const picked = body?.components === undefined ? [] : ([] as string[]).concat(body.components as string | string[]);
    return {
      title: 'Webhooks',
      webhooks: hooks.map((w) => row(w, all, extras.test)),
      created: extras.created ?? null,
      createForm: {
        url: str('url'),
        description: str('description'),
        typeOptions: WEBHOOK_TYPES.map((t) => ({ value: t, label: WEBHOOK_TYPE_LABELS[t], selected: t === (str('type') || 'generic') })),
        componentOptions: componentOptions(all, picked),
      },
    };
  }

  r.get('/webhooks', requireConsole('administer'), async (req, res) => {
    res.render('pages/webhooks', await page(req));
  });

  r.post('/webhooks', requireConsole('administer'), async (req, res) => {
    try {
      const input = parse(createFields, req.body);
      const { webhook, secret } = await createWebhook(ctxOf(deps, req), input, targets);
      res.setHeader('Cache-Control', 'no-store');
      // Slack and Teams cannot check a signature, so only signed-JSON endpoints are shown their secret.
      const shown = webhook.type === 'generic' ? secret : null;
      res.status(201).render('pages/webhooks', await page(req, { created: { id: webhook.id, url: webhook.url, secret: shown } }));
    } catch (err) {
      renderFormError(res, 'pages/webhooks', err, await page(req, { body: req.body ?? {} }));
    }
  });

  r.post('/webhooks/:id', requireConsole('administer'), async (req, res) => {
    try {
      const id = parse(uuidParam, req.params.id);
      const input = parse(formFields, req.body);
      await updateWebhook(ctxOf(deps, req), id, { ...input, active: checkbox(req.body?.active) }, targets);
      redirectDone(res, '/console/webhooks', 'webhook_saved');
    } catch (err) {
      renderFormError(res, 'pages/webhooks', err, await page(req));
    }
  });

  r.post('/webhooks/:id/delete', requireConsole('administer'), async (req, res) => {
    try {
      await deleteWebhook(ctxOf(deps, req), parse(uuidParam, req.params.id));
      redirectDone(res, '/console/webhooks', 'webhook_deleted');
    } catch (err) {
      renderFormError(res, 'pages/webhooks', err, await page(req));
    }
  });

  r.post('/webhooks/:id/test', requireConsole('administer'), async (req, res) => {
    try {
      const id = parse(uuidParam, req.params.id);
      const result = await testWebhook(ctxOf(deps, req), id, targets);
      res.render('pages/webhooks', await page(req, { test: { ...result, id } }));
    } catch (err) {
      renderFormError(res, 'pages/webhooks', err, await page(req));
    }
  });

  return r;
}

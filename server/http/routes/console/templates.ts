import { Router, type Request } from 'express';
import { z } from 'zod';
import type { AppDeps } from '../../../deps.js';
import { componentStatuses, incidentStatuses } from '../../../db/schema.js';
import { listComponents } from '../../../domain/components/listComponents.js';
import { can } from '../../../domain/roles.js';
import { createTemplate } from '../../../domain/templates/createTemplate.js';
import { deleteTemplate } from '../../../domain/templates/deleteTemplate.js';
import { listTemplates, type TemplateRow } from '../../../domain/templates/listTemplates.js';
import { updateTemplate } from '../../../domain/templates/updateTemplate.js';
import { COMPONENT_STATUS_LABELS, INCIDENT_STATUS_LABELS } from '../../../presenters/labels.js';
import { presentTemplate } from '../../../presenters/templates.js';
import { requireConsole } from '../../auth.js';
import { ctxOf } from '../../context.js';
import { redirectDone } from '../../flash.js';
import { checkbox, renderFormError } from '../../forms.js';
import { parse, uuidParam } from '../../validate.js';
import { messageField, titleField } from '../api/incidentFields.js';
import { componentChangesFrom } from './incidentForms.js';

// Empty boxes and "—" selects mean "the template leaves this to the person".
const blank = (v: unknown) => (typeof v === 'string' && v.trim() ? v : null);
const templateForm = z
  .object({
    name: z.string({ message: 'is required' }).trim().min(1, 'is required').max(100, 'must be at most 100 characters'),
    title: z.preprocess(blank, titleField.nullable()),
    message: messageField,
    severity: z.preprocess(blank, z.enum(['1', '2', '3', '4'], { message: 'choose a severity' }).nullable()),
    status: z.preprocess(blank, z.enum(incidentStatuses).nullable()),
    custom_tweet: z.preprocess(blank, z.string().trim().max(1120, 'must be at most 1120 characters').nullable()),
    quiet: z.string().optional(),
  })
  .transform((f) => ({
    name: f.name,
    title: f.title,
    message: f.message,
    severity: f.severity === null ? null : (Number(f.severity) as 1 | 2 | 3 | 4),
    status: f.status,
    custom_tweet: f.custom_tweet,
    deliver_notifications: !checkbox(f.quiet),
  }));

type FormBody = Record<string, unknown> | undefined;

/** Console page for incident templates: regular staff and admins write, observers read. */
export function templateConsoleRoutes(deps: AppDeps): Router {
  const r = Router();
  const db = deps.database.db;

  async function page(req: Request, body?: FormBody) {
    const comps = (await listComponents(db)).filter((c) => !c.isGroup);
    const str = (k: string) => (typeof body?.[k] === 'string' ? (body[k] as string) : '');
    // One form's selects and boxes, from a saved template or from what was typed.
    const formOf = (t: { name: string; title: string; message: string; severity: string; status: string; custom_tweet: string; quiet: boolean; components: Map<string, string> }) => ({
      ...t,
      severities: ['1', '2', '3', '4'].map((v) => ({ value: v, selected: v === t.severity })),
      statuses: incidentStatuses.map((v) => ({ value: v, label: INCIDENT_STATUS_LABELS[v], selected: v === t.status })),
      components: comps.map((c) => ({ id: c.id, name: c.name, options: componentStatuses.map((s) => ({ value: s, label: COMPONENT_STATUS_LABELS[s], selected: t.components.get(c.id) === s })) })),
    });
    const saved = (row: TemplateRow) => ({
      ...presentTemplate(row),
      componentNames: row.components.map((c) => `${comps.find((x) => x.id === c.id)?.name ?? 'deleted component'}: ${COMPONENT_STATUS_LABELS[c.status]}`).join(', '),
      form: formOf({ name: row.name, title: row.title ?? '', message: row.message, severity: row.severity ? String(row.severity) : '', status: row.status ?? '', custom_tweet: row.customTweet ?? '', quiet: !row.deliverNotifications, components: new Map(row.components.map((c) => [c.id, c.status])) }),
    });
    const typed = new Map(Object.entries(body ?? {}).filter(([k, v]) => k.startsWith('c.') && typeof v === 'string').map(([k, v]) => [k.slice(2), v as string]));
    return {
      title: 'Incident templates',
      templates: (await listTemplates(db)).map(saved),
      canOperate: req.actor ? can(req.actor.role, 'operate') : false,
      createForm: formOf({ name: str('name'), title: str('title'), message: str('message'), severity: str('severity'), status: str('status'), custom_tweet: str('custom_tweet'), quiet: checkbox(body?.quiet), components: typed }),
      fieldLabels: { custom_tweet: 'Tweet', message: 'Message' },
    };
  }

  r.get('/templates', requireConsole('read'), async (req, res) => {
    res.render('pages/templates', await page(req));
  });

  r.post('/templates', requireConsole('operate'), async (req, res) => {
    try {
      await createTemplate(ctxOf(deps, req), { ...parse(templateForm, req.body), components: componentChangesFrom(req.body) });
      redirectDone(res, '/console/templates', 'template_added');
    } catch (err) {
      renderFormError(res, 'pages/templates', err, await page(req, req.body ?? {}));
    }
  });

  r.post('/templates/:id', requireConsole('operate'), async (req, res) => {
    try {
      const id = parse(uuidParam, req.params.id);
      await updateTemplate(ctxOf(deps, req), id, { ...parse(templateForm, req.body), components: componentChangesFrom(req.body) });
      redirectDone(res, '/console/templates', 'template_saved');
    } catch (err) {
      renderFormError(res, 'pages/templates', err, await page(req));
    }
  });

  r.post('/templates/:id/delete', requireConsole('operate'), async (req, res) => {
    try {
      await deleteTemplate(ctxOf(deps, req), parse(uuidParam, req.params.id));
      redirectDone(res, '/console/templates', 'template_deleted');
    } catch (err) {
      renderFormError(res, 'pages/templates', err, await page(req));
    }
  });

  return r;
}

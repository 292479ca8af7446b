import { Router, type Request } from 'express';
import { z } from 'zod';
import type { AppDeps } from '../../../deps.js';
import { noticeLevels, type NoticeLevel } from '../../../db/schema.js';
import { noticePhase } from '../../../domain/notices/activeNotices.js';
import { listComponents } from '../../../domain/components/listComponents.js';
import { createNotice } from '../../../domain/notices/createNotice.js';
import { deleteNotice } from '../../../domain/notices/deleteNotice.js';
import { listNotices, type NoticeRow } from '../../../domain/notices/listNotices.js';
import { updateNotice } from '../../../domain/notices/updateNotice.js';
import { can } from '../../../domain/roles.js';
import { requireConsole } from '../../auth.js';
import { ctxOf } from '../../context.js';
import { redirectDone } from '../../flash.js';
import { checkbox, renderFormError } from '../../forms.js';
import { localDateTime, parse, uuidParam } from '../../validate.js';
import { presentNotice } from '../api/notices.js';

const SCRIPTS = ['/public/js/local-datetime.js'];
const LEVEL_LABELS: Record<NoticeLevel, string> = { info: 'Info', warning: 'Warning', critical: 'Critical' };

// Blank times mean "not given" (now on create, unchanged on edit).
const when = localDateTime.optional();

const formFields = z.object({
  title: z.string({ message: 'is required' }).trim().min(1, 'is required').max(200, 'must be at most 200 characters'),
  body: z.string({ message: 'is required' }).trim().min(1, 'is required').max(2000, 'must be at most 2000 characters'),
  level: z.enum(noticeLevels, { message: 'must be info, warning or critical' }),
  publish_at: when,
  expire_at: when,
  url: z
    .string()
    .trim()
    .max(2000, 'must be at most 2000 characters')
    .optional()
    .transform((s) => (s ? s : null)),
});

type FormBody = Record<string, unknown> | undefined;
type ComponentRow = Awaited<ReturnType<typeof listComponents>>[number];

/** Checked audience boxes (one value or several); none = page-wide. */
const audienceOf = (body: FormBody): string[] => {
  const v = body?.components;
  return (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter((x): x is string => typeof x === 'string' && x !== '');
};
const audienceField = z.array(z.string().uuid('must be a component id')).max(100, 'at most 100 components');
const audienceOptions = (comps: ComponentRow[], chosen: string[]) =>
  comps.map((c) => ({ id: c.id, name: c.isGroup ? `${c.name} (group)` : c.name, checked: chosen.includes(c.id) }));

const levelOptions = (selected: string | undefined) =>
  noticeLevels.map((value) => ({ value, label: LEVEL_LABELS[value], selected: value === selected }));

/** One notice as the page shows it: API fields, its phase badge and its edit form's options. */
function row(n: NoticeRow, now: Date, comps: ComponentRow[]) {
  const chosen = n.componentIds ?? [];
  const audience = chosen.length ? comps.filter((c) => chosen.includes(c.id)).map((c) => c.name).join(', ') : 'All banners';
  return { ...presentNotice(n, now), phase: noticePhase(n, now), levelLabel: LEVEL_LABELS[n.level], levelOptions: levelOptions(n.level), audience, audienceOptions: audienceOptions(comps, chosen) };
}

/** The "new notice" form, prefilled with what the user typed after an error. */
function createForm(body: FormBody, comps: ComponentRow[]) {
  const str = (k: string) => (typeof body?.[k] === 'string' ? (body[k] as string) : '');
  return {
    title: str('title'),
    body: str('body'),
    url: str('url'),
    publish_at: str('publish_at'),
    expire_at: str('expire_at'),
    dismissible: body ? checkbox(body.dismissible) : true,
    levelOptions: levelOptions(body ? str('level') : 'info'),
    audienceOptions: audienceOptions(comps, audienceOf(body)),
  };
}

/** Console pages for in-app banner notices: regular staff and admins write, observers read. */
export function noticeConsoleRoutes(deps: AppDeps): Router {
  const r = Router();

  async function page(req: Request, body?: FormBody) {
    const now = deps.clock.now();
    const all = await listNotices(deps.database.db);
    const comps = await listComponents(deps.database.db);
    return {
      title: 'Notices',
      notices: all.map((n) => row(n, now, comps)),
      canOperate: req.actor ? can(req.actor.role, 'operate') : false,
      createForm: createForm(body, comps),
      fieldLabels: { url: 'Link', body: 'Message' },
      scripts: SCRIPTS,
    };
  }

  r.get('/notices', requireConsole('read'), async (req, res) => {
    res.render('pages/notices', await page(req));
  });

  r.post('/notices', requireConsole('operate'), async (req, res) => {
    try {
      const input = parse(formFields, req.body);
      await createNotice(ctxOf(deps, req), {
        ...input,
        expire_at: input.expire_at ?? null,
        dismissible: checkbox(req.body?.dismissible),
        components: parse(audienceField, audienceOf(req.body)),
      });
      redirectDone(res, '/console/notices', 'notice_added');
    } catch (err) {
      renderFormError(res, 'pages/notices', err, await page(req, req.body ?? {}));
    }
  });

  r.post('/notices/:id', requireConsole('operate'), async (req, res) => {
    try {
      const id = parse(uuidParam, req.params.id);
      const { expire_at, ...input } = parse(formFields, req.body);
      // Blank times keep the stored ones; "no expiry" clears expire_at.
      const clearExpiry = checkbox(req.body?.no_expiry);
      await updateNotice(ctxOf(deps, req), id, {
        ...input,
        ...(clearExpiry ? { expire_at: null } : expire_at !== undefined && { expire_at }),
        dismissible: checkbox(req.body?.dismissible),
        components: parse(audienceField, audienceOf(req.body)),
      });
      redirectDone(res, '/console/notices', 'notice_saved');
    } catch (err) {
      renderFormError(res, 'pages/notices', err, await page(req));
    }
  });

  r.post('/notices/:id/delete', requireConsole('operate'), async (req, res) => {
    try {
      await deleteNotice(ctxOf(deps, req), parse(uuidParam, req.params.id));
      redirectDone(res, '/console/notices', 'notice_deleted');
    } catch (err) {
      renderFormError(res, 'pages/notices', err, await page(req));
    }
  });

  return r;
}

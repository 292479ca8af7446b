import { Router, type Request } from 'express';
import { z } from 'zod';
import type { AppDeps } from '../../../deps.js';
import { componentStatuses, type ComponentStatus } from '../../../db/schema.js';
import { createComponent } from '../../../domain/components/createComponent.js';
import { deleteComponent } from '../../../domain/components/deleteComponent.js';
import { listComponents, type ComponentRow } from '../../../domain/components/listComponents.js';
import { updateComponent } from '../../../domain/components/updateComponent.js';
import { requireConsole } from '../../auth.js';
import { ctxOf } from '../../context.js';
import { redirectDone } from '../../flash.js';
import { checkbox, renderFormError } from '../../forms.js';
import { presentComponent } from '../../../presenters/components.js';
import { parse, uuidParam } from '../../validate.js';

export const STATUS_LABELS: Record<ComponentStatus, string> = {
  operational: 'Operational',
  degraded_performance: 'Degraded performance',
  partial_outage: 'Partial outage',
  major_outage: 'Major outage',
  under_maintenance: 'Under maintenance',
};

const blankToUndefined = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

// Console form fields: everything arrives as strings; blanks mean "not given".
const formFields = z.object({
  name: z.string({ message: 'is required' }).trim().min(1, 'is required').max(100, 'must be at most 100 characters'),
  description: z
    .string()
    .trim()
    .max(1000, 'must be at most 1000 characters')
    .optional()
    .transform((s) => (s ? s : null)),
  group_id: z.preprocess(blankToUndefined, z.string().uuid('must be a component group').optional()),
  position: z.preprocess(
    blankToUndefined,
    z.coerce.number({ message: 'must be a number' }).int('must be a whole number').min(0, 'must be 0 or more').max(10_000, 'must be at most 10000').optional(),
  ),
  status: z.enum(componentStatuses, { message: 'must be a component status' }).optional(),
});

type FormBody = Record<string, unknown> | undefined;

const statusOptions = (selected: string | undefined) =>
  componentStatuses.map((value) => ({ value, label: STATUS_LABELS[value], selected: value === selected }));

const groupOptions = (all: ComponentRow[], selected: string | null | undefined) =>
  all.filter((c) => c.isGroup).map((g) => ({ id: g.id, name: g.name, selected: g.id === selected }));

/** One component as the page shows it: display fields plus the options of its edit form. */
function row(c: ComponentRow, all: ComponentRow[]) {
  const p = presentComponent(c, all);
  return {
    ...p,
    statusLabel: STATUS_LABELS[c.status],
    statusOptions: statusOptions(c.status),
    groupOptions: groupOptions(all, c.groupId),
  };
}

/** Groups with their members, then ungrouped components, in the list order (position, name). */
export function componentSections(all: ComponentRow[]) {
  const groupIds = new Set(all.filter((c) => c.isGroup).map((c) => c.id));
  return all
    .filter((c) => c.isGroup || !c.groupId || !groupIds.has(c.groupId))
    .map((c) => ({ ...row(c, all), members: c.isGroup ? all.filter((m) => m.groupId === c.id).map((m) => row(m, all)) : [] }));
}

/** The "add" form, prefilled with what the user typed after a validation error. */
function createForm(all: ComponentRow[], body: FormBody) {
  const str = (k: string) => (typeof body?.[k] === 'string' ? (body[k] as string) : '');
  return {
    name: str('name'),
    description: str('description'),
    position: body ? str('position') : '0',
    group: body ? checkbox(body.group) : false,
    showcase: body ? checkbox(body.showcase) : true,
    only_show_if_degraded: body ? checkbox(body.only_show_if_degraded) : false,
    statusOptions: statusOptions(body ? str('status') : 'operational'),
    groupOptions: groupOptions(all, body ? str('group_id') : null),
  };
}

/** Console pages for the status page's components and component groups (admins edit; all staff read). */
export function componentConsoleRoutes(deps: AppDeps): Router {
  const r = Router();

  async function page(req: Request, body?: FormBody) {
    const all = await listComponents(deps.database.db);
    return {
      title: 'Components',
      sections: componentSections(all),
      hasGroups: all.some((c) => c.isGroup),
      canAdminister: req.actor?.role === 'admin',
      createForm: createForm(all, body),
    };
  }

  r.get('/components', requireConsole('read'), async (req, res) => {
    res.render('pages/components', await page(req));
  });

  r.post('/components', requireConsole('administer'), async (req, res) => {
    try {
      const input = parse(formFields, req.body);
      await createComponent(ctxOf(deps, req), {
        ...input,
        group_id: input.group_id ?? null,
        group: checkbox(req.body?.group),
        showcase: checkbox(req.body?.showcase),
        only_show_if_degraded: checkbox(req.body?.only_show_if_degraded),
      });
      redirectDone(res, '/console/components', 'component_added');
    } catch (err) {
      renderFormError(res, 'pages/components', err, await page(req, req.body ?? {}));
    }
  });

  r.post('/components/:id', requireConsole('administer'), async (req, res) => {
    try {
      const id = parse(uuidParam, req.params.id);
      const { group_id, ...input } = parse(formFields, req.body);
      // Groups have no group select (they do not nest); for others a blank select means "no group".
      const hasGroupField = req.body && Object.hasOwn(req.body, 'group_id');
      await updateComponent(ctxOf(deps, req), id, {
        ...input,
        ...(hasGroupField && { group_id: group_id ?? null }),
        showcase: checkbox(req.body?.showcase),
        only_show_if_degraded: checkbox(req.body?.only_show_if_degraded),
      });
      redirectDone(res, '/console/components', 'component_saved');
    } catch (err) {
      renderFormError(res, 'pages/components', err, await page(req));
    }
  });

  r.post('/components/:id/delete', requireConsole('administer'), async (req, res) => {
    try {
      await deleteComponent(ctxOf(deps, req), parse(uuidParam, req.params.id));
      redirectDone(res, '/console/components', 'component_deleted');
    } catch (err) {
      renderFormError(res, 'pages/components', err, await page(req));
    }
  });

  return r;
}

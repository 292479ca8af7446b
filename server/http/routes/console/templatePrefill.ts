import { z } from 'zod';
import type { AppDeps } from '../../../deps.js';
import { listTemplates } from '../../../domain/templates/listTemplates.js';
import { templateDefaults } from '../../../domain/templates/templateDefaults.js';
import { humanTime } from '../../../presenters/times.js';
import { parse, uuidParam } from '../../validate.js';

export const templateQuery = z.object({ template: uuidParam.optional() });

/**
 * A form's starting values from `?template=ID` (placeholders filled), shaped like the form's own
 * fields (`c.<component id>` = status), so the page renders it exactly like typed input. Plain
 * server-side: picking a template is a GET form and works without JavaScript.
 */
export async function templatePrefill(deps: AppDeps, query: unknown, kind: 'incident' | 'update'): Promise<Record<string, unknown> | undefined> {
  const { template } = parse(templateQuery, query);
  if (!template) return undefined;
  const { fields } = await templateDefaults(deps.database.db, template, kind, {}, humanTime(deps.clock.now()));
  const form: Record<string, unknown> = { ...fields, quiet: fields.deliver_notifications === false ? 'on' : '', template_id: template };
  for (const c of fields.components as { id: string; status: string }[]) form[`c.${c.id}`] = c.status;
  return form;
}

/** The template picker's options. */
export async function templateOptions(deps: AppDeps, selected?: unknown) {
  return (await listTemplates(deps.database.db)).map((t) => ({ id: t.id, name: t.name, selected: t.id === selected }));
}

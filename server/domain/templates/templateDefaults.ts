import { components } from '../../db/schema.js';
import type { Executor } from '../../db/client.js';
import { fillPlaceholders } from './placeholders.js';
import { getTemplate, type TemplateRow } from './listTemplates.js';

/** The component ids a request names (when it names them), else the template's. */
function chosenComponents(explicit: unknown, tpl: TemplateRow): string[] {
  if (Array.isArray(explicit)) return explicit.flatMap((c) => (c && typeof c === 'object' && typeof (c as { id?: unknown }).id === 'string' ? [(c as { id: string }).id] : []));
  return tpl.components.map((c) => c.id);
}

/**
 * What a template contributes to a new incident (`kind` "incident") or an update, as the API's
 * JSON fields with placeholders filled. The caller spreads the request's own fields over these and
 * validates the result like any request, so explicit fields win and a filled text is still checked.
 * `timeText` is the time as people read it (the caller formats it: presenters stand above the domain).
 * Components deleted since the template was saved are left out.
 */
export async function templateDefaults(db: Executor, templateId: string, kind: 'incident' | 'update', explicit: Record<string, unknown>, timeText: string) {
  const tpl = await getTemplate(db, templateId);
  const all = await db.select({ id: components.id, name: components.name, isGroup: components.isGroup }).from(components);
  const byId = new Map(all.filter((c) => !c.isGroup).map((c) => [c.id, c.name]));
  const names = chosenComponents(explicit.components, tpl).flatMap((id) => (byId.has(id) ? [byId.get(id)!] : []));
  const fill = (text: string) => fillPlaceholders(text, { components: names, time: timeText });
  const fields: Record<string, unknown> = {
    message: fill(tpl.message),
    components: tpl.components.filter((c) => byId.has(c.id)),
    deliver_notifications: tpl.deliverNotifications,
  };
  if (tpl.customTweet) fields.custom_tweet = fill(tpl.customTweet);
  if (kind === 'incident') {
    if (tpl.title) fields.title = fill(tpl.title);
    if (tpl.severity) fields.severity = tpl.severity;
  } else if (tpl.status) fields.status = tpl.status;
  return { template: tpl, fields };
}

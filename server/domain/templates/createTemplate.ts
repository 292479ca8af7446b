import { inArray } from 'drizzle-orm';
import { components, incidentTemplates, type IncidentStatus, type TemplateComponent } from '../../db/schema.js';
import type { Executor } from '../../db/client.js';
import { recordAudit } from '../audit.js';
import { inTransaction, type Ctx } from '../context.js';
import { DomainError, ruleBroken } from '../errors.js';
import { assertCan } from '../roles.js';
import type { Severity } from '../incidents/sla.js';

export interface TemplateInput {
  name: string;
  title?: string | null;
  message: string;
  severity?: Severity | null;
  status?: IncidentStatus | null;
  components?: TemplateComponent[];
  custom_tweet?: string | null;
  deliver_notifications?: boolean;
}

/** A template names real, non-group components, each once (as an incident's changes must). */
export async function assertTemplateComponents(db: Executor, list: TemplateComponent[] | undefined): Promise<void> {
  if (!list?.length) return;
  const ids = [...new Set(list.map((c) => c.id))];
  if (ids.length !== list.length) throw ruleBroken('duplicate_component', 'Each component may appear once');
  const rows = await db.select().from(components).where(inArray(components.id, ids));
  const missing = ids.filter((id) => !rows.some((r) => r.id === id));
  if (missing.length) throw new DomainError('not_found', 'component_not_found', `Unknown component: ${missing.join(', ')}`, { ids: missing });
  const group = rows.find((r) => r.isGroup);
  if (group) throw ruleBroken('component_is_group', `"${group.name}" is a group; choose its components`, { ids: [group.id] });
}

/** Regular staff and admins save templates; observers only read them. */
export async function createTemplate(ctx: Ctx, input: TemplateInput) {
  assertCan(ctx.actor!.role, 'operate');
  return inTransaction(ctx, async (t) => {
    await assertTemplateComponents(t.tx, input.components);
    const [row] = await t.tx
      .insert(incidentTemplates)
      .values({
        name: input.name,
        title: input.title ?? null,
        message: input.message,
        severity: input.severity ?? null,
        status: input.status ?? null,
        components: input.components ?? [],
        customTweet: input.custom_tweet ?? null,
        deliverNotifications: input.deliver_notifications ?? true,
        createdBy: t.actor?.id ?? null,
        createdAt: t.now,
        updatedAt: t.now,
      })
      .returning();
    await recordAudit(t, { action: 'incident_template.create', subjectType: 'incident_template', subjectId: row!.id, after: row });
    return row!;
  });
}

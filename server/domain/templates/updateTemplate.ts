import { eq } from 'drizzle-orm';
import { incidentTemplates } from '../../db/schema.js';
import { recordAudit } from '../audit.js';
import { inTransaction, type Ctx } from '../context.js';
import { notFound } from '../errors.js';
import { assertCan } from '../roles.js';
import { assertTemplateComponents, type TemplateInput } from './createTemplate.js';

/** Edits a template; fields left out stay, `null` clears an optional one. */
export async function updateTemplate(ctx: Ctx, id: string, input: Partial<TemplateInput>) {
  assertCan(ctx.actor!.role, 'operate');
  return inTransaction(ctx, async (t) => {
    const [before] = await t.tx.select().from(incidentTemplates).where(eq(incidentTemplates.id, id)).for('update');
    if (!before) throw notFound('Incident template', id);
    await assertTemplateComponents(t.tx, input.components);
    const [after] = await t.tx
      .update(incidentTemplates)
      .set({
        ...(input.name !== undefined && { name: input.name }),
        ...(input.title !== undefined && { title: input.title }),
        ...(input.message !== undefined && { message: input.message }),
        ...(input.severity !== undefined && { severity: input.severity }),
        ...(input.status !== undefined && { status: input.status }),
        ...(input.components !== undefined && { components: input.components }),
        ...(input.custom_tweet !== undefined && { customTweet: input.custom_tweet }),
        ...(input.deliver_notifications !== undefined && { deliverNotifications: input.deliver_notifications }),
        updatedAt: t.now,
      })
      .where(eq(incidentTemplates.id, id))
      .returning();
    await recordAudit(t, { action: 'incident_template.update', subjectType: 'incident_template', subjectId: id, before, after });
    return after!;
  });
}

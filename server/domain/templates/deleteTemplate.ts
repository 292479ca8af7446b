import { eq } from 'drizzle-orm';
import { incidentTemplates } from '../../db/schema.js';
import { recordAudit } from '../audit.js';
import { inTransaction, type Ctx } from '../context.js';
import { notFound } from '../errors.js';
import { assertCan } from '../roles.js';

export async function deleteTemplate(ctx: Ctx, id: string) {
  assertCan(ctx.actor!.role, 'operate');
  return inTransaction(ctx, async (t) => {
    const [before] = await t.tx.select().from(incidentTemplates).where(eq(incidentTemplates.id, id)).for('update');
    if (!before) throw notFound('Incident template', id);
    await t.tx.delete(incidentTemplates).where(eq(incidentTemplates.id, id));
    await recordAudit(t, { action: 'incident_template.delete', subjectType: 'incident_template', subjectId: id, before });
  });
}

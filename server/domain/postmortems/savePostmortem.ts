import { eq } from 'drizzle-orm';
import { incidents } from '../../db/schema.js';
import { recordAudit } from '../audit.js';
import { inTransaction, type Ctx } from '../context.js';
import { ruleBroken } from '../errors.js';
import { assertCan } from '../roles.js';
import { lockIncident } from '../incidents/shared.js';

/** Saves the private draft of a resolved incident's postmortem; the public copy changes only on publish. */
export async function savePostmortem(ctx: Ctx, id: string, input: { body: string }) {
  assertCan(ctx.actor!.role, 'operate');
  return inTransaction(ctx, async (t) => {
    const incident = await lockIncident(t, id);
    if (incident.status !== 'resolved') throw ruleBroken('incident_not_resolved', 'A postmortem belongs to a resolved incident; resolve it first');
    const [after] = await t.tx.update(incidents).set({ postmortemDraft: input.body, postmortemDraftUpdatedAt: t.now }).where(eq(incidents.id, id)).returning();
    await recordAudit(t, { action: 'incident.postmortem_save', subjectType: 'incident', subjectId: id, before: { draft: incident.postmortemDraft }, after: { draft: input.body } });
    return after!;
  });
}

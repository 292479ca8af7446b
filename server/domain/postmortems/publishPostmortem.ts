import { eq } from 'drizzle-orm';
import { incidents } from '../../db/schema.js';
import { recordAudit } from '../audit.js';
import { inTransaction, type Ctx } from '../context.js';
import { ruleBroken } from '../errors.js';
import { recordEvent } from '../outbox.js';
import { assertCan } from '../roles.js';
import { lockIncident } from '../incidents/shared.js';

export const POSTMORTEM_EVENT = 'incident.postmortem_published';

/**
 * Publishes the draft: it becomes the public postmortem (the incident reads `postmortem` in the v2
 * API). Publishing again after edits replaces the public copy; `notify` tells subscribers and
 * webhooks through the outbox, in the same transaction.
 */
export async function publishPostmortem(ctx: Ctx, id: string, input: { notify?: boolean }) {
  assertCan(ctx.actor!.role, 'operate');
  return inTransaction(ctx, async (t) => {
    const incident = await lockIncident(t, id);
    if (incident.status !== 'resolved') throw ruleBroken('incident_not_resolved', 'A postmortem belongs to a resolved incident; resolve it first');
    if (!incident.postmortemDraft) throw ruleBroken('postmortem_missing', 'Write the postmortem (PUT …/postmortem) before publishing it');
    const notify = input.notify ?? false;
    const [after] = await t.tx
      .update(incidents)
      .set({
        postmortemBody: incident.postmortemDraft,
        postmortemBodyUpdatedAt: t.now,
        postmortemPublishedAt: incident.postmortemPublishedAt ?? t.now,
        ...(notify && { postmortemNotifiedAt: t.now }),
        updatedAt: t.now,
      })
      .where(eq(incidents.id, id))
      .returning();
    await recordAudit(t, { action: 'incident.postmortem_publish', subjectType: 'incident', subjectId: id, before: { body: incident.postmortemBody }, after: { body: after!.postmortemBody, notify } });
    await recordEvent(t, POSTMORTEM_EVENT, { incident_id: id, deliver_notifications: notify });
    return after!;
  });
}

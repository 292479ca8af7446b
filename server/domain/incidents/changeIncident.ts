import { eq } from 'drizzle-orm';
import { incidents } from '../../db/schema.js';
import { recordAudit } from '../audit.js';
import { inTransaction, type Ctx } from '../context.js';
import { recordEvent } from '../outbox.js';
import { assertCan } from '../roles.js';
import { getSlaPolicy } from '../settings/slaPolicy.js';
import { lockIncident, timeline } from './shared.js';
import type { Severity } from './sla.js';

/**
 * Changes title and/or severity. Deadlines follow from reported_at and the new severity; a closed
 * incident is re-judged by the current policy's goals for its new severity.
 */
export async function changeIncident(ctx: Ctx, id: string, input: { severity?: Severity; title?: string }) {
  assertCan(ctx.actor!.role, 'operate');
  return inTransaction(ctx, async (t) => {
    const before = await lockIncident(t, id);
    const severityChanged = input.severity !== undefined && input.severity !== before.severity;
    const slaGoals = severityChanged && before.slaGoals ? (await getSlaPolicy(t.tx))[String(input.severity) as '1'] : before.slaGoals;
    const [after] = await t.tx
      .update(incidents)
      .set({ ...(input.title !== undefined && { title: input.title }), ...(input.severity !== undefined && { severity: input.severity }), slaGoals, updatedAt: t.now })
      .where(eq(incidents.id, id))
      .returning();
    if (severityChanged) await timeline(t, id, 'severity_change', { from: before.severity, to: input.severity });
    await recordAudit(t, { action: 'incident.change', subjectType: 'incident', subjectId: id, before: { title: before.title, severity: before.severity }, after: { title: after!.title, severity: after!.severity } });
    await recordEvent(t, 'incident.changed', { incident_id: id, severity_changed: severityChanged });
    return after!;
  });
}

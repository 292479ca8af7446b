import { eq } from 'drizzle-orm';
import { incidents, type BackdatedMilestones, type IncidentStatus } from '../../db/schema.js';
import { recordAudit } from '../audit.js';
import { inTransaction, type Ctx } from '../context.js';
import { conflict } from '../errors.js';
import { recordEvent } from '../outbox.js';
import { assertCan } from '../roles.js';
import { insertPublicUpdate } from './publicUpdate.js';
import { closeIncident } from './resolution.js';
import type { CommitmentInput } from './cadence.js';
import { applyComponentChanges, lockIncident, timeline, type ComponentChange } from './shared.js';

const withoutFinalFix = ({ final_fix: _dropped, ...rest }: BackdatedMilestones) => rest;

export interface UpdateInput extends CommitmentInput {
  status: IncidentStatus;
  message: string;
  components?: ComponentChange[];
  deliver_notifications?: boolean;
  /** Tweet text instead of the generated one (≤ 280 as Twitter counts). */
  custom_tweet?: string;
  skip_twitter?: boolean;
  /** Required to move a resolved incident back to an open status. */
  reopen?: boolean;
}

/** A public update: new status, message, component changes; optionally quiet (no notifications). */
export async function postIncidentUpdate(ctx: Ctx, id: string, input: UpdateInput) {
  assertCan(ctx.actor!.role, 'operate');
  return inTransaction(ctx, async (t) => {
    const incident = await lockIncident(t, id);
    const wasResolved = incident.status === 'resolved';
    if (wasResolved && input.status !== 'resolved' && !input.reopen) {
      throw conflict('incident_resolved', 'This incident is resolved. Send "reopen": true to reopen it with this update.');
    }
    if (wasResolved && input.status === 'resolved') throw conflict('incident_resolved', 'This incident is already resolved');
    let affected;
    if (input.status === 'resolved') {
      affected = await closeIncident(t, incident, t.now, input.components);
    } else {
      if (wasResolved) {
        await t.tx.update(incidents).set({ finalFixAt: null, resolvedAt: null, slaGoals: null, backdatedMilestones: withoutFinalFix(incident.backdatedMilestones) }).where(eq(incidents.id, id));
        await timeline(t, id, 'reopen', {});
      }
      await t.tx
        .update(incidents)
        .set({ status: input.status, monitoringAt: input.status === 'monitoring' ? (incident.monitoringAt ?? t.now) : incident.monitoringAt, updatedAt: t.now })
        .where(eq(incidents.id, id));
      affected = await applyComponentChanges(t, id, input.components ?? []);
    }
    const update = await insertPublicUpdate(t, incident, input, affected ?? null);
    const deliver = update.deliverNotifications;
    await recordAudit(t, { action: 'incident.update', subjectType: 'incident', subjectId: id, before: { status: incident.status }, after: { status: input.status, update_id: update.id } });
    const type = input.status === 'resolved' ? 'incident.resolved' : wasResolved ? 'incident.reopened' : 'incident.updated';
    await recordEvent(t, type, { incident_id: id, update_id: update.id, deliver_notifications: deliver });
    return update;
  });
}

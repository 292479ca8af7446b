import { eq } from 'drizzle-orm';
import { incidents, incidentUpdates } from '../../db/schema.js';
import { recordAudit } from '../audit.js';
import { inTransaction, type Ctx } from '../context.js';
import { conflict, invalid, ruleBroken } from '../errors.js';
import { recordEvent } from '../outbox.js';
import { assertCan } from '../roles.js';
import { closeIncident } from './resolution.js';
import { lockIncident, timeline, type ComponentChange } from './shared.js';
import type { Milestone } from './sla.js';

const COLUMN = { work_start: 'workStartAt', temporary_fix: 'temporaryFixAt', final_fix: 'finalFixAt' } as const;

export interface MilestoneInput {
  milestone: Milestone;
  at?: Date;
  /** final_fix only: component statuses to set instead of returning them to operational. */
  components?: ComponentChange[];
  message?: string;
}

/**
 * Records when work began, a temporary resolution, or the final fix. Milestones are ordered
 * (work start ≤ temporary fix ≤ final fix), never in the future nor before the report.
 * The final fix resolves the incident.
 */
export async function recordMilestone(ctx: Ctx, id: string, input: MilestoneInput) {
  assertCan(ctx.actor!.role, 'operate');
  const at = input.at ?? ctx.now;
  if (at > ctx.now) throw invalid('future_timestamp', 'A milestone cannot be in the future', { field: 'at' });
  return inTransaction(ctx, async (t) => {
    const incident = await lockIncident(t, id);
    if (incident[COLUMN[input.milestone]]) {
      throw conflict('milestone_already_recorded', `${input.milestone} is already recorded for this incident`);
    }
    if (at < incident.reportedAt) throw ruleBroken('milestone_before_report', 'A milestone cannot be before the incident was reported', { reported_at: incident.reportedAt });
    if (input.milestone !== 'work_start' && !incident.workStartAt) {
      throw ruleBroken('milestone_out_of_order', `Record work_start before ${input.milestone}`);
    }
    const earlier = [incident.workStartAt, input.milestone === 'final_fix' ? incident.temporaryFixAt : null].filter((d): d is Date => Boolean(d));
    const latest = earlier.length ? new Date(Math.max(...earlier.map((d) => d.getTime()))) : null;
    if (latest && at < latest) throw ruleBroken('milestone_out_of_order', `${input.milestone} cannot be earlier than a previous milestone (${latest.toISOString()})`);
    if (input.milestone === 'temporary_fix' && incident.finalFixAt) throw conflict('incident_resolved', 'The final fix is already recorded');

    await timeline(t, id, 'milestone', { milestone: input.milestone, at: at.toISOString() });
    let type = 'incident.milestone';
    if (input.milestone === 'final_fix') {
      const affected = await closeIncident(t, incident, at, input.components);
      const body = input.message ?? 'This incident has been resolved.';
      const [update] = await t.tx
        .insert(incidentUpdates)
        .values({ incidentId: id, status: 'resolved', body, affectedComponents: affected, authorId: t.actor!.id, createdAt: t.now, displayAt: t.now })
        .returning();
      await timeline(t, id, 'update', { update_id: update!.id, status: 'resolved', body, quiet: false });
      type = 'incident.resolved';
    } else {
      await t.tx.update(incidents).set({ [COLUMN[input.milestone]]: at, updatedAt: t.now }).where(eq(incidents.id, id));
    }
    await recordAudit(t, { action: 'incident.milestone', subjectType: 'incident', subjectId: id, after: { milestone: input.milestone, at } });
    await recordEvent(t, type, { incident_id: id, milestone: input.milestone });
    return lockIncident(t, id);
  });
}

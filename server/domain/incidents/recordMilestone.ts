import { eq } from 'drizzle-orm';
import { incidents, type BackdatedMilestones } from '../../db/schema.js';
import { recordAudit } from '../audit.js';
import { inTransaction, type Ctx } from '../context.js';
import { conflict, invalid, ruleBroken } from '../errors.js';
import { recordEvent } from '../outbox.js';
import { assertCan } from '../roles.js';
import { isBackdated } from './backdating.js';
import { insertPublicUpdate } from './publicUpdate.js';
import { closeIncident } from './resolution.js';
import { applyComponentChanges, goalsFor, lockIncident, timeline, type ComponentChange } from './shared.js';
import type { Milestone } from './sla.js';

const COLUMN = { work_start: 'workStartAt', temporary_fix: 'temporaryFixAt', final_fix: 'finalFixAt' } as const;

/** What a recorded fix tells customers unless the person recording it writes something else. */
export const DEFAULT_FIX_MESSAGE = {
  temporary_fix: 'A fix has been implemented and we are monitoring the results.',
  final_fix: 'This incident has been resolved.',
} as const;

/** The public status a recorded fix moves the incident to (work start is internal only). */
export const FIX_STATUS = { temporary_fix: 'monitoring', final_fix: 'resolved' } as const;

export interface MilestoneInput {
  milestone: Milestone;
  at?: Date;
  /** Fixes only: component statuses to set (a final fix otherwise returns them to operational). */
  components?: ComponentChange[];
  /** Fixes only: the public update's text (default DEFAULT_FIX_MESSAGE). */
  message?: string;
  /** Fixes only: false posts the update quietly (no e-mail, tweet or webhook). */
  deliver_notifications?: boolean;
  custom_tweet?: string;
  skip_twitter?: boolean;
  /** Required when the milestone is backdated (see isBackdated). */
  reason?: string;
}

/**
 * Records when work began, a temporary fix, or the final fix. Milestones are ordered
 * (work start ≤ temporary fix ≤ final fix), never in the future nor before the report. A fix is
 * news: the temporary fix publishes a "monitoring" update and the final fix a "resolved" one that
 * resolves the incident, both notifying like any update unless posted quietly. A backdated
 * milestone needs a reason, and who gave it is kept with the incident and in the audit log.
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

    const goals = await goalsFor(t, incident);
    const backdated = isBackdated({ milestone: input.milestone, at, now: t.now, goals, facts: incident });
    const reason = input.reason?.trim();
    if (backdated && !reason) {
      throw ruleBroken('reason_required', 'This milestone is earlier than now (or after its deadline passed): say why it is backdated', {
        fields: [{ field: 'reason', message: 'is required for a backdated milestone' }],
      });
    }
    const entry = backdated ? { at: at.toISOString(), recorded_at: t.now.toISOString(), reason: reason!, actor_id: t.actor!.id, actor_name: t.actor!.name } : null;
    const marks: BackdatedMilestones = { ...incident.backdatedMilestones };
    delete marks[input.milestone];
    if (entry) marks[input.milestone] = entry;
    // A final fix records a missing work start at the same instant: it is backdated just as much.
    if (entry && input.milestone === 'final_fix' && !incident.workStartAt) marks.work_start = entry;

    await timeline(t, id, 'milestone', { milestone: input.milestone, at: at.toISOString(), ...(entry && { backdated: true, reason: entry.reason }) });
    await t.tx.update(incidents).set({ backdatedMilestones: marks }).where(eq(incidents.id, id));
    await recordAudit(t, { action: 'incident.milestone', subjectType: 'incident', subjectId: id, after: { milestone: input.milestone, at, ...(entry && { backdated: true, reason: entry.reason }) } });

    if (input.milestone === 'work_start') {
      await t.tx.update(incidents).set({ workStartAt: at, updatedAt: t.now }).where(eq(incidents.id, id));
      await recordEvent(t, 'incident.milestone', { incident_id: id, milestone: input.milestone });
      return lockIncident(t, id);
    }

    const status = FIX_STATUS[input.milestone];
    let affected;
    if (input.milestone === 'final_fix') {
      affected = await closeIncident(t, incident, at, input.components);
    } else {
      await t.tx
        .update(incidents)
        .set({ temporaryFixAt: at, status, monitoringAt: incident.monitoringAt ?? t.now, updatedAt: t.now })
        .where(eq(incidents.id, id));
      affected = await applyComponentChanges(t, id, input.components ?? []);
    }
    const update = await insertPublicUpdate(t, incident, { ...input, status, message: input.message ?? DEFAULT_FIX_MESSAGE[input.milestone] }, affected);
    const type = input.milestone === 'final_fix' ? 'incident.resolved' : 'incident.updated';
    await recordEvent(t, type, { incident_id: id, update_id: update.id, deliver_notifications: update.deliverNotifications, milestone: input.milestone });
    return lockIncident(t, id);
  });
}

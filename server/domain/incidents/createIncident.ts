import { incidents } from '../../db/schema.js';
import { recordAudit } from '../audit.js';
import { inTransaction, type Ctx } from '../context.js';
import { invalid } from '../errors.js';
import { recordEvent } from '../outbox.js';
import { assertCan } from '../roles.js';
import type { CommitmentInput } from './cadence.js';
import { insertPublicUpdate } from './publicUpdate.js';
import { applyComponentChanges, timeline, type ComponentChange } from './shared.js';
import type { Severity } from './sla.js';

export interface CreateIncidentInput extends CommitmentInput {
  title: string;
  severity: Severity;
  message: string;
  components?: ComponentChange[];
  reported_at?: Date;
  note?: string;
  deliver_notifications?: boolean;
  /** Tweet text instead of the generated one (≤ 280 as Twitter counts). */
  custom_tweet?: string;
  skip_twitter?: boolean;
}

/** Files an incident: the row, its first public update, component changes, timeline, audit, event. */
export async function createIncident(ctx: Ctx, input: CreateIncidentInput) {
  assertCan(ctx.actor!.role, 'operate');
  const reportedAt = input.reported_at ?? ctx.now;
  if (reportedAt > ctx.now) throw invalid('future_timestamp', 'reported_at cannot be in the future', { field: 'reported_at' });
  return inTransaction(ctx, async (t) => {
    const [incident] = await t.tx
      .insert(incidents)
      .values({ title: input.title, severity: input.severity, status: 'investigating', reportedAt, ownerId: t.actor!.id, createdAt: t.now, updatedAt: t.now })
      .returning();
    const id = incident!.id;
    await timeline(t, id, 'created', { severity: input.severity, reported_at: reportedAt.toISOString() });
    const affected = await applyComponentChanges(t, id, input.components ?? []);
    const update = await insertPublicUpdate(t, incident!, { ...input, status: 'investigating' }, affected);
    if (input.note) await timeline(t, id, 'note', { body: input.note });
    await recordAudit(t, { action: 'incident.create', subjectType: 'incident', subjectId: id, after: { ...incident, components: input.components ?? [] } });
    await recordEvent(t, 'incident.created', { incident_id: id, update_id: update!.id, deliver_notifications: update.deliverNotifications });
    return incident!;
  });
}

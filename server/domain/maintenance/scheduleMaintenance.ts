import { maintenances } from '../../db/schema.js';
import { recordAudit } from '../audit.js';
import { inTransaction, type Ctx } from '../context.js';
import { ruleBroken } from '../errors.js';
import { assertCan } from '../roles.js';
import { announce, checkSlot, fireNoticesFor, linkComponents } from './shared.js';

export interface ScheduleMaintenanceInput {
  title: string;
  body: string;
  kind: 'planned' | 'unplanned';
  /** Required for planned; unplanned defaults to now. */
  scheduled_for?: Date;
  scheduled_until: Date;
  components?: string[];
  notify?: boolean;
  /** Required for unplanned maintenance: why it could not wait for a window. */
  reason?: string;
}

/**
 * Schedules maintenance. Planned work must fit one weekly window and be scheduled ≥ 24 h ahead;
 * unplanned work may start at any time but needs a reason. Either way it is announced at once,
 * and unplanned work starting now starts in the same transaction.
 */
export async function scheduleMaintenance(ctx: Ctx, input: ScheduleMaintenanceInput) {
  assertCan(ctx.actor!.role, 'operate');
  const reason = input.reason?.trim() || null;
  if (input.kind === 'unplanned' && !reason) throw ruleBroken('reason_required', 'Unplanned maintenance needs a reason', { field: 'reason' });
  if (input.kind === 'planned' && !input.scheduled_for) throw ruleBroken('scheduled_for_required', 'Planned maintenance needs scheduled_for', { field: 'scheduled_for' });
  const scheduledFor = input.scheduled_for ?? ctx.now;
  return inTransaction(ctx, async (t) => {
    await checkSlot(t, input.kind, scheduledFor, input.scheduled_until);
    const [created] = await t.tx
      .insert(maintenances)
      .values({
        title: input.title,
        body: input.body,
        kind: input.kind,
        status: 'scheduled',
        scheduledFor,
        scheduledUntil: input.scheduled_until,
        notify: input.notify ?? true,
        reason,
        createdBy: t.actor!.id,
        createdAt: t.now,
        updatedAt: t.now,
        scheduledAt: t.now,
      })
      .returning();
    await linkComponents(t, created!.id, input.components ?? []);
    await recordAudit(t, { action: 'maintenance.schedule', subjectType: 'maintenance', subjectId: created!.id, after: { ...created, components: input.components ?? [] } });
    await announce(t, created!, 'maintenance.announced');
    const { row } = await fireNoticesFor(t, created!);
    return row;
  });
}

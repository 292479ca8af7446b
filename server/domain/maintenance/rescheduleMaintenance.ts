import { eq } from 'drizzle-orm';
import { maintenances } from '../../db/schema.js';
import { recordAudit } from '../audit.js';
import { inTransaction, type Ctx } from '../context.js';
import { conflict, invalid } from '../errors.js';
import { assertCan } from '../roles.js';
import { announce, bumpSequence, checkSlot, fireNoticesFor, lockMaintenance } from './shared.js';

export interface RescheduleMaintenanceInput {
  title?: string;
  body?: string;
  scheduled_for?: Date;
  scheduled_until?: Date;
  notify?: boolean;
  reason?: string;
}

/**
 * Edits a maintenance that has not started. A new slot is validated like a new schedule (window
 * and 24 h notice for planned work) and re-announced; its notices are fresh, because the notice
 * key includes the instant. Text-only edits are not re-announced.
 */
export async function rescheduleMaintenance(ctx: Ctx, id: string, input: RescheduleMaintenanceInput) {
  assertCan(ctx.actor!.role, 'operate');
  if (Object.values(input).every((v) => v === undefined)) throw invalid('nothing_to_change', 'Send at least one field to change');
  return inTransaction(ctx, async (t) => {
    const before = await lockMaintenance(t, id);
    if (before.status !== 'scheduled') throw conflict('maintenance_not_scheduled', `Only scheduled maintenance can be changed; this one is ${before.status}`, { status: before.status });
    const scheduledFor = input.scheduled_for ?? before.scheduledFor;
    const scheduledUntil = input.scheduled_until ?? before.scheduledUntil;
    const moved = scheduledFor.getTime() !== before.scheduledFor.getTime() || scheduledUntil.getTime() !== before.scheduledUntil.getTime();
    if (moved) await checkSlot(t, before.kind, scheduledFor, scheduledUntil);
    if (before.kind === 'unplanned' && input.reason !== undefined && !input.reason.trim()) throw invalid('reason_required', 'Unplanned maintenance needs a reason', { field: 'reason' });
    const [after] = await t.tx
      .update(maintenances)
      .set({
        title: input.title ?? before.title,
        body: input.body ?? before.body,
        notify: input.notify ?? before.notify,
        reason: input.reason?.trim() ?? before.reason,
        scheduledFor,
        scheduledUntil,
        updatedAt: t.now,
        sequence: bumpSequence(),
        ...(moved ? { scheduledAt: t.now } : {}),
      })
      .where(eq(maintenances.id, id))
      .returning();
    await recordAudit(t, { action: moved ? 'maintenance.reschedule' : 'maintenance.update', subjectType: 'maintenance', subjectId: id, before, after });
    if (!moved) return after!;
    await announce(t, after!, 'maintenance.rescheduled');
    return (await fireNoticesFor(t, after!)).row;
  });
}

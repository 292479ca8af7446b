import { eq } from 'drizzle-orm';
import { maintenances } from '../../db/schema.js';
import { recordAudit } from '../audit.js';
import { inTransaction, type Ctx } from '../context.js';
import { conflict } from '../errors.js';
import { recordEvent } from '../outbox.js';
import { assertCan } from '../roles.js';
import { bumpSequence, eventPayload, lockMaintenance } from './shared.js';

/** Cancels maintenance that has not started (started work is completed instead); announced at once. */
export async function cancelMaintenance(ctx: Ctx, id: string, input: { reason?: string } = {}) {
  assertCan(ctx.actor!.role, 'operate');
  return inTransaction(ctx, async (t) => {
    const before = await lockMaintenance(t, id);
    if (before.status !== 'scheduled') throw conflict('maintenance_not_scheduled', `Only scheduled maintenance can be cancelled; this one is ${before.status}`, { status: before.status });
    const [after] = await t.tx.update(maintenances).set({ status: 'cancelled', cancelledAt: t.now, updatedAt: t.now, sequence: bumpSequence() }).where(eq(maintenances.id, id)).returning();
    await recordAudit(t, { action: 'maintenance.cancel', subjectType: 'maintenance', subjectId: id, before, after: { ...after, reason: input.reason ?? null } });
    await recordEvent(t, 'maintenance.cancelled', eventPayload(after!, { instant: t.now.toISOString(), reason: input.reason ?? null }));
    return after!;
  });
}

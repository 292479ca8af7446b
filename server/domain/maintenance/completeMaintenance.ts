import { eq } from 'drizzle-orm';
import { maintenances } from '../../db/schema.js';
import { recordAudit } from '../audit.js';
import { inTransaction, type Ctx } from '../context.js';
import { conflict } from '../errors.js';
import { recordEvent } from '../outbox.js';
import { assertCan } from '../roles.js';
import { bumpSequence, claimNotice, eventPayload, finish, lockMaintenance } from './shared.js';

/** Staff mark started maintenance done (early, or after verifying): components restored, announced. */
export async function completeMaintenance(ctx: Ctx, id: string) {
  assertCan(ctx.actor!.role, 'operate');
  return inTransaction(ctx, async (t) => {
    const before = await lockMaintenance(t, id);
    if (before.status !== 'in_progress' && before.status !== 'verifying') {
      throw conflict('maintenance_not_in_progress', `Only maintenance in progress can be completed; this one is ${before.status}`, { status: before.status });
    }
    const after = await finish(t, before);
    await claimNotice(t, id, 'completed', t.now);
    await recordAudit(t, { action: 'maintenance.complete', subjectType: 'maintenance', subjectId: id, before, after });
    await recordEvent(t, 'maintenance.completed', eventPayload(after, { instant: t.now.toISOString(), late_ms: 0, by_staff: true }));
    return after;
  });
}

/**
 * Staff hold maintenance in progress in "verifying": it no longer completes on its own at
 * scheduled_until, and staff are warned if it is still not done 15 minutes after.
 */
export async function verifyMaintenance(ctx: Ctx, id: string) {
  assertCan(ctx.actor!.role, 'operate');
  return inTransaction(ctx, async (t) => {
    const before = await lockMaintenance(t, id);
    if (before.status !== 'in_progress') throw conflict('maintenance_not_in_progress', `Only maintenance in progress can move to verifying; this one is ${before.status}`, { status: before.status });
    const [after] = await t.tx.update(maintenances).set({ status: 'verifying', verifyingAt: t.now, updatedAt: t.now, sequence: bumpSequence() }).where(eq(maintenances.id, id)).returning();
    await recordAudit(t, { action: 'maintenance.verify', subjectType: 'maintenance', subjectId: id, before, after });
    await recordEvent(t, 'maintenance.verifying', eventPayload(after!, { instant: t.now.toISOString() }));
    return after!;
  });
}

import { inArray } from 'drizzle-orm';
import { maintenances } from '../../db/schema.js';
import type { Db } from '../../db/client.js';
import { inTransaction, type Ctx } from '../context.js';
import { nextNoticeAt } from './notices.js';
import { fireNoticesFor, lockMaintenance, type FiredNotice } from './shared.js';

export type { FiredNotice } from './shared.js';

const ACTIVE = ['scheduled', 'in_progress', 'verifying'] as const;

/**
 * Fires every lifecycle notice whose instant has come, for every active maintenance. Each notice
 * is claimed through its (maintenance, kind, instant) key, so it fires once across restarts and
 * instances; start and completion transitions commit with their claim.
 */
export async function fireDueMaintenanceNotices(ctx: Ctx): Promise<FiredNotice[]> {
  return inTransaction(ctx, async (t) => {
    const active = await t.tx.select({ id: maintenances.id }).from(maintenances).where(inArray(maintenances.status, [...ACTIVE]));
    const fired: FiredNotice[] = [];
    for (const { id } of active) {
      const row = await lockMaintenance(t, id);
      fired.push(...(await fireNoticesFor(t, row)).fired);
    }
    return fired;
  });
}

/** The next instant a notice is due after `now` (to arm the in-process timer), or null. */
export async function nextMaintenanceNoticeAt(db: Db, now: Date): Promise<Date | null> {
  const active = await db.select().from(maintenances).where(inArray(maintenances.status, [...ACTIVE]));
  let next: number | null = null;
  for (const m of active) {
    const at = nextNoticeAt(m, now)?.getTime();
    if (at !== undefined && (next === null || at < next)) next = at;
  }
  return next === null ? null : new Date(next);
}

import { and, eq, isNotNull, ne } from 'drizzle-orm';
import { cadenceWarnings, incidents, incidentUpdates } from '../../db/schema.js';
import type { Db } from '../../db/client.js';
import { inTransaction, type Ctx } from '../context.js';
import { recordEvent } from '../outbox.js';
import { cadenceInstants, type CadenceLevel } from './cadence.js';

export interface FiredCadenceWarning {
  incidentId: string;
  updateId: string;
  title: string;
  severity: number;
  level: CadenceLevel;
  at: Date;
  dueAt: Date;
  lateMs: number;
}

/** Open incidents with a pending commitment, and when the promising update was posted. */
async function pending(db: Pick<Db, 'select'>) {
  return db
    .select({ incident: incidents, from: incidentUpdates.createdAt })
    .from(incidents)
    .innerJoin(incidentUpdates, eq(incidentUpdates.id, incidents.nextUpdateFrom))
    .where(and(ne(incidents.status, 'resolved'), isNotNull(incidents.nextUpdateAt)));
}

/**
 * Fires each "next update by" warning whose instant has come: at 80 % of the promised interval and
 * when it lapses. The (incident, update, level) key makes each fire once across restarts and
 * instances; a newer update moves the commitment to a new key, so the old one never fires. When
 * both are due together (Beacon was down) both are recorded but only the lapse is announced.
 */
export async function fireDueCadenceWarnings(ctx: Ctx): Promise<FiredCadenceWarning[]> {
  return inTransaction(ctx, async (t) => {
    const fired: FiredCadenceWarning[] = [];
    for (const { incident, from } of await pending(t.tx)) {
      const dueAt = incident.nextUpdateAt!;
      const due = cadenceInstants(from, dueAt).filter((w) => w.at <= t.now);
      if (!due.length) continue;
      const inserted = await t.tx
        .insert(cadenceWarnings)
        .values(due.map((w) => ({ incidentId: incident.id, updateId: incident.nextUpdateFrom!, level: w.level, dueAt, firedAt: t.now })))
        .onConflictDoNothing()
        .returning();
      const fresh = due.filter((w) => inserted.some((r) => r.level === w.level));
      const w = fresh[fresh.length - 1];
      if (!w) continue;
      const warning: FiredCadenceWarning = { incidentId: incident.id, updateId: incident.nextUpdateFrom!, title: incident.title, severity: incident.severity, level: w.level, at: w.at, dueAt, lateMs: t.now.getTime() - w.at.getTime() };
      fired.push(warning);
      await recordEvent(t, w.level === 'lapsed' ? 'cadence.lapsed' : 'cadence.warning', {
        incident_id: incident.id,
        update_id: warning.updateId,
        title: incident.title,
        severity: incident.severity,
        owner_id: incident.ownerId,
        level: w.level,
        next_update_at: dueAt.toISOString(),
        instant: w.at.toISOString(),
        late_ms: warning.lateMs,
      });
    }
    return fired;
  });
}

/** The next instant a commitment warning is due after `now` (to arm the in-process timer), or null. */
export async function nextCadenceWarningAt(db: Db, now: Date): Promise<Date | null> {
  let next: number | null = null;
  for (const { incident, from } of await pending(db)) {
    for (const w of cadenceInstants(from, incident.nextUpdateAt!)) {
      const at = w.at.getTime();
      if (at > now.getTime() && (next === null || at < next)) next = at;
    }
  }
  return next === null ? null : new Date(next);
}

import { ne } from 'drizzle-orm';
import { incidents, slaWarnings } from '../../db/schema.js';
import type { Db } from '../../db/client.js';
import { inTransaction, type Ctx } from '../context.js';
import { recordEvent } from '../outbox.js';
import { getSlaPolicy } from '../settings/slaPolicy.js';
import { goalsOf } from './getIncident.js';
import { WARNING_LEVELS, warningInstants, type WarningInstant } from './sla.js';

export interface FiredWarning extends WarningInstant {
  incidentId: string;
  title: string;
  severity: number;
  lateMs: number;
}

/**
 * Fires every SLA warning whose instant has come: 50 %, 80 % and breach of each pending goal of
 * each open incident. The (incident, goal, level) key makes each fire once, across restarts and
 * instances. When several levels of one goal are due together (Beacon was down), all are recorded
 * but only the most severe is announced.
 */
export async function fireDueSlaWarnings(ctx: Ctx): Promise<FiredWarning[]> {
  return inTransaction(ctx, async (t) => {
    const policy = await getSlaPolicy(t.tx);
    const open = await t.tx.select().from(incidents).where(ne(incidents.status, 'resolved'));
    const fired: FiredWarning[] = [];
    for (const incident of open) {
      const due = warningInstants(goalsOf(incident, policy), incident).filter((w) => w.at <= t.now);
      if (!due.length) continue;
      const inserted = await t.tx
        .insert(slaWarnings)
        .values(due.map((w) => ({ incidentId: incident.id, goal: w.goal, level: w.level, dueAt: w.dueAt, firedAt: t.now })))
        .onConflictDoNothing()
        .returning();
      const fresh = new Set(inserted.map((r) => `${r.goal}:${r.level}`));
      const newest = new Map<string, WarningInstant>();
      for (const w of due) {
        if (!fresh.has(`${w.goal}:${w.level}`)) continue;
        const prev = newest.get(w.goal);
        if (!prev || WARNING_LEVELS.indexOf(w.level) > WARNING_LEVELS.indexOf(prev.level)) newest.set(w.goal, w);
      }
      for (const w of newest.values()) {
        const warning: FiredWarning = { ...w, incidentId: incident.id, title: incident.title, severity: incident.severity, lateMs: t.now.getTime() - w.at.getTime() };
        fired.push(warning);
        await recordEvent(t, w.level === 'breach' ? 'sla.breached' : 'sla.warning', {
          incident_id: incident.id,
          title: incident.title,
          severity: incident.severity,
          owner_id: incident.ownerId,
          goal: w.goal,
          level: w.level,
          due_at: w.dueAt.toISOString(),
          instant: w.at.toISOString(),
          late_ms: warning.lateMs,
        });
      }
    }
    return fired;
  });
}

/** The next instant a warning is due after `now` (to arm the in-process timer), or null. */
export async function nextSlaWarningAt(db: Db, now: Date): Promise<Date | null> {
  const policy = await getSlaPolicy(db);
  const open = await db.select().from(incidents).where(ne(incidents.status, 'resolved'));
  let next: number | null = null;
  for (const incident of open) {
    for (const w of warningInstants(goalsOf(incident, policy), incident)) {
      const at = w.at.getTime();
      if (at > now.getTime() && (next === null || at < next)) next = at;
    }
  }
  return next === null ? null : new Date(next);
}

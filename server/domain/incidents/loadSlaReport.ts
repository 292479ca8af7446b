import { and, asc, gte, inArray, lt } from 'drizzle-orm';
import { incidents, incidentUpdates } from '../../db/schema.js';
import type { Executor } from '../../db/client.js';
import { invalid } from '../errors.js';
import { getSlaPolicy } from '../settings/slaPolicy.js';
import { goalsOf } from './getIncident.js';
import { milestones, type Severity } from './sla.js';
import { slaReport } from './slaReport.js';

/** SLA attainment for incidents reported in [from, to). */
export async function loadSlaReport(db: Executor, range: { from: Date; to: Date }, now: Date) {
  if (range.to <= range.from) throw invalid('invalid_range', '"to" must be after "from"', { field: 'to' });
  const policy = await getSlaPolicy(db);
  const rows = await db.select().from(incidents).where(and(gte(incidents.reportedAt, range.from), lt(incidents.reportedAt, range.to)));
  const updates = rows.length
    ? await db
        .select({ incidentId: incidentUpdates.incidentId, createdAt: incidentUpdates.createdAt, nextUpdateAt: incidentUpdates.nextUpdateAt })
        .from(incidentUpdates)
        .where(inArray(incidentUpdates.incidentId, rows.map((r) => r.id)))
        .orderBy(asc(incidentUpdates.createdAt), asc(incidentUpdates.id))
    : [];
  const updatesOf = (id: string) => updates.filter((u) => u.incidentId === id);
  return slaReport(
    rows.map((i) => ({ ...i, severity: i.severity as Severity, goals: goalsOf(i, policy), backdated: milestones.filter((m) => i.backdatedMilestones[m]), updates: updatesOf(i.id) })),
    now,
  );
}

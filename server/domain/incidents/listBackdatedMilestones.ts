import { and, asc, gte, lt, ne, sql } from 'drizzle-orm';
import { incidents } from '../../db/schema.js';
import type { Executor } from '../../db/client.js';
import { milestones } from './sla.js';

/** Backdated milestones of incidents reported in [from, to): what the SLA report rests on typed-in times. */
export async function listBackdatedMilestones(db: Executor, range: { from: Date; to: Date }) {
  const rows = await db
    .select({ id: incidents.id, title: incidents.title, severity: incidents.severity, marks: incidents.backdatedMilestones })
    .from(incidents)
    .where(and(gte(incidents.reportedAt, range.from), lt(incidents.reportedAt, range.to), ne(incidents.backdatedMilestones, sql`'{}'::jsonb`)))
    .orderBy(asc(incidents.reportedAt));
  return rows.flatMap((r) =>
    milestones.filter((m) => r.marks[m]).map((m) => {
      const mark = r.marks[m]!;
      return { incident_id: r.id, title: r.title, severity: r.severity, milestone: m, at: mark.at, recorded_at: mark.recorded_at, reason: mark.reason, by: { id: mark.actor_id, name: mark.actor_name } };
    }),
  );
}

import { and, gte, lt } from 'drizzle-orm';
import { incidents } from '../../db/schema.js';
import type { Executor } from '../../db/client.js';
import { postmortemCoverage } from './coverage.js';

/** Postmortem coverage of the incidents reported in [from, to) (the SLA report's period). */
export async function loadPostmortemCoverage(db: Executor, range: { from: Date; to: Date }) {
  const rows = await db
    .select({ id: incidents.id, title: incidents.title, severity: incidents.severity, status: incidents.status, reportedAt: incidents.reportedAt, postmortemDraft: incidents.postmortemDraft, postmortemPublishedAt: incidents.postmortemPublishedAt })
    .from(incidents)
    .where(and(gte(incidents.reportedAt, range.from), lt(incidents.reportedAt, range.to)));
  return postmortemCoverage(rows);
}

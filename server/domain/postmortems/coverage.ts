// Pure: which incidents of a report period have a postmortem, and which severe ones still lack one.

export type PostmortemState = 'published' | 'draft' | 'none';

export interface CoverageIncident {
  id: string;
  title: string;
  severity: number;
  status: string;
  reportedAt: Date;
  postmortemDraft: string | null;
  postmortemPublishedAt: Date | null;
}

/** Severities whose resolved incidents owe a published postmortem (1 = unavailable, 2 = substantially degraded). */
export const POSTMORTEM_REQUIRED_UP_TO = 2;

export function postmortemState(i: Pick<CoverageIncident, 'postmortemDraft' | 'postmortemPublishedAt'>): PostmortemState {
  return i.postmortemPublishedAt ? 'published' : i.postmortemDraft ? 'draft' : 'none';
}

/**
 * Every incident with its postmortem state, oldest first, and the resolved severity-1/2 incidents
 * without a published postmortem (open ones cannot have one yet, so they are not "missing").
 */
export function postmortemCoverage(rows: readonly CoverageIncident[]) {
  const incidents = [...rows]
    .sort((a, b) => a.reportedAt.getTime() - b.reportedAt.getTime() || a.id.localeCompare(b.id))
    .map((i) => ({ id: i.id, title: i.title, severity: i.severity, status: i.status, reported_at: i.reportedAt.toISOString(), postmortem: postmortemState(i) }));
  const missing = incidents.filter((i) => i.severity <= POSTMORTEM_REQUIRED_UP_TO && i.status === 'resolved' && i.postmortem !== 'published');
  return { incidents, missing };
}

import type { Milestone } from '../domain/incidents/sla.js';

// The words people read, in one place: pages, e-mails, feeds and the console use these, never the
// raw enums (`degraded_performance`, `work_start`, `none` impact).

/** Goal names (the SLA timers): "Work start: due in 40 min". */
export const MILESTONE_LABELS: Record<Milestone, string> = { work_start: 'Work start', temporary_fix: 'Temporary fix', final_fix: 'Final fix' };

/** What happened when a milestone is recorded, as a timeline entry: "Work started". */
export const MILESTONE_EVENT_LABELS: Record<Milestone, string> = { work_start: 'Work started', temporary_fix: 'Temporary fix in place', final_fix: 'Final fix in place' };

export const COMPONENT_STATUS_LABELS: Record<string, string> = {
  operational: 'Operational',
  degraded_performance: 'Degraded performance',
  partial_outage: 'Partial outage',
  major_outage: 'Major outage',
  under_maintenance: 'Under maintenance',
  no_data: 'No data',
};

// A shape per status so colour is never the only signal.
export const COMPONENT_STATUS_ICONS: Record<string, string> = {
  operational: '✔',
  degraded_performance: '▲',
  partial_outage: '◆',
  major_outage: '✖',
  under_maintenance: '⚙',
  no_data: '·',
};

export const INCIDENT_STATUS_LABELS: Record<string, string> = {
  investigating: 'Investigating',
  identified: 'Identified',
  monitoring: 'Monitoring',
  resolved: 'Resolved',
  postmortem: 'Postmortem',
};

export const MAINTENANCE_STATUS_LABELS: Record<string, string> = {
  scheduled: 'Scheduled',
  in_progress: 'In progress',
  verifying: 'Verifying',
  completed: 'Completed',
  cancelled: 'Cancelled',
};

/** Public impact words; `none` has no label (say nothing rather than "none impact"). */
export const IMPACT_LABELS: Record<string, string> = { critical: 'Critical impact', major: 'Major impact', minor: 'Minor impact', none: '', maintenance: 'Maintenance' };

export const SEVERITY_LABELS: Record<number, string> = { 1: 'Severity 1 — critical', 2: 'Severity 2 — major', 3: 'Severity 3 — minor', 4: 'Severity 4 — low' };

/** Any status word Beacon shows (incident, maintenance or component), humanised; unknown words pass through readable. */
export function statusLabel(value: string | null | undefined): string {
  if (!value) return '';
  return INCIDENT_STATUS_LABELS[value] ?? MAINTENANCE_STATUS_LABELS[value] ?? COMPONENT_STATUS_LABELS[value] ?? value.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());
}

/** Kinds of webhook endpoint, as the console names them. */
export const WEBHOOK_TYPE_LABELS: Record<string, string> = { generic: 'Signed JSON webhook', slack: 'Slack (incoming webhook)', teams: 'Microsoft Teams (workflow webhook)' };

/** A postmortem's state in the SLA report. */
export const POSTMORTEM_STATE_LABELS: Record<string, string> = { published: 'Published', draft: 'Draft (not public)', none: 'None' };

import { renderMarkdown } from './markdown.js';
import { IMPACT_LABELS, statusLabel } from './labels.js';
import type { PublicIncident } from './publicIncidents.js';
import type { PublicMaintenance } from './publicMaintenance.js';
import { maintenanceTimes } from './statusPageView.js';
import { humanTime, nextUpdateText } from './times.js';

// View models of the public incident, maintenance and history pages: the Statuspage objects plus
// the words and times people read (labels.ts, times.ts).

type Update = { status: string; body: string; created_at: string | null; display_at: string | null };
const updateView = (u: Update) => ({ status: statusLabel(u.status), body: u.body, at: u.display_at ?? u.created_at, when: humanTime(u.display_at ?? u.created_at) });

export function incidentPageView(i: PublicIncident) {
  const postmortem = 'postmortem_body' in i && i.postmortem_body ? { html: renderMarkdown(i.postmortem_body), at: i.postmortem_body_last_updated_at, when: humanTime(i.postmortem_body_last_updated_at) } : null;
  const latest = i.incident_updates[0];
  const nextUpdate = latest && i.next_update_at ? { at: i.next_update_at, text: nextUpdateText(i.next_update_at, latest.created_at ?? i.next_update_at) } : null;
  return { ...i, statusLabel: statusLabel(i.status), impactLabel: IMPACT_LABELS[i.impact] ?? '', updates: i.incident_updates.map(updateView), postmortem, nextUpdate };
}

export function maintenancePageView(m: PublicMaintenance) {
  const cancelled = m.status === 'cancelled';
  return { ...m, cancelled, cancelled_human: cancelled ? humanTime(m.cancelled_at) : '', statusLabel: statusLabel(m.status), ...maintenanceTimes(m), updates: m.incident_updates.map(updateView) };
}

export function historyItemView(i: PublicIncident) {
  return {
    ...i,
    statusLabel: statusLabel(i.status),
    impactLabel: IMPACT_LABELS[i.impact] ?? '',
    latestBody: i.incident_updates[0]?.body ?? '',
    startedHuman: humanTime(i.started_at),
    resolvedHuman: humanTime(i.resolved_at),
  };
}

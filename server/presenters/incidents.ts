import type { BackdatedMilestones, components as componentsTable, incidentEvents, incidentUpdates } from '../db/schema.js';
import { slaOf, type IncidentRow } from '../domain/incidents/getIncident.js';
import { impactOf, milestones, nearestDeadline, type SlaPolicy } from '../domain/incidents/sla.js';
import { presentComponent } from './components.js';
import { presentPublicUpdate } from './publicIncidents.js';
import { iso } from './iso.js';


export function presentSla(incident: IncidentRow, policy: SlaPolicy, now: Date) {
  const sla = slaOf(incident, policy, now);
  return Object.fromEntries(
    milestones.map((m) => [m, { due_at: iso(sla[m].due_at), met_at: iso(sla[m].met_at), state: sla[m].state }]),
  ) as Record<(typeof milestones)[number], { due_at: string | null; met_at: string | null; state: string }>;
}

function presentBackdated(marks: BackdatedMilestones) {
  return Object.fromEntries(
    milestones.filter((m) => marks[m]).map((m) => [m, { at: marks[m]!.at, recorded_at: marks[m]!.recorded_at, reason: marks[m]!.reason, by: { id: marks[m]!.actor_id, name: marks[m]!.actor_name } }]),
  ) as Partial<Record<(typeof milestones)[number], { at: string; recorded_at: string; reason: string; by: { id: string | null; name: string | null } }>>;
}

/** Staff and public surfaces show an update the same way. */
export const presentUpdate = presentPublicUpdate;

/** The staff view of an incident: Statuspage fields plus severity, SLA timers and milestones. */
/** The postmortem as staff see it: the private draft and the published copy. */
export function presentStaffPostmortem(i: IncidentRow) {
  return {
    draft: i.postmortemDraft,
    draft_updated_at: iso(i.postmortemDraftUpdatedAt),
    body: i.postmortemBody,
    body_updated_at: iso(i.postmortemBodyUpdatedAt),
    published_at: iso(i.postmortemPublishedAt),
    notified_at: iso(i.postmortemNotifiedAt),
  };
}

export function presentIncident(
  incident: IncidentRow,
  policy: SlaPolicy,
  now: Date,
  extra: {
    updates?: (typeof incidentUpdates.$inferSelect)[];
    components?: (typeof componentsTable.$inferSelect)[];
    events?: (typeof incidentEvents.$inferSelect)[];
  } = {},
) {
  const sla = presentSla(incident, policy, now);
  const nearest = nearestDeadline(slaOf(incident, policy, now));
  return {
    id: incident.id,
    name: incident.title,
    title: incident.title,
    status: incident.status,
    severity: incident.severity,
    impact: impactOf(incident.severity),
    reported_at: iso(incident.reportedAt),
    created_at: iso(incident.createdAt),
    updated_at: iso(incident.updatedAt),
    started_at: iso(incident.reportedAt),
    monitoring_at: iso(incident.monitoringAt),
    resolved_at: iso(incident.resolvedAt),
    owner_id: incident.ownerId,
    milestones: {
      work_start: iso(incident.workStartAt),
      temporary_fix: iso(incident.temporaryFixAt),
      final_fix: iso(incident.finalFixAt),
    },
    /** Milestones entered with an earlier time: when, by whom and why (absent = recorded live). */
    backdated_milestones: presentBackdated(incident.backdatedMilestones),
    sla,
    next_deadline_at: iso(nearest),
    postmortem: presentStaffPostmortem(incident),
    /** The pending "next update by" commitment of the latest public update (null = none). */
    next_update_at: iso(incident.nextUpdateAt),
    ...(extra.components && { components: extra.components.map((c) => presentComponent(c)) }),
    ...(extra.updates && { incident_updates: extra.updates.map(presentUpdate) }),
    ...(extra.events && {
      timeline: extra.events.map((e) => ({ id: e.id, kind: e.kind, at: iso(e.at), actor: e.actorName, data: e.data })),
    }),
  };
}

import type { components as componentsTable, incidentUpdates } from '../db/schema.js';
import type { IncidentRow } from '../domain/incidents/getIncident.js';
import { impactOf } from '../domain/incidents/sla.js';
import { PAGE_ID, presentComponent } from './components.js';
import { iso } from './iso.js';


/** A public incident update: exactly Statuspage's fields, nothing staff-only. */
export function presentPublicUpdate(u: typeof incidentUpdates.$inferSelect) {
  return {
    id: u.id,
    incident_id: u.incidentId,
    status: u.status,
    body: u.body,
    created_at: iso(u.createdAt),
    updated_at: iso(u.createdAt),
    display_at: iso(u.displayAt),
    deliver_notifications: u.deliverNotifications,
    custom_tweet: u.customTweet ?? null,
    tweet_id: null,
    affected_components: u.affectedComponents ?? null,
    /** "Next update by" promised with this update (Beacon extension; null = none). */
    next_update_at: iso(u.nextUpdateAt),
  };
}

/**
 * Statuspage's incident object. Public surfaces use only this: no internal notes, milestones,
 * owners or SLA timers (those are staff-side).
 */
export function presentPublicIncident(
  incident: IncidentRow,
  updates: (typeof incidentUpdates.$inferSelect)[],
  comps: (typeof componentsTable.$inferSelect)[],
  publicUrl: string,
) {
  const published = incident.status === 'resolved' && incident.postmortemPublishedAt !== null && incident.postmortemBody !== null;
  return {
    id: incident.id,
    name: incident.title,
    status: published ? ('postmortem' as const) : incident.status,
    impact: impactOf(incident.severity),
    created_at: iso(incident.createdAt),
    updated_at: iso(incident.updatedAt),
    started_at: iso(incident.reportedAt),
    monitoring_at: iso(incident.monitoringAt),
    resolved_at: iso(incident.resolvedAt),
    /** The pending "next update by" commitment (Beacon extension; null when none or resolved). */
    next_update_at: iso(incident.nextUpdateAt),
    shortlink: `${publicUrl}/incidents/${incident.id}`,
    page_id: PAGE_ID,
    components: comps.map((c) => presentComponent(c)),
    incident_updates: updates.map(presentPublicUpdate),
    // Statuspage's postmortem fields, present once one is published (drafts stay private).
    ...(published && {
      postmortem_body: incident.postmortemBody,
      postmortem_body_last_updated_at: iso(incident.postmortemBodyUpdatedAt),
      postmortem_published_at: iso(incident.postmortemPublishedAt),
      postmortem_ignored: false,
      postmortem_notified_subscribers: incident.postmortemNotifiedAt !== null,
    }),
  };
}

export type PublicIncident = ReturnType<typeof presentPublicIncident>;

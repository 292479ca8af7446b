import type { MaintenanceDetail } from '../domain/maintenance/getMaintenance.js';
import { PAGE_ID, presentComponent } from './components.js';
import { iso } from './iso.js';

export const OVERRUN_GRACE_MS = 15 * 60_000;

/**
 * Statuspage's scheduled-maintenance object: every incident field plus scheduled_for/until.
 * Beacon has no free-form maintenance updates, so `incident_updates` is the lifecycle, newest first.
 */
export function presentPublicMaintenance({ maintenance: m, components }: MaintenanceDetail, publicUrl: string, now: Date) {
  const comps = components.map((c) => presentComponent(c));
  const update = (status: string, at: Date, body: string) => ({
    id: `${m.id}:${status}`,
    incident_id: m.id,
    status,
    body,
    created_at: iso(at),
    updated_at: iso(at),
    display_at: iso(at),
    deliver_notifications: m.notify,
    custom_tweet: null,
    tweet_id: null,
    affected_components: comps.map((c) => ({ code: c.id, name: c.name, old_status: 'operational', new_status: 'under_maintenance' })),
  });
  const updates = [update('scheduled', m.createdAt, m.body)];
  if (m.startedAt) updates.push(update('in_progress', m.startedAt, 'Maintenance is in progress.'));
  if (m.completedAt) updates.push(update('completed', m.completedAt, 'Maintenance has been completed.'));
  if (m.cancelledAt) updates.push(update('cancelled', m.cancelledAt, 'This maintenance has been cancelled. No work will take place.'));
  const running = m.status === 'in_progress' || m.status === 'verifying';
  return {
    id: m.id,
    name: m.title,
    status: m.status,
    impact: 'maintenance',
    created_at: iso(m.createdAt),
    updated_at: iso(m.updatedAt),
    started_at: iso(m.startedAt ?? m.scheduledFor),
    monitoring_at: null,
    resolved_at: iso(m.completedAt),
    shortlink: `${publicUrl}/maintenance/${m.id}`,
    page_id: PAGE_ID,
    scheduled_for: iso(m.scheduledFor),
    scheduled_until: iso(m.scheduledUntil),
    components: comps,
    incident_updates: updates.reverse(),
    // Beacon fields
    kind: m.kind,
    body: m.body,
    cancelled_at: iso(m.cancelledAt),
    running_late: running && now.getTime() > m.scheduledUntil.getTime() + OVERRUN_GRACE_MS,
  };
}

export type PublicMaintenance = ReturnType<typeof presentPublicMaintenance>;

import { createHash } from 'node:crypto';
import type { ComponentStatus } from '../db/schema.js';
import type { MaintenanceComponent, MaintenanceDetail } from '../domain/maintenance/getMaintenance.js';
import { PAGE_ID, presentComponent } from './components.js';
import { iso } from './iso.js';

export const OVERRUN_GRACE_MS = 15 * 60_000;

type Step = 'scheduled' | 'in_progress' | 'verifying' | 'completed' | 'cancelled';

const BODY: Record<Exclude<Step, 'scheduled'>, string> = {
  in_progress: 'Maintenance is in progress.',
  verifying: 'The work is done and is being verified.',
  completed: 'Maintenance has been completed.',
  cancelled: 'This maintenance has been cancelled. No work will take place.',
};

/**
 * A plain, stable id for a lifecycle step (Statuspage update ids are plain ids): a name-based
 * UUID (RFC 4122 version 5) in the maintenance's id as namespace.
 */
export function maintenanceUpdateId(maintenanceId: string, step: string): string {
  const h = createHash('sha1').update(Buffer.from(maintenanceId.replace(/-/g, ''), 'hex')).update(step).digest();
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

/**
 * Each step's component transition. "Before" is the status remembered at the start; until then
 * the current status. Components already under maintenance at the start have none remembered
 * and are left under maintenance at the end (see finish()).
 */
function transition(step: Step, c: MaintenanceComponent, started: boolean): { old_status: ComponentStatus; new_status: ComponentStatus } {
  const before: ComponentStatus = c.previousStatus ?? (started ? 'under_maintenance' : c.status);
  switch (step) {
    case 'scheduled':
      return { old_status: before, new_status: before };
    case 'in_progress':
      return { old_status: before, new_status: 'under_maintenance' };
    case 'verifying':
      return { old_status: 'under_maintenance', new_status: 'under_maintenance' };
    case 'cancelled':
      return { old_status: before, new_status: before };
    case 'completed':
      return started ? { old_status: 'under_maintenance', new_status: before } : { old_status: before, new_status: before };
  }
}

/**
 * Statuspage's scheduled-maintenance object: every incident field plus scheduled_for/until.
 * Beacon has no free-form maintenance updates, so `incident_updates` is the lifecycle, newest first.
 */
export function presentPublicMaintenance({ maintenance: m, components }: MaintenanceDetail, publicUrl: string, now: Date) {
  const comps = components.map((c) => presentComponent(c));
  const started = Boolean(m.startedAt);
  const update = (step: Step, at: Date, body: string) => ({
    id: maintenanceUpdateId(m.id, step),
    incident_id: m.id,
    status: step,
    body,
    created_at: iso(at),
    updated_at: iso(at),
    display_at: iso(at),
    deliver_notifications: m.notify,
    custom_tweet: null,
    tweet_id: null,
    affected_components: components.map((c) => ({ code: c.id, name: c.name, ...transition(step, c, started) })),
  });
  const updates = [update('scheduled', m.createdAt, m.body)];
  if (m.startedAt) updates.push(update('in_progress', m.startedAt, BODY.in_progress));
  if (m.verifyingAt) updates.push(update('verifying', m.verifyingAt, BODY.verifying));
  if (m.completedAt) updates.push(update('completed', m.completedAt, BODY.completed));
  if (m.cancelledAt) updates.push(update('cancelled', m.cancelledAt, BODY.cancelled));
  const running = m.status === 'in_progress' || m.status === 'verifying';
  return {
    id: m.id,
    name: m.title,
    status: m.status,
    impact: 'maintenance',
    created_at: iso(m.createdAt),
    updated_at: iso(m.updatedAt),
    // Statuspage: when the maintenance was posted; the work's own start is in_progress's update.
    started_at: iso(m.createdAt),
    // Statuspage sets monitoring_at when maintenance moves to "verifying".
    monitoring_at: iso(m.verifyingAt),
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

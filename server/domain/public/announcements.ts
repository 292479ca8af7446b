// Pure: what an app's in-app banner should show at `now`.

export type Level = 'info' | 'warning' | 'critical';
export interface Announcement {
  id: string;
  kind: 'incident' | 'maintenance' | 'notice';
  level: Level;
  title: string;
  body: string;
  starts_at: string | null;
  ends_at: string | null;
  url: string | null;
  dismissible: boolean;
  /** Incidents: when the next update was promised (null = no promise, and for other kinds). */
  next_update_at: string | null;
}

export const IN_APP_LEAD_MS = 30 * 60_000;
const LEVEL_BY_IMPACT: Record<string, Level | null> = { critical: 'critical', major: 'warning', minor: 'info', none: null };

export function announcementsAt(
  input: {
    incidents: { id: string; name: string; impact: string; started_at: string | null; shortlink: string; next_update_at?: string | null; incident_updates: { body: string }[] }[];
    maintenances: { id: string; name: string; status: string; scheduled_for: string | null; scheduled_until: string | null; shortlink: string; body: string }[];
    notices: { id: string; title: string; body: string; level: Level; publishAt: Date; expireAt: Date | null; dismissible: boolean; url: string | null }[];
  },
  now: Date,
): Announcement[] {
  const t = now.getTime();
  const out: Announcement[] = [];
  // Active incidents of impact ≥ minor; the latest public update is the body.
  for (const i of input.incidents) {
    const level = LEVEL_BY_IMPACT[i.impact];
    if (!level) continue;
    out.push({ id: `incident:${i.id}`, kind: 'incident', level, title: i.name, body: i.incident_updates[0]?.body ?? '', starts_at: i.started_at, ends_at: null, url: i.shortlink, dismissible: level !== 'critical', next_update_at: i.next_update_at ?? null });
  }
  // Maintenance from 30 minutes before its start until it completes.
  for (const m of input.maintenances) {
    const running = m.status === 'in_progress' || m.status === 'verifying';
    const soon = m.status === 'scheduled' && m.scheduled_for !== null && Date.parse(m.scheduled_for) - IN_APP_LEAD_MS <= t;
    if (!running && !soon) continue;
    out.push({ id: `maintenance:${m.id}`, kind: 'maintenance', level: running ? 'warning' : 'info', title: m.name, body: m.body, starts_at: m.scheduled_for, ends_at: m.scheduled_until, url: m.shortlink, dismissible: true, next_update_at: null });
  }
  for (const n of input.notices) {
    if (n.publishAt.getTime() > t || (n.expireAt && n.expireAt.getTime() <= t)) continue;
    out.push({ id: `notice:${n.id}`, kind: 'notice', level: n.level, title: n.title, body: n.body, starts_at: n.publishAt.toISOString(), ends_at: n.expireAt?.toISOString() ?? null, url: n.url, dismissible: n.dismissible, next_update_at: null });
  }
  const rank: Record<Level, number> = { critical: 0, warning: 1, info: 2 };
  return out.sort((a, b) => rank[a.level] - rank[b.level] || (a.starts_at ?? '').localeCompare(b.starts_at ?? ''));
}

/** The next instant the announcement list changes by time alone (a maintenance enters its 30-minute lead). */
export function nextMaintenanceLead(maintenances: { status: string; scheduled_for: string | null }[], now: Date): Date | null {
  let next: number | null = null;
  for (const m of maintenances) {
    if (m.status !== 'scheduled' || !m.scheduled_for) continue;
    const lead = Date.parse(m.scheduled_for) - IN_APP_LEAD_MS;
    if (lead > now.getTime() && (next === null || lead < next)) next = lead;
  }
  return next === null ? null : new Date(next);
}

import { desc, inArray, ne, or, eq } from 'drizzle-orm';
import { components, incidentComponents, incidents, incidentUpdates, maintenances, notices } from '../../db/schema.js';
import type { Db } from '../../db/client.js';
import type { Config } from '../../config.js';
import { listComponents } from '../../domain/components/listComponents.js';
import { componentsOf } from '../../domain/maintenance/getMaintenance.js';
import { announcementsAt, nextMaintenanceLead, type Announcement } from '../../domain/public/announcements.js';
import { announcementTargets } from '../../domain/public/announcementTargets.js';
import { overallStatus } from '../../domain/public/overallStatus.js';
import { PAGE_ID, presentComponent } from '../../presenters/components.js';
import { presentPublicIncident, type PublicIncident } from '../../presenters/publicIncidents.js';
import { presentPublicMaintenance, OVERRUN_GRACE_MS, type PublicMaintenance } from '../../presenters/publicMaintenance.js';
import { loadUptime } from './uptimeHistory.js';

export interface PublicSnapshot {
  builtAt: Date;
  page: { id: string; name: string; url: string; time_zone: string; updated_at: string };
  status: { indicator: string; description: string };
  components: ReturnType<typeof presentComponent>[];
  incidents: PublicIncident[];
  unresolved: PublicIncident[];
  maintenances: PublicMaintenance[];
  upcoming: PublicMaintenance[];
  active: PublicMaintenance[];
  announcements: Announcement[];
  /** The components each targeted announcement concerns (absent = page-wide), groups expanded. */
  announcementTargets: Record<string, string[]>;
  uptime: Map<string, Awaited<ReturnType<typeof loadUptime>> extends Map<string, infer V> ? V : never>;
  /** When the snapshot goes stale by time alone (30-minute lead, notice boundary, overrun, midnight). */
  nextBoundary: Date;
}

const DAY = 86_400_000;

/** Everything public, read once per change; every public response is a view of this. */
export async function buildSnapshot(db: Db, config: Config, now: Date): Promise<PublicSnapshot> {
  const url = config.publicUrl;
  const comps = await listComponents(db);
  const recent = await db.select().from(incidents).orderBy(desc(incidents.reportedAt), desc(incidents.id)).limit(50);
  const open = await db.select().from(incidents).where(ne(incidents.status, 'resolved'));
  const all = [...new Map([...recent, ...open].map((i) => [i.id, i])).values()];
  const ids = all.map((i) => i.id);
  const updates = ids.length ? await db.select().from(incidentUpdates).where(inArray(incidentUpdates.incidentId, ids)).orderBy(desc(incidentUpdates.createdAt), desc(incidentUpdates.id)) : [];
  const links = ids.length ? await db.select().from(incidentComponents).where(inArray(incidentComponents.incidentId, ids)) : [];
  const byId = new Map(comps.map((c) => [c.id, c]));
  const present = (i: (typeof all)[number]) =>
    presentPublicIncident(
      i,
      updates.filter((u) => u.incidentId === i.id),
      links.filter((l) => l.incidentId === i.id).map((l) => byId.get(l.componentId)).filter((c): c is NonNullable<typeof c> => Boolean(c)),
      url,
    );
  const presented = new Map(all.map((i) => [i.id, present(i)]));

  const mrows = await db
    .select()
    .from(maintenances)
    .where(or(inArray(maintenances.status, ['scheduled', 'in_progress', 'verifying']), eq(maintenances.status, 'completed')))
    .orderBy(desc(maintenances.scheduledFor))
    .limit(100);
  const mcomps = await componentsOf(db, mrows.map((m) => m.id));
  const maint = mrows.map((m) => presentPublicMaintenance({ maintenance: m, components: mcomps.get(m.id)! }, url, now));
  const upcoming = maint.filter((m) => m.status === 'scheduled').reverse();
  const active = maint.filter((m) => m.status === 'in_progress' || m.status === 'verifying');

  const noticeRows = await db.select().from(notices);
  const unresolved = open.sort((a, b) => b.reportedAt.getTime() - a.reportedAt.getTime()).map((i) => presented.get(i.id)!);
  const announcements = announcementsAt({ incidents: unresolved, maintenances: [...active, ...upcoming], notices: noticeRows }, now);

  const boundaries = [
    nextMaintenanceLead(upcoming, now),
    ...noticeRows.flatMap((n) => [n.publishAt, n.expireAt]).filter((d): d is Date => Boolean(d) && d!.getTime() > now.getTime()),
    ...active.map((m) => new Date(Date.parse(m.scheduled_until!) + OVERRUN_GRACE_MS)).filter((d) => d > now),
    new Date(Math.floor(now.getTime() / DAY + 1) * DAY),
  ].filter((d): d is Date => d !== null);
  const nextBoundary = new Date(Math.min(...boundaries.map((d) => d.getTime())));

  const updatedAt = [now, ...comps.map((c) => c.updatedAt), ...all.map((i) => i.updatedAt)].reduce((a, b) => (b > a ? b : a));
  return {
    builtAt: now,
    page: { id: PAGE_ID, name: config.PAGE_NAME, url, time_zone: 'America/New_York', updated_at: updatedAt.toISOString() },
    status: overallStatus({
      componentStatuses: comps.filter((c) => !c.isGroup).map((c) => c.status),
      unresolvedImpacts: unresolved.map((i) => i.impact),
      maintenanceInProgress: active.length > 0,
    }),
    components: comps.map((c) => presentComponent(c, comps)),
    incidents: recent.map((i) => presented.get(i.id)!),
    unresolved,
    maintenances: maint,
    upcoming,
    active,
    announcements,
    announcementTargets: announcementTargets({ incidents: unresolved, maintenances: [...active, ...upcoming], notices: noticeRows }, comps.map((c) => ({ id: c.id, group: c.isGroup, group_id: c.groupId }))),
    uptime: await loadUptime(db, comps, now),
    nextBoundary,
  };
}

/** Statuspage v2 bodies, by path under /api/v2. */
export function v2Bodies(s: PublicSnapshot): Record<string, unknown> {
  const page = s.page;
  return {
    'summary.json': { page, status: s.status, components: s.components, incidents: s.unresolved, scheduled_maintenances: [...s.active, ...s.upcoming] },
    'status.json': { page, status: s.status },
    'components.json': { page, components: s.components },
    'incidents.json': { page, incidents: s.incidents },
    'incidents/unresolved.json': { page, incidents: s.unresolved },
    'scheduled-maintenances.json': { page, scheduled_maintenances: s.maintenances.slice(0, 50) },
    'scheduled-maintenances/upcoming.json': { page, scheduled_maintenances: s.upcoming },
    'scheduled-maintenances/active.json': { page, scheduled_maintenances: s.active },
  };
}

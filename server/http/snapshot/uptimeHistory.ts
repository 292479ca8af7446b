import { and, eq, gte, isNotNull, isNull, or } from 'drizzle-orm';
import { incidents, incidentUpdates, maintenanceComponents, maintenances } from '../../db/schema.js';
import type { Db } from '../../db/client.js';
import type { ComponentRow } from '../../domain/components/listComponents.js';
import { uptimeDays, type StatusInterval } from '../../domain/public/uptime.js';

const DAY = 86_400_000;

/**
 * 90-day uptime per showcased component, from history Beacon keeps: component transitions in
 * public incident updates and maintenance start/completion. The current status covers the time
 * since the last recorded transition.
 */
export async function loadUptime(db: Db, comps: ComponentRow[], now: Date) {
  const since = new Date(Math.floor(now.getTime() / DAY) * DAY - 89 * DAY);
  const showcased = comps.filter((c) => c.showcase && !c.isGroup);
  if (!showcased.length) return new Map<string, ReturnType<typeof uptimeDays>>();
  const ids = new Set(showcased.map((c) => c.id));

  const updates = await db
    .select({ at: incidentUpdates.createdAt, affected: incidentUpdates.affectedComponents, incidentId: incidentUpdates.incidentId })
    .from(incidentUpdates)
    .where(and(gte(incidentUpdates.createdAt, new Date(since.getTime() - 30 * DAY)), isNotNull(incidentUpdates.affectedComponents)));
  const maint = await db
    .select({ m: maintenances, componentId: maintenanceComponents.componentId })
    .from(maintenanceComponents)
    .innerJoin(maintenances, eq(maintenances.id, maintenanceComponents.maintenanceId))
    .where(and(isNotNull(maintenances.startedAt), or(isNull(maintenances.completedAt), gte(maintenances.completedAt, since))));
  const incs = await db.select({ id: incidents.id, name: incidents.title, from: incidents.reportedAt, to: incidents.resolvedAt }).from(incidents).where(or(gte(incidents.reportedAt, since), gte(incidents.resolvedAt, since)));

  // Transitions per component, in time order: [at, new status].
  const transitions = new Map<string, Array<[number, string]>>([...ids].map((id) => [id, []]));
  for (const u of updates) for (const a of u.affected ?? []) transitions.get(a.code)?.push([u.at.getTime(), a.new_status]);
  for (const { m, componentId } of maint) {
    if (!transitions.has(componentId)) continue;
    transitions.get(componentId)!.push([m.startedAt!.getTime(), 'under_maintenance']);
    if (m.completedAt) transitions.get(componentId)!.push([m.completedAt.getTime(), 'operational']);
  }

  const out = new Map<string, ReturnType<typeof uptimeDays>>();
  for (const c of showcased) {
    const list = transitions.get(c.id)!.sort((a, b) => a[0] - b[0]);
    const intervals: StatusInterval[] = [];
    for (let i = 0; i < list.length; i++) {
      const [at, status] = list[i]!;
      const end = i + 1 < list.length ? list[i + 1]![0] : now.getTime();
      // The last interval runs until now with the component's actual status.
      intervals.push({ status: i + 1 < list.length ? status : c.status, from: new Date(at), to: new Date(end) });
    }
    if (!list.length && c.status !== 'operational') intervals.push({ status: c.status, from: c.updatedAt, to: now });
    const theirIncidents = incs
      .filter((x) => updates.some((u) => u.incidentId === x.id && (u.affected ?? []).some((a) => a.code === c.id)))
      .map((x) => ({ id: x.id, name: x.name, from: x.from, to: x.to ?? now }));
    out.set(c.id, uptimeDays(intervals, theirIncidents, now, 90, c.startDate ?? c.createdAt.toISOString().slice(0, 10)));
  }
  return out;
}

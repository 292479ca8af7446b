import { asc, eq, inArray } from 'drizzle-orm';
import { components, maintenanceComponents, maintenances, type ComponentStatus } from '../../db/schema.js';
import type { Db } from '../../db/client.js';
import { notFound } from '../errors.js';
import type { MaintenanceRow } from './shared.js';

export type ComponentRow = typeof components.$inferSelect;
/** A component of a maintenance, with its status from before the work started (null until then). */
export type MaintenanceComponent = ComponentRow & { previousStatus: ComponentStatus | null };
export interface MaintenanceDetail {
  maintenance: MaintenanceRow;
  components: MaintenanceComponent[];
}

/** The components of each maintenance, by maintenance id. */
export async function componentsOf(db: Db, ids: string[]): Promise<Map<string, MaintenanceComponent[]>> {
  const out = new Map<string, MaintenanceComponent[]>(ids.map((id) => [id, []]));
  if (!ids.length) return out;
  const rows = await db
    .select({ maintenanceId: maintenanceComponents.maintenanceId, previousStatus: maintenanceComponents.previousStatus, component: components })
    .from(maintenanceComponents)
    .innerJoin(components, eq(components.id, maintenanceComponents.componentId))
    .where(inArray(maintenanceComponents.maintenanceId, ids))
    .orderBy(asc(components.position), asc(components.name));
  for (const r of rows) out.get(r.maintenanceId)!.push({ ...r.component, previousStatus: r.previousStatus });
  return out;
}

export async function getMaintenance(db: Db, id: string): Promise<MaintenanceDetail> {
  const [maintenance] = await db.select().from(maintenances).where(eq(maintenances.id, id));
  if (!maintenance) throw notFound('Maintenance', id);
  return { maintenance, components: (await componentsOf(db, [id])).get(id)! };
}

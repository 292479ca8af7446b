import { asc, eq, inArray } from 'drizzle-orm';
import { components, maintenanceComponents, maintenances } from '../../db/schema.js';
import type { Db } from '../../db/client.js';
import { notFound } from '../errors.js';
import type { MaintenanceRow } from './shared.js';

export type ComponentRow = typeof components.$inferSelect;
export interface MaintenanceDetail {
  maintenance: MaintenanceRow;
  components: ComponentRow[];
}

/** The components of each maintenance, by maintenance id. */
export async function componentsOf(db: Db, ids: string[]): Promise<Map<string, ComponentRow[]>> {
  const out = new Map<string, ComponentRow[]>(ids.map((id) => [id, []]));
  if (!ids.length) return out;
  const rows = await db
    .select({ maintenanceId: maintenanceComponents.maintenanceId, component: components })
    .from(maintenanceComponents)
    .innerJoin(components, eq(components.id, maintenanceComponents.componentId))
    .where(inArray(maintenanceComponents.maintenanceId, ids))
    .orderBy(asc(components.position), asc(components.name));
  for (const r of rows) out.get(r.maintenanceId)!.push(r.component);
  return out;
}

export async function getMaintenance(db: Db, id: string): Promise<MaintenanceDetail> {
  const [maintenance] = await db.select().from(maintenances).where(eq(maintenances.id, id));
  if (!maintenance) throw notFound('Maintenance', id);
  return { maintenance, components: (await componentsOf(db, [id])).get(id)! };
}

import { and, asc, desc, gte, inArray, lte, type SQL } from 'drizzle-orm';
import { maintenances, type MaintenanceStatus } from '../../db/schema.js';
import type { Db } from '../../db/client.js';
import { componentsOf, type MaintenanceDetail } from './getMaintenance.js';

export interface ListMaintenancesQuery {
  status?: MaintenanceStatus[];
  from?: Date;
  to?: Date;
  limit?: number;
  /** Latest start first (default: soonest first). */
  newestFirst?: boolean;
}

/** Maintenances by scheduled start (soonest first unless newestFirst), optionally by status and start range. */
export async function listMaintenances(db: Db, q: ListMaintenancesQuery = {}): Promise<MaintenanceDetail[]> {
  const where: SQL[] = [];
  if (q.status?.length) where.push(inArray(maintenances.status, q.status));
  if (q.from) where.push(gte(maintenances.scheduledFor, q.from));
  if (q.to) where.push(lte(maintenances.scheduledFor, q.to));
  const rows = await db
    .select()
    .from(maintenances)
    .where(where.length ? and(...where) : undefined)
    .orderBy(...(q.newestFirst ? [desc(maintenances.scheduledFor), desc(maintenances.createdAt)] : [asc(maintenances.scheduledFor), asc(maintenances.createdAt)]))
    .limit(q.limit ?? 100);
  const comps = await componentsOf(db, rows.map((r) => r.id));
  return rows.map((maintenance) => ({ maintenance, components: comps.get(maintenance.id)! }));
}

import { asc } from 'drizzle-orm';
import { components } from '../../db/schema.js';
import type { Executor } from '../../db/client.js';

export type ComponentRow = typeof components.$inferSelect;

export function listComponents(db: Executor): Promise<ComponentRow[]> {
  return db.select().from(components).orderBy(asc(components.position), asc(components.name));
}

import { components } from '../../server/db/schema.js';
import { testDatabase } from './db.js';

export async function component(name: string, extra: Partial<typeof components.$inferInsert> = {}) {
  const { db } = await testDatabase();
  const now = new Date('2026-01-01T00:00:00Z');
  const [row] = await db.insert(components).values({ name, createdAt: now, updatedAt: now, ...extra }).returning();
  return row!;
}

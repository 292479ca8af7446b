import { sql } from 'drizzle-orm';
import { components, settings } from '../../db/schema.js';
import type { Db } from '../../db/client.js';

const DEMO = [
  { name: 'Web app', description: 'The website and its pages' },
  { name: 'API', description: 'The public REST API' },
  { name: 'Mobile apps', description: 'iOS and Android apps' },
  { name: 'Notifications', description: 'E-mail and push notifications' },
  { name: 'Search', description: 'Search across everything' },
];

/** A few components so a fresh status page is not empty. Only ever on a database with none. */
export async function seedDemoComponents(db: Db, now: Date): Promise<boolean> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(4211979)`);
    // Seed once per database: deleting the demo components must not bring them back on restart.
    const seeded = await tx.insert(settings).values({ key: 'demo_seeded', value: true, updatedAt: now }).onConflictDoNothing().returning();
    if (!seeded.length) return false;
    const [{ n } = { n: 0 }] = await tx.select({ n: sql<number>`count(*)::int` }).from(components);
    if (n > 0) return false;
    await tx.insert(components).values(DEMO.map((c, i) => ({ ...c, position: i, createdAt: now, updatedAt: now })));
    return true;
  });
}

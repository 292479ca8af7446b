import { max } from 'drizzle-orm';
import type { Database, Db } from './client.js';
import { outboxEvents } from './schema.js';

/** How often the embedded engine's reads are tried without holding its one connection. */
const UNLOCKED_ATTEMPTS = 2;

/**
 * Runs a group of reads as one moment of the database, so a write that commits between two of them
 * cannot leave half of its change in the result (an incident's status from before it, its updates
 * from after).
 *
 * On PostgreSQL that is a read-only repeatable-read transaction: the reads share one snapshot and
 * block no one. Embedded PGlite has a single connection, and a transaction would hold it, so every
 * staff write would wait for the whole read (measured December 3: the staff answer 57 → 82–95 ms).
 * There the reads run unlocked, and are kept only if no change committed meanwhile. Every public
 * change records an outbox event in its own transaction (that is how the public side learns of it at
 * all), and PGlite commits one transaction at a time, so an unchanged newest event id means no change
 * landed in between. The dispatcher's delivery bookkeeping adds no events; a staff-only event (a
 * note, an SLA warning) costs one needless retry. After two disturbed tries the reads run in a
 * transaction after all, so a stream of writes cannot starve them.
 */
export async function readOneMoment<T>(database: Pick<Database, 'db' | 'driver'>, read: (db: Db) => Promise<T>): Promise<T> {
  const { db } = database;
  if (database.driver === 'postgres') {
    return db.transaction((tx) => read(tx as unknown as Db), { isolationLevel: 'repeatable read', accessMode: 'read only' });
  }
  for (let attempt = 0; attempt < UNLOCKED_ATTEMPTS; attempt++) {
    const before = await newestEventId(db);
    const result = await read(db);
    if ((await newestEventId(db)) === before) return result;
  }
  return db.transaction((tx) => read(tx as unknown as Db), { accessMode: 'read only' });
}

async function newestEventId(db: Db): Promise<number | null> {
  const [row] = await db.select({ id: max(outboxEvents.id) }).from(outboxEvents);
  return row?.id ?? null;
}

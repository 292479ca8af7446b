import { asc, eq } from 'drizzle-orm';
import type { Db, Executor } from '../../db/client.js';
import { passkeys } from '../../db/schema.js';

/** A person's passkeys as they see them: name and dates, never a key. */
export function listPasskeys(db: Db | Executor, userId: string) {
  return db
    .select({ id: passkeys.id, name: passkeys.name, createdAt: passkeys.createdAt, lastUsedAt: passkeys.lastUsedAt })
    .from(passkeys)
    .where(eq(passkeys.userId, userId))
    .orderBy(asc(passkeys.createdAt), asc(passkeys.name));
}

import crypto from 'node:crypto';
import { eq } from 'drizzle-orm';
import { settings } from '../db/schema.js';
import type { Db } from '../db/client.js';

/**
 * The secret that signs CSRF tokens and unsubscribe links. Without SESSION_SECRET it is generated
 * once and kept in the database, so every instance and every restart agree on it.
 */
export async function loadSessionSecret(db: Db, configured: string | undefined, now: Date): Promise<string> {
  if (configured) return configured;
  const fresh = crypto.randomBytes(32).toString('base64url');
  await db.insert(settings).values({ key: 'session_secret', value: fresh, updatedAt: now }).onConflictDoNothing();
  const [row] = await db.select().from(settings).where(eq(settings.key, 'session_secret'));
  return row!.value as string;
}

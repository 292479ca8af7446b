import { eq, sql } from 'drizzle-orm';
import type { Db, Executor } from '../db/client.js';
import { settings } from '../db/schema.js';
import { recordEvent } from '../domain/outbox.js';

/** One open backup alert at a time, kept in settings so a restart or a second instance does not repeat it. */
const KEY = 'backup_alert';

export type BackupAlert = 'backup.failed' | 'backup.overdue';

/** Raises a staff alert (an outbox event for the staff e-mail channel) unless one is already open. */
export async function raiseBackupAlert(db: Db, type: BackupAlert, payload: Record<string, unknown>, now: Date): Promise<boolean> {
  return db.transaction(async (t) => {
    const tx = t as unknown as Executor;
    const inserted = await tx
      .insert(settings)
      .values({ key: KEY, value: { type, at: now.toISOString() }, updatedAt: now })
      .onConflictDoNothing()
      .returning({ key: settings.key });
    if (!inserted.length) return false;
    await recordEvent({ tx, db, now, actor: null }, type, payload);
    return true;
  });
}

/** A successful backup closes the open alert, so the next failure is reported again. */
export async function clearBackupAlert(db: Db): Promise<void> {
  await db.delete(settings).where(eq(settings.key, KEY));
}

export async function openBackupAlert(db: Db): Promise<{ type: BackupAlert; at: string } | null> {
  const [row] = await db.select({ value: settings.value }).from(settings).where(sql`${settings.key} = ${KEY}`);
  return (row?.value as { type: BackupAlert; at: string }) ?? null;
}

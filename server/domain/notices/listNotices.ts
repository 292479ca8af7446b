import { desc, eq } from 'drizzle-orm';
import { notices } from '../../db/schema.js';
import type { Executor } from '../../db/client.js';
import { notFound } from '../errors.js';

export type NoticeRow = typeof notices.$inferSelect;

/** Every notice, newest publish_at first (ties: newest created first). */
export function listNotices(db: Executor): Promise<NoticeRow[]> {
  return db.select().from(notices).orderBy(desc(notices.publishAt), desc(notices.createdAt), desc(notices.id));
}

export async function getNotice(db: Executor, id: string): Promise<NoticeRow> {
  const [row] = await db.select().from(notices).where(eq(notices.id, id));
  if (!row) throw notFound('Notice', id);
  return row;
}

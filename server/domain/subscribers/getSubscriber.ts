import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { subscribers } from '../../db/schema.js';
import { notFound } from '../errors.js';
import type { SubscriberRow } from './shared.js';

export async function getSubscriber(db: Db, id: string): Promise<SubscriberRow> {
  const [row] = await db.select().from(subscribers).where(eq(subscribers.id, id));
  if (!row) throw notFound('Subscriber', id);
  return row;
}

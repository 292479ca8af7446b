import { eq } from 'drizzle-orm';
import { subscribers } from '../../db/schema.js';
import { inTransaction, type Ctx } from '../context.js';
import { lockSubscriber, type SubscriberRow } from './shared.js';

/** Double opt-in, step two. Idempotent; an unsubscribed address stays unsubscribed (it must subscribe again). */
export function confirmSubscription(ctx: Ctx, id: string): Promise<SubscriberRow> {
  return inTransaction(ctx, async (t) => {
    const row = await lockSubscriber(t.tx, id);
    if (row.confirmedAt || row.unsubscribedAt) return row;
    const [after] = await t.tx.update(subscribers).set({ confirmedAt: t.now, updatedAt: t.now }).where(eq(subscribers.id, id)).returning();
    return after!;
  });
}

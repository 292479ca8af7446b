import { eq } from 'drizzle-orm';
import { subscribers } from '../../db/schema.js';
import { inTransaction, type Ctx } from '../context.js';
import { lockSubscriber, type SubscriberRow } from './shared.js';

/** Stops every mail to the subscriber at once (pending deliveries check this before sending). Idempotent. */
export function unsubscribe(ctx: Ctx, id: string): Promise<SubscriberRow> {
  return inTransaction(ctx, async (t) => {
    const row = await lockSubscriber(t.tx, id);
    if (row.unsubscribedAt) return row;
    const [after] = await t.tx.update(subscribers).set({ unsubscribedAt: t.now, updatedAt: t.now }).where(eq(subscribers.id, id)).returning();
    return after!;
  });
}

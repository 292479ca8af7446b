import { eq } from 'drizzle-orm';
import { subscribers } from '../../db/schema.js';
import { inTransaction, type Ctx } from '../context.js';
import { checkComponentIds, lockSubscriber, type SubscriberRow } from './shared.js';

/** Chooses what a subscriber hears about: `componentIds` null = everything. */
export function updateSubscription(ctx: Ctx, id: string, input: { componentIds: string[] | null }): Promise<SubscriberRow> {
  return inTransaction(ctx, async (t) => {
    await lockSubscriber(t.tx, id);
    const componentIds = await checkComponentIds(t.tx, input.componentIds);
    const [after] = await t.tx.update(subscribers).set({ componentIds, updatedAt: t.now }).where(eq(subscribers.id, id)).returning();
    return after!;
  });
}

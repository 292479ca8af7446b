import { and, eq, inArray, isNotNull, lt, notExists, or, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { deliveries, outboxEvents } from '../../db/schema.js';
import { retentionCutoffs } from './retentionPolicy.js';

/**
 * Deletes what retentionPolicy.ts says has expired, in batches so a large backlog never holds one
 * long transaction. The SQL conditions are exactly deliveryExpired() and eventExpired().
 */
export async function pruneRetention(db: Db, now: Date, retentionDays: number, batch = 5000): Promise<{ deliveries: number; events: number }> {
  const c = retentionCutoffs(now, retentionDays);
  const expiredDelivery = or(and(eq(deliveries.status, 'delivered'), lt(deliveries.createdAt, c.before)), and(eq(deliveries.status, 'dead'), lt(deliveries.createdAt, c.deadBefore)));
  const expiredEvent = and(
    isNotNull(outboxEvents.dispatchedAt),
    lt(outboxEvents.createdAt, c.before),
    notExists(db.select({ one: sql`1` }).from(deliveries).where(eq(deliveries.eventId, outboxEvents.id))),
  );
  let removedDeliveries = 0;
  for (;;) {
    const ids = db.select({ id: deliveries.id }).from(deliveries).where(expiredDelivery).limit(batch);
    const gone = await db.delete(deliveries).where(inArray(deliveries.id, ids)).returning({ id: deliveries.id });
    removedDeliveries += gone.length;
    if (gone.length < batch) break;
  }
  let removedEvents = 0;
  for (;;) {
    const ids = db.select({ id: outboxEvents.id }).from(outboxEvents).where(expiredEvent).limit(batch);
    const gone = await db.delete(outboxEvents).where(inArray(outboxEvents.id, ids)).returning({ id: outboxEvents.id });
    removedEvents += gone.length;
    if (gone.length < batch) break;
  }
  return { deliveries: removedDeliveries, events: removedEvents };
}

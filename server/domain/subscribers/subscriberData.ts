import { asc, eq, and } from 'drizzle-orm';
import type { Executor } from '../../db/client.js';
import { deliveries, outboxEvents } from '../../db/schema.js';
import type { SubscriberRow } from './shared.js';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** Everything Beacon holds about one subscriber ("download my data"). */
export async function subscriberData(db: Executor, sub: SubscriberRow, now: Date) {
  const sent = await db
    .select({ status: deliveries.status, attempts: deliveries.attempts, createdAt: deliveries.createdAt, deliveredAt: deliveries.deliveredAt, type: outboxEvents.type })
    .from(deliveries)
    .leftJoin(outboxEvents, eq(outboxEvents.id, deliveries.eventId))
    .where(and(eq(deliveries.channel, 'email'), eq(deliveries.target, sub.id)))
    .orderBy(asc(deliveries.id));
  return {
    exported_at: now.toISOString(),
    subscriber: {
      email: sub.email,
      components: sub.componentIds,
      created_at: iso(sub.createdAt),
      confirmed_at: iso(sub.confirmedAt),
      unsubscribed_at: iso(sub.unsubscribedAt),
      updated_at: iso(sub.updatedAt),
    },
    emails: sent.map((d) => ({ about: d.type, status: d.status, attempts: d.attempts, queued_at: iso(d.createdAt), delivered_at: iso(d.deliveredAt) })),
  };
}

import { and, count, desc, eq, gt } from 'drizzle-orm';
import { deliveries, outboxEvents } from '../../db/schema.js';
import type { Db } from '../../db/client.js';
import type { Ctx } from '../context.js';
import { assertCan } from '../roles.js';

/** For the dashboard: dead letters, deliveries that failed and are being retried, and the latest dead ones. */
export async function deliveryHealth(ctx: Ctx, latest = 5) {
  assertCan(ctx.actor!.role, 'administer');
  const db = ctx.db as Db;
  const [dead] = await db.select({ n: count() }).from(deliveries).where(eq(deliveries.status, 'dead'));
  const [retrying] = await db.select({ n: count() }).from(deliveries).where(and(eq(deliveries.status, 'pending'), gt(deliveries.attempts, 0)));
  const recent = await db
    .select({ d: deliveries, type: outboxEvents.type })
    .from(deliveries)
    .innerJoin(outboxEvents, eq(outboxEvents.id, deliveries.eventId))
    .where(eq(deliveries.status, 'dead'))
    .orderBy(desc(deliveries.id))
    .limit(latest);
  return { dead: Number(dead?.n ?? 0), retrying: Number(retrying?.n ?? 0), recent };
}

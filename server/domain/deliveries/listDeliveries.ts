import { and, desc, eq, lt, type SQL } from 'drizzle-orm';
import { deliveries, outboxEvents } from '../../db/schema.js';
import type { Db } from '../../db/client.js';
import type { Ctx } from '../context.js';
import { assertCan } from '../roles.js';

export const deliveryStatusFilter = ['pending', 'delivered', 'dead'] as const;

/** Admin view of the delivery log, newest first, keyset-paged by id. */
export async function listDeliveries(ctx: Ctx, q: { status?: (typeof deliveryStatusFilter)[number]; channel?: string; before?: number; limit: number }) {
  assertCan(ctx.actor!.role, 'administer');
  const where: SQL[] = [];
  if (q.status) where.push(eq(deliveries.status, q.status));
  if (q.channel) where.push(eq(deliveries.channel, q.channel));
  if (q.before) where.push(lt(deliveries.id, q.before));
  const rows = await (ctx.db as Db)
    .select({ d: deliveries, type: outboxEvents.type })
    .from(deliveries)
    .innerJoin(outboxEvents, eq(outboxEvents.id, deliveries.eventId))
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(deliveries.id))
    .limit(q.limit + 1);
  const page = rows.slice(0, q.limit);
  return { rows: page, nextCursor: rows.length > q.limit ? page[page.length - 1]!.d.id : null };
}

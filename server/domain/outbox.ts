import { outboxEvents } from '../db/schema.js';
import type { TxCtx } from './context.js';

/** Side-effect intent, committed with the change; delivered after commit by the dispatcher. */
export async function recordEvent(ctx: TxCtx, type: string, payload: Record<string, unknown>): Promise<number> {
  const [row] = await ctx.tx
    .insert(outboxEvents)
    .values({ type, payload, createdAt: ctx.now })
    .returning({ id: outboxEvents.id });
  ctx.recorded?.push({ id: row!.id, type });
  return row!.id;
}

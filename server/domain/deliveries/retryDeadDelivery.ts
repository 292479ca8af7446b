import { retryDelivery } from '../../notify/dispatcher.js';
import { recordAudit } from '../audit.js';
import { inTransaction, type Ctx } from '../context.js';
import { notFound } from '../errors.js';
import { assertCan } from '../roles.js';

/** Admin puts a dead-lettered delivery back in the queue (after fixing SMTP, say). */
export async function retryDeadDelivery(ctx: Ctx, id: number) {
  assertCan(ctx.actor!.role, 'administer');
  return inTransaction(ctx, async (t) => {
    const row = await retryDelivery(t.tx, id, t.now);
    if (!row) throw notFound('Delivery', String(id));
    await recordAudit(t, { action: 'delivery.retry', subjectType: 'delivery', subjectId: String(id), after: { status: 'pending' } });
    return row;
  });
}

import { eq } from 'drizzle-orm';
import { webhookEndpoints } from '../../db/schema.js';
import { recordAudit } from '../audit.js';
import { inTransaction, type Ctx } from '../context.js';
import { notFound } from '../errors.js';
import { assertCan } from '../roles.js';
import { withoutSecret } from './createWebhook.js';

/** Pending deliveries to a deleted endpoint fail permanently when their turn comes. */
export async function deleteWebhook(ctx: Ctx, id: string): Promise<void> {
  assertCan(ctx.actor!.role, 'administer');
  await inTransaction(ctx, async (t) => {
    const [before] = await t.tx.delete(webhookEndpoints).where(eq(webhookEndpoints.id, id)).returning();
    if (!before) throw notFound('Webhook', id);
    await recordAudit(t, { action: 'webhook.delete', subjectType: 'webhook', subjectId: id, before: withoutSecret(before) });
  });
}

import { eq } from 'drizzle-orm';
import { webhookEndpoints } from '../../db/schema.js';
import { recordAudit } from '../audit.js';
import { inTransaction, type Ctx } from '../context.js';
import { notFound } from '../errors.js';
import { assertCan } from '../roles.js';
import { assertWebhookUrl, componentFilter, withoutSecret, type TargetPolicy, type WebhookInput, type WebhookRow } from './createWebhook.js';

/** Admins change an endpoint's URL, component filter, description or active flag (never the secret). */
export async function updateWebhook(ctx: Ctx, id: string, input: Partial<WebhookInput>, policy: TargetPolicy): Promise<WebhookRow> {
  assertCan(ctx.actor!.role, 'administer');
  if (input.url !== undefined) assertWebhookUrl(input.url, policy);
  return inTransaction(ctx, async (t) => {
    const [before] = await t.tx.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, id)).for('update');
    if (!before) throw notFound('Webhook', id);
    const [after] = await t.tx
      .update(webhookEndpoints)
      .set({
        ...(input.url !== undefined && { url: input.url }),
        ...(input.components !== undefined && { componentIds: await componentFilter(t.tx, input.components) }),
        ...(input.description !== undefined && { description: input.description }),
        ...(input.active !== undefined && { active: input.active }),
        updatedAt: t.now,
      })
      .where(eq(webhookEndpoints.id, id))
      .returning();
    await recordAudit(t, { action: 'webhook.update', subjectType: 'webhook', subjectId: id, before: withoutSecret(before), after: withoutSecret(after!) });
    return after!;
  });
}

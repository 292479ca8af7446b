import { eq } from 'drizzle-orm';
import { apiTokens } from '../../db/schema.js';
import { recordAudit } from '../audit.js';
import { inTransaction, type Ctx } from '../context.js';
import { notFound } from '../errors.js';
import { can } from '../roles.js';

/** Owners revoke their own tokens; admins revoke anyone's. Others get 404, not a hint it exists. */
export async function revokeApiToken(ctx: Ctx, id: string) {
  const actor = ctx.actor!;
  return inTransaction(ctx, async (t) => {
    const [row] = await t.tx.select().from(apiTokens).where(eq(apiTokens.id, id)).for('update');
    if (!row || (row.userId !== actor.id && !can(actor.role, 'administer'))) throw notFound('API token', id);
    if (row.revokedAt) return row;
    const [after] = await t.tx.update(apiTokens).set({ revokedAt: t.now }).where(eq(apiTokens.id, id)).returning();
    await recordAudit(t, { action: 'token.revoke', subjectType: 'api_token', subjectId: id, before: { revoked_at: null }, after: { revoked_at: t.now } });
    return after!;
  });
}

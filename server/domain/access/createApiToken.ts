import { apiTokens } from '../../db/schema.js';
import { recordAudit } from '../audit.js';
import { inTransaction, type Actor, type Ctx } from '../context.js';
import { newToken, sha256 } from '../secrets.js';

/** Issues an API token for `owner`. The secret is returned once; only its SHA-256 is stored. */
export async function createApiToken(ctx: Ctx, owner: Actor, input: { name: string }) {
  const token = newToken('bcn_');
  return inTransaction({ ...ctx, actor: ctx.actor ?? owner }, async (t) => {
    const [row] = await t.tx
      .insert(apiTokens)
      .values({ userId: owner.id, name: input.name.trim(), tokenHash: sha256(token), prefix: token.slice(0, 10), createdAt: t.now })
      .returning();
    await recordAudit(t, { action: 'token.create', subjectType: 'api_token', subjectId: row!.id, after: { name: row!.name, prefix: row!.prefix, user_id: owner.id } });
    return { token, row: row! };
  });
}

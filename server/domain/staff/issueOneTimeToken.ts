import { and, eq, isNull } from 'drizzle-orm';
import { oneTimeTokens } from '../../db/schema.js';
import type { TxCtx } from '../context.js';
import { newToken, sha256 } from '../secrets.js';
import type { LinkPurpose } from './consumeOneTimeToken.js';

/** Creates a one-time link secret (random unless given); only its hash is stored. */
export async function issueOneTimeToken(
  ctx: TxCtx,
  purpose: LinkPurpose,
  userId: string | null,
  ttlMs: number,
  token = newToken(''),
): Promise<string> {
  await ctx.tx.insert(oneTimeTokens).values({
    tokenHash: sha256(token),
    purpose,
    userId,
    createdAt: ctx.now,
    expiresAt: new Date(ctx.now.getTime() + ttlMs),
  });
  return token;
}

/** Every unused link of a person stops working: a newer link was sent, or the password was set. */
export async function retireLinksOf(ctx: TxCtx, userId: string): Promise<void> {
  await ctx.tx
    .update(oneTimeTokens)
    .set({ usedAt: ctx.now })
    .where(and(eq(oneTimeTokens.userId, userId), isNull(oneTimeTokens.usedAt)));
}

import { oneTimeTokens } from '../../db/schema.js';
import type { TxCtx } from '../context.js';
import { newToken, sha256 } from '../secrets.js';

/** Creates a one-time link secret; only its hash is stored. */
export async function issueOneTimeToken(
  ctx: TxCtx,
  purpose: 'setup' | 'set_password',
  userId: string | null,
  ttlMs: number,
): Promise<string> {
  const token = newToken('');
  await ctx.tx.insert(oneTimeTokens).values({
    tokenHash: sha256(token),
    purpose,
    userId,
    createdAt: ctx.now,
    expiresAt: new Date(ctx.now.getTime() + ttlMs),
  });
  return token;
}

import { and, eq, isNull } from 'drizzle-orm';
import { apiTokens, users } from '../../db/schema.js';
import type { Actor, Ctx } from '../context.js';
import { sha256 } from '../secrets.js';
import { toActor } from '../staff/userPresenterFields.js';

/** The staff member behind a bearer token; null when unknown, revoked or the owner is inactive. */
export async function resolveApiToken(ctx: Ctx, token: string): Promise<Actor | null> {
  const [row] = await ctx.db
    .select({ user: users, tokenId: apiTokens.id, lastUsedAt: apiTokens.lastUsedAt })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .where(and(eq(apiTokens.tokenHash, sha256(token)), isNull(apiTokens.revokedAt), eq(users.active, true)));
  if (!row) return null;
  // Record use at most once a minute so hot API clients do not write on every request.
  if (!row.lastUsedAt || ctx.now.getTime() - row.lastUsedAt.getTime() > 60_000) {
    await ctx.db.update(apiTokens).set({ lastUsedAt: ctx.now }).where(eq(apiTokens.id, row.tokenId));
  }
  return toActor(row.user);
}

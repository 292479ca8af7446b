import { and, eq, gt, inArray, isNull } from 'drizzle-orm';
import { oneTimeTokens } from '../../db/schema.js';
import type { Ctx, TxCtx } from '../context.js';
import { DomainError } from '../errors.js';
import { sha256 } from '../secrets.js';

const expired = () =>
  new DomainError('not_found', 'link_invalid', 'This link is invalid, already used or expired. Ask an admin for a new one.');

export type LinkPurpose = (typeof oneTimeTokens.$inferSelect)['purpose'];
const purposeIs = (p: LinkPurpose | LinkPurpose[]) => (Array.isArray(p) ? inArray(oneTimeTokens.purpose, p) : eq(oneTimeTokens.purpose, p));

/** Looks a link up without using it (to render its form). */
export async function findOneTimeToken(ctx: Ctx, token: string, purpose: LinkPurpose | LinkPurpose[]) {
  const [row] = await ctx.db
    .select()
    .from(oneTimeTokens)
    .where(
      and(
        eq(oneTimeTokens.tokenHash, sha256(token)),
        purposeIs(purpose),
        isNull(oneTimeTokens.usedAt),
        gt(oneTimeTokens.expiresAt, ctx.now),
      ),
    );
  if (!row) throw expired();
  return row;
}

/** Marks a link used inside the caller's transaction; a second use (even concurrent) fails. */
export async function consumeOneTimeToken(ctx: TxCtx, token: string, purpose: LinkPurpose | LinkPurpose[]) {
  const [row] = await ctx.tx
    .update(oneTimeTokens)
    .set({ usedAt: ctx.now })
    .where(
      and(
        eq(oneTimeTokens.tokenHash, sha256(token)),
        purposeIs(purpose),
        isNull(oneTimeTokens.usedAt),
        gt(oneTimeTokens.expiresAt, ctx.now),
      ),
    )
    .returning();
  if (!row) throw expired();
  return row;
}

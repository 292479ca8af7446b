import { and, eq, gt } from 'drizzle-orm';
import { sessions, users } from '../../db/schema.js';
import type { Actor, Ctx } from '../context.js';
import { sha256 } from '../secrets.js';
import { toActor } from '../staff/userPresenterFields.js';

/** The staff member behind a session cookie, or null if it is unknown, expired or the user is inactive. */
export async function resolveSession(ctx: Ctx, cookieValue: string): Promise<{ actor: Actor; idHash: string } | null> {
  const idHash = sha256(cookieValue);
  const [row] = await ctx.db
    .select({ user: users })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.idHash, idHash), gt(sessions.expiresAt, ctx.now), eq(users.active, true)));
  return row ? { actor: toActor(row.user), idHash } : null;
}

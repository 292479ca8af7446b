import { and, eq, gt } from 'drizzle-orm';
import { sessions, users } from '../../db/schema.js';
import type { Actor, Ctx } from '../context.js';
import { sha256 } from '../secrets.js';
import { toActor } from '../staff/userPresenterFields.js';
import type { SignInMethod } from '../staff/signInMethods.js';

export const LAST_SEEN_EVERY_MS = 60_000;

/** The staff member behind a session cookie, or null if it is unknown, expired or the user is inactive. */
export async function resolveSession(ctx: Ctx, cookieValue: string): Promise<{ actor: Actor; idHash: string; sessionId: string; signInMethod: SignInMethod } | null> {
  const idHash = sha256(cookieValue);
  const [row] = await ctx.db
    .select({ user: users, sessionId: sessions.id, lastSeenAt: sessions.lastSeenAt, signInMethod: sessions.signInMethod })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.idHash, idHash), gt(sessions.expiresAt, ctx.now), eq(users.active, true)));
  if (!row) return null;
  // "Last seen" moves at most once a minute, so a busy console does not write on every request.
  if (!row.lastSeenAt || ctx.now.getTime() - row.lastSeenAt.getTime() >= LAST_SEEN_EVERY_MS) {
    await ctx.db.update(sessions).set({ lastSeenAt: ctx.now }).where(eq(sessions.idHash, idHash));
  }
  return { actor: toActor(row.user), idHash, sessionId: row.sessionId, signInMethod: row.signInMethod };
}

import { and, desc, eq, gt } from 'drizzle-orm';
import { sessions } from '../../db/schema.js';
import type { Ctx } from '../context.js';

/** The actor's own console sessions that have not expired, newest first. */
export async function listSessions(ctx: Ctx) {
  return ctx.db
    .select()
    .from(sessions)
    .where(and(eq(sessions.userId, ctx.actor!.id), gt(sessions.expiresAt, ctx.now)))
    .orderBy(desc(sessions.createdAt));
}

import { eq } from 'drizzle-orm';
import { sessions, users } from '../../db/schema.js';
import { recordAudit } from '../audit.js';
import { inTransaction, type Ctx } from '../context.js';
import { notFound } from '../errors.js';
import { assertCan } from '../roles.js';

/** An admin signs a person out of the console everywhere (API tokens are revoked separately). */
export async function endSessionsOf(ctx: Ctx, userId: string): Promise<{ email: string; count: number }> {
  assertCan(ctx.actor!.role, 'administer');
  return inTransaction(ctx, async (t) => {
    const [user] = await t.tx.select().from(users).where(eq(users.id, userId));
    if (!user) throw notFound('User', userId);
    const ended = await t.tx.delete(sessions).where(eq(sessions.userId, userId)).returning({ id: sessions.id });
    await recordAudit(t, { action: 'session.end_all', subjectType: 'user', subjectId: userId, after: { sessions_ended: ended.length } });
    return { email: user.email, count: ended.length };
  });
}

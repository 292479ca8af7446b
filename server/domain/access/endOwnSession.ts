import { and, eq } from 'drizzle-orm';
import { sessions } from '../../db/schema.js';
import { recordAudit } from '../audit.js';
import { inTransaction, type Ctx } from '../context.js';
import { notFound } from '../errors.js';

/** A person ends one of their own console sessions; anyone else's id answers 404, as if unknown. */
export async function endOwnSession(ctx: Ctx, sessionId: string): Promise<void> {
  await inTransaction(ctx, async (t) => {
    const ended = await t.tx
      .delete(sessions)
      .where(and(eq(sessions.id, sessionId), eq(sessions.userId, t.actor!.id)))
      .returning({ id: sessions.id });
    if (!ended.length) throw notFound('Session', sessionId);
    await recordAudit(t, { action: 'session.end', subjectType: 'user', subjectId: t.actor!.id, after: { session_id: sessionId } });
  });
}

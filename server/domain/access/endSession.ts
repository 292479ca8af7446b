import { eq } from 'drizzle-orm';
import { sessions } from '../../db/schema.js';
import { recordAudit } from '../audit.js';
import { inTransaction, type Ctx } from '../context.js';
import { sha256 } from '../secrets.js';

export async function endSession(ctx: Ctx, cookieValue: string): Promise<void> {
  await inTransaction(ctx, async (t) => {
    const ended = await t.tx.delete(sessions).where(eq(sessions.idHash, sha256(cookieValue))).returning();
    if (ended.length) await recordAudit(t, { action: 'session.logout', subjectType: 'user', subjectId: ended[0]!.userId });
  });
}

import { eq } from 'drizzle-orm';
import { sessions, users } from '../../db/schema.js';
import { recordAudit } from '../audit.js';
import { inTransaction, type Ctx } from '../context.js';
import { hashPassword } from '../secrets.js';
import { consumeOneTimeToken } from './consumeOneTimeToken.js';
import { toActor } from './userPresenterFields.js';

/** An invited (or reset) staff member chooses a password from their one-time link. */
export async function setPasswordFromLink(ctx: Ctx, input: { token: string; password: string }) {
  const passwordHash = await hashPassword(input.password);
  return inTransaction(ctx, async (t) => {
    const link = await consumeOneTimeToken(t, input.token, 'set_password');
    const [user] = await t.tx
      .update(users)
      .set({ passwordHash, updatedAt: t.now })
      .where(eq(users.id, link.userId!))
      .returning();
    await t.tx.delete(sessions).where(eq(sessions.userId, user!.id));
    const actor = toActor(user!);
    await recordAudit({ ...t, actor }, { action: 'user.set_password', subjectType: 'user', subjectId: user!.id });
    return actor;
  });
}

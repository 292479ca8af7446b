import { eq } from 'drizzle-orm';
import { sessions, users } from '../../db/schema.js';
import { recordAudit } from '../audit.js';
import { inTransaction, type Ctx } from '../context.js';
import { hashPassword } from '../secrets.js';
import { assertPasswordSignInAllowed, type PasswordPolicy } from '../sso/passwordSignInPolicy.js';
import { consumeOneTimeToken, findOneTimeToken } from './consumeOneTimeToken.js';
import { retireLinksOf } from './issueOneTimeToken.js';
import { toActor } from './userPresenterFields.js';

/**
 * An invited (or reset) staff member chooses a password from their one-time link. Every session
 * of the person ends, and every other outstanding link of theirs stops working. Under "SSO enforced"
 * only break-glass admins may do this (the link signs them in); for everyone else nothing changes.
 */
export async function setPasswordFromLink(ctx: Ctx, input: { token: string; password: string }, passwordPolicy: PasswordPolicy) {
  const pending = await findOneTimeToken(ctx, input.token, ['set_password', 'reset_password']);
  const [owner] = await ctx.db.select({ email: users.email }).from(users).where(eq(users.id, pending.userId!));
  await assertPasswordSignInAllowed(ctx, passwordPolicy, owner?.email ?? '');
  const passwordHash = await hashPassword(input.password);
  return inTransaction(ctx, async (t) => {
    const link = await consumeOneTimeToken(t, input.token, ['set_password', 'reset_password']);
    const [user] = await t.tx
      .update(users)
      .set({ passwordHash, updatedAt: t.now })
      .where(eq(users.id, link.userId!))
      .returning();
    await retireLinksOf(t, user!.id);
    const ended = await t.tx.delete(sessions).where(eq(sessions.userId, user!.id)).returning({ id: sessions.id });
    const actor = toActor(user!);
    const action = link.purpose === 'reset_password' ? 'user.password_reset' : 'user.set_password';
    await recordAudit({ ...t, actor }, { action, subjectType: 'user', subjectId: user!.id, after: { sessions_ended: ended.length } });
    return actor;
  });
}

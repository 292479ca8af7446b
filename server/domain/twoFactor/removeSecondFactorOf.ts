import { eq } from 'drizzle-orm';
import { recoveryCodes, sessions, totpFactors, users } from '../../db/schema.js';
import { recordAudit } from '../audit.js';
import { inTransaction, type Ctx } from '../context.js';
import { notFound } from '../errors.js';
import { assertCan } from '../roles.js';

/**
 * An admin removes a person's second factor (a lost phone without recovery codes). Their sessions
 * end too, so the next sign-in is by password — and, under the policy, straight to enrolment.
 */
export async function removeSecondFactorOf(ctx: Ctx, userId: string): Promise<{ removed: boolean }> {
  assertCan(ctx.actor!.role, 'administer');
  return inTransaction(ctx, async (t) => {
    const [user] = await t.tx.select({ id: users.id }).from(users).where(eq(users.id, userId));
    if (!user) throw notFound('User', userId);
    const removed = await t.tx.delete(totpFactors).where(eq(totpFactors.userId, userId)).returning({ c: totpFactors.confirmedAt });
    await t.tx.delete(recoveryCodes).where(eq(recoveryCodes.userId, userId));
    const on = removed.some((r) => r.c);
    if (on) {
      await t.tx.delete(sessions).where(eq(sessions.userId, userId));
      await recordAudit(t, { action: 'two_factor.removed', subjectType: 'user', subjectId: userId, after: { factor: 'totp', by: 'admin' } });
    }
    return { removed: on };
  });
}

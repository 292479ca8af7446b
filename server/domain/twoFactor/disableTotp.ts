import { eq } from 'drizzle-orm';
import { recoveryCodes, totpFactors, users } from '../../db/schema.js';
import { recordAudit } from '../audit.js';
import { inTransaction, type Ctx } from '../context.js';
import { conflict, DomainError } from '../errors.js';
import { verifyPassword } from '../secrets.js';
import { hasSecondFactor } from './factorState.js';
import { verifySecondFactor } from './verifySecondFactor.js';

/**
 * Turning TOTP off takes the password and a current code (or a recovery code). Wrong codes count
 * toward the sign-in lock-out, so a borrowed session cannot guess its way through.
 */
export async function disableTotp(ctx: Ctx, key: Buffer, input: { password: string; code: string }): Promise<void> {
  const actor = ctx.actor!;
  if (!(await hasSecondFactor(ctx.db, actor.id))) throw conflict('two_factor_not_enrolled', 'Two-factor sign-in is not on.');
  const [user] = await ctx.db.select().from(users).where(eq(users.id, actor.id));
  if (!(await verifyPassword(input.password, user?.passwordHash ?? null))) {
    throw new DomainError('unauthenticated', 'reauthentication_failed', 'The password is not right; two-factor sign-in stays on.', { fields: [{ field: 'password', message: 'is not right' }] });
  }
  await verifySecondFactor(ctx, key, actor, input.code);
  await inTransaction(ctx, async (t) => {
    await t.tx.delete(totpFactors).where(eq(totpFactors.userId, actor.id));
    await t.tx.delete(recoveryCodes).where(eq(recoveryCodes.userId, actor.id));
    await recordAudit(t, { action: 'two_factor.removed', subjectType: 'user', subjectId: actor.id, after: { factor: 'totp' } });
  });
}

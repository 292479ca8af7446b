import { and, eq, isNotNull } from 'drizzle-orm';
import { recoveryCodes, totpFactors } from '../../db/schema.js';
import { recordAudit } from '../audit.js';
import { inTransaction, type Ctx } from '../context.js';
import { conflict, DomainError } from '../errors.js';
import { checkPassword } from '../staff/authenticate.js';
import { verifySecondFactor } from './verifySecondFactor.js';

/**
 * Turning TOTP off takes the password and a current code (or a recovery code). Wrong passwords and
 * wrong codes both count toward the sign-in lock-out, so a borrowed session cannot guess its way through.
 */
export async function disableTotp(ctx: Ctx, key: Buffer, input: { password: string; code: string; clientAddress: string }): Promise<void> {
  const actor = ctx.actor!;
  const [on] = await ctx.db.select({ userId: totpFactors.userId }).from(totpFactors).where(and(eq(totpFactors.userId, actor.id), isNotNull(totpFactors.confirmedAt)));
  if (!on) throw conflict('two_factor_not_enrolled', 'Two-factor sign-in with an authenticator app is not on.');
  if (!(await checkPassword(ctx, actor.email.trim().toLowerCase(), input.password, input.clientAddress))) {
    throw new DomainError('unauthenticated', 'reauthentication_failed', 'The password is not right; two-factor sign-in stays on.', { fields: [{ field: 'password', message: 'is not right' }] });
  }
  await verifySecondFactor(ctx, key, actor, input.code, input.clientAddress);
  await inTransaction(ctx, async (t) => {
    await t.tx.delete(totpFactors).where(eq(totpFactors.userId, actor.id));
    await t.tx.delete(recoveryCodes).where(eq(recoveryCodes.userId, actor.id));
    await recordAudit(t, { action: 'two_factor.removed', subjectType: 'user', subjectId: actor.id, after: { factor: 'totp' } });
  });
}

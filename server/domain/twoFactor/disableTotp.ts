import { eq, sql } from 'drizzle-orm';
import { recoveryCodes, totpFactors, users } from '../../db/schema.js';
import { recordAudit } from '../audit.js';
import { inTransaction, type Ctx } from '../context.js';
import { conflict, DomainError } from '../errors.js';
import { verifyPassword } from '../secrets.js';
import { useSecondFactor } from './useSecondFactor.js';

const refused = (field: string) =>
  new DomainError('unauthenticated', 'reauthentication_failed', 'The password or the code is not right; two-factor sign-in stays on.', { fields: [{ field, message: 'is not right' }] });

/** Turning TOTP off takes the password and a current code (or a recovery code). */
export async function disableTotp(ctx: Ctx, key: Buffer, input: { password: string; code: string }): Promise<void> {
  const actor = ctx.actor!;
  const [user] = await ctx.db.select().from(users).where(eq(users.id, actor.id));
  if (!(await verifyPassword(input.password, user?.passwordHash ?? null))) throw refused('password');
  await inTransaction(ctx, async (t) => {
    const [factor] = await t.tx.select({ c: totpFactors.confirmedAt }).from(totpFactors).where(eq(totpFactors.userId, actor.id));
    if (!factor?.c) throw conflict('two_factor_not_enrolled', 'Two-factor sign-in is not on.');
    if (!(await useSecondFactor(t, key, actor.id, input.code))) throw refused('code');
    await t.tx.delete(totpFactors).where(eq(totpFactors.userId, actor.id));
    await t.tx.delete(recoveryCodes).where(sql`${recoveryCodes.userId} = ${actor.id}`);
    await recordAudit(t, { action: 'two_factor.removed', subjectType: 'user', subjectId: actor.id, after: { factor: 'totp' } });
  });
}

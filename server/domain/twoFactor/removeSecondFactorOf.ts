import { eq } from 'drizzle-orm';
import { passkeys, recoveryCodes, sessions, totpFactors, users, webauthnChallenges } from '../../db/schema.js';
import { recordAudit } from '../audit.js';
import { inTransaction, type Ctx } from '../context.js';
import { notFound } from '../errors.js';
import { assertCan } from '../roles.js';

/**
 * An admin removes a person's second factors — TOTP and every passkey — (a lost phone or key
 * without recovery codes). Their sessions end too, so the next sign-in is by password — and, under the policy, straight to enrolment.
 */
export async function removeSecondFactorOf(ctx: Ctx, userId: string): Promise<{ removed: boolean }> {
  assertCan(ctx.actor!.role, 'administer');
  return inTransaction(ctx, async (t) => {
    const [user] = await t.tx.select({ id: users.id }).from(users).where(eq(users.id, userId));
    if (!user) throw notFound('User', userId);
    const totp = await t.tx.delete(totpFactors).where(eq(totpFactors.userId, userId)).returning({ c: totpFactors.confirmedAt });
    await t.tx.delete(recoveryCodes).where(eq(recoveryCodes.userId, userId));
    const keys = await t.tx.delete(passkeys).where(eq(passkeys.userId, userId)).returning({ id: passkeys.id, name: passkeys.name });
    await t.tx.delete(webauthnChallenges).where(eq(webauthnChallenges.userId, userId));
    const on = totp.some((r) => r.c) || keys.length > 0;
    if (totp.some((r) => r.c)) await recordAudit(t, { action: 'two_factor.removed', subjectType: 'user', subjectId: userId, after: { factor: 'totp', by: 'admin' } });
    for (const k of keys) await recordAudit(t, { action: 'passkey.removed', subjectType: 'user', subjectId: userId, after: { passkey_id: k.id, name: k.name, by: 'admin' } });
    if (on) await t.tx.delete(sessions).where(eq(sessions.userId, userId));
    return { removed: on };
  });
}

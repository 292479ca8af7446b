import { and, eq, isNull } from 'drizzle-orm';
import { recoveryCodes, totpFactors } from '../../db/schema.js';
import { recordAudit } from '../audit.js';
import type { TxCtx } from '../context.js';
import { sha256 } from '../secrets.js';
import { openSeed } from './beginTotpEnrolment.js';
import { canonicalRecoveryCode, matchTotp } from './totp.js';

/**
 * Spends a code inside the caller's transaction: a TOTP code moves the last used step forward (so
 * it cannot be replayed), a recovery code is marked used. False when neither matches.
 */
export async function useSecondFactor(t: TxCtx, key: Buffer, userId: string, code: string): Promise<'totp' | 'recovery_code' | null> {
  const [factor] = await t.tx.select().from(totpFactors).where(eq(totpFactors.userId, userId)).for('update');
  if (!factor?.confirmedAt) return null;
  const trimmed = code.trim();
  const step = matchTotp(openSeed(key, factor.secretSealed, userId), trimmed, t.now, factor.lastUsedStep);
  if (step !== null) {
    await t.tx.update(totpFactors).set({ lastUsedStep: step }).where(eq(totpFactors.userId, userId));
    return 'totp';
  }
  if (canonicalRecoveryCode(trimmed).length !== 16) return null;
  const [used] = await t.tx
    .update(recoveryCodes)
    .set({ usedAt: t.now })
    .where(and(eq(recoveryCodes.userId, userId), eq(recoveryCodes.codeHash, sha256(canonicalRecoveryCode(trimmed))), isNull(recoveryCodes.usedAt)))
    .returning({ id: recoveryCodes.id });
  if (!used) return null;
  await recordAudit(t, { action: 'two_factor.recovery_code_used', subjectType: 'user', subjectId: userId });
  return 'recovery_code';
}

import { eq } from 'drizzle-orm';
import { recoveryCodes, totpFactors } from '../../db/schema.js';
import { recordAudit } from '../audit.js';
import { inTransaction, type Ctx } from '../context.js';
import { conflict, invalid } from '../errors.js';
import { sha256 } from '../secrets.js';
import { openSeed } from './beginTotpEnrolment.js';
import { canonicalRecoveryCode, matchTotp, newRecoveryCodes } from './totp.js';

/**
 * A code from the app proves the seed was copied; only then does the factor take effect. Returns
 * ten recovery codes, shown once: only their hashes are kept.
 */
export async function confirmTotpEnrolment(ctx: Ctx, key: Buffer, code: string): Promise<string[]> {
  const actor = ctx.actor!;
  return inTransaction(ctx, async (t) => {
    const [factor] = await t.tx.select().from(totpFactors).where(eq(totpFactors.userId, actor.id)).for('update');
    if (!factor) throw conflict('two_factor_not_started', 'Start enrolment first: scan the QR code, then enter a code.');
    if (factor.confirmedAt) throw conflict('two_factor_enrolled', 'Two-factor sign-in is already on.');
    const step = matchTotp(openSeed(key, factor.secretSealed, actor.id), code.trim(), t.now, null);
    if (step === null) throw invalid('otp_invalid', 'That code does not match. Check the time on your phone and try the current code.', { fields: [{ field: 'code', message: 'does not match' }] });
    await t.tx.update(totpFactors).set({ confirmedAt: t.now, lastUsedStep: step }).where(eq(totpFactors.userId, actor.id));
    const codes = newRecoveryCodes();
    await t.tx.delete(recoveryCodes).where(eq(recoveryCodes.userId, actor.id));
    await t.tx.insert(recoveryCodes).values(codes.map((c) => ({ userId: actor.id, codeHash: sha256(canonicalRecoveryCode(c)), createdAt: t.now })));
    await recordAudit(t, { action: 'two_factor.enrolled', subjectType: 'user', subjectId: actor.id, after: { factor: 'totp', recovery_codes: codes.length } });
    return codes;
  });
}

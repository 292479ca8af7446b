import { eq } from 'drizzle-orm';
import { totpFactors } from '../../db/schema.js';
import { inTransaction, type Ctx } from '../context.js';
import { conflict, unavailable } from '../errors.js';
import { open, seal } from '../secretBox.js';
import { newTotpSecret, totpUri } from './totp.js';

export const sealContext = (userId: string) => `totp:${userId}`;

/** The clear seed of a person's factor; a key that changed since enrolment is a clear 503, not a crash. */
export function openSeed(key: Buffer, sealed: string, userId: string): string {
  try {
    return open(key, sealed, sealContext(userId));
  } catch {
    throw unavailable('secrets_key_mismatch', 'Two-factor codes cannot be checked: the secrets key changed since enrolment (SECRETS_KEY / DATA_DIR/secrets.key). Restore it, or have an admin remove the factor.');
  }
}

/**
 * Starts (or restarts) TOTP enrolment with a fresh seed, stored sealed and not yet in effect:
 * it counts only once confirmed with a code. Someone already enrolled must disable first.
 */
export async function beginTotpEnrolment(ctx: Ctx, key: Buffer, issuer: string): Promise<{ secret: string; uri: string }> {
  const actor = ctx.actor!;
  return inTransaction(ctx, async (t) => {
    const [existing] = await t.tx.select().from(totpFactors).where(eq(totpFactors.userId, actor.id)).for('update');
    if (existing?.confirmedAt) throw conflict('two_factor_enrolled', 'Two-factor sign-in is already on; disable it first to enrol a new device.');
    const secret = newTotpSecret();
    const row = { userId: actor.id, secretSealed: seal(key, secret, sealContext(actor.id)), createdAt: t.now, confirmedAt: null, lastUsedStep: null };
    await t.tx.insert(totpFactors).values(row).onConflictDoUpdate({ target: totpFactors.userId, set: row });
    return { secret, uri: totpUri(secret, actor.email, issuer) };
  });
}

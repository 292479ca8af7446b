import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import { eq } from 'drizzle-orm';
import { passkeys } from '../../db/schema.js';
import { recordAudit } from '../audit.js';
import type { TxCtx } from '../context.js';
import type { FactorAttempt } from '../twoFactor/secondFactorLockout.js';
import { spendChallenge } from './challenges.js';
import { challengeOf } from './credentialJson.js';
import { userHandleOf, type RelyingParty } from './relyingParty.js';
import { webauthn } from './webauthn.js';

export interface AssertionRules {
  step: 'second_factor' | 'sign_in';
  /** Whose passkey it must be. */
  ownerId: string;
  /** Passwordless: the device must have verified the person (PIN, biometrics). */
  requireUserVerification: boolean;
}

/**
 * Checks a passkey's signature inside the caller's transaction: the challenge (spent whatever the
 * outcome) must be live and issued for this step, the credential the owner's, the origin and RP ID
 * ours, and the signature counter must move forward (a counter going back means a cloned key).
 * On success the counter and last use are stored and the use is audited.
 */
export async function checkAssertion(t: TxCtx, rp: RelyingParty, response: AuthenticationResponseJSON, rules: AssertionRules): Promise<FactorAttempt<{ passkeyId: string }>> {
  const challenge = challengeOf(response);
  const boundTo = rules.step === 'second_factor' ? rules.ownerId : null;
  if (!(await spendChallenge(t.tx, t.now, challenge, rules.step, boundTo))) return { ok: false, reason: 'unknown_challenge' };
  const [passkey] = await t.tx.select().from(passkeys).where(eq(passkeys.credentialId, response.id)).for('update');
  if (!passkey || passkey.userId !== rules.ownerId) return { ok: false, reason: 'unknown_credential' };
  const handle = response.response.userHandle;
  if (handle && handle !== Buffer.from(userHandleOf(rules.ownerId)).toString('base64url')) return { ok: false, reason: 'user_handle_mismatch' };
  let newCounter: number;
  try {
    const verified = await (await webauthn()).verifyAuthenticationResponse({
      response,
      expectedChallenge: challenge,
      expectedOrigin: rp.origin,
      expectedRPID: rp.id,
      credential: { id: passkey.credentialId, publicKey: new Uint8Array(Buffer.from(passkey.publicKey, 'base64url')), counter: passkey.counter, transports: passkey.transports },
      requireUserVerification: rules.requireUserVerification,
    });
    if (!verified.verified) return { ok: false, reason: 'bad_signature' };
    newCounter = verified.authenticationInfo.newCounter;
  } catch (err) {
    return { ok: false, reason: (err as Error).message.slice(0, 300) };
  }
  await t.tx.update(passkeys).set({ counter: newCounter, lastUsedAt: t.now }).where(eq(passkeys.id, passkey.id));
  await recordAudit(t, { action: 'passkey.used', subjectType: 'user', subjectId: rules.ownerId, after: { passkey_id: passkey.id, name: passkey.name, step: rules.step } });
  return { ok: true, used: { passkeyId: passkey.id } };
}

import type { PublicKeyCredentialCreationOptionsJSON } from '@simplewebauthn/server';
import { eq } from 'drizzle-orm';
import { passkeys } from '../../db/schema.js';
import { inTransaction, type Ctx } from '../context.js';
import { CHALLENGE_TTL_MS, rememberChallenge } from './challenges.js';
import { userHandleOf, type RelyingParty } from './relyingParty.js';
import { webauthn } from './webauthn.js';

/**
 * What the browser needs to create a passkey for the signed-in person: a fresh one-time challenge,
 * their existing passkeys (so one authenticator is not enrolled twice), and a discoverable
 * credential (so it can later sign in without a password).
 */
export async function beginPasskeyEnrolment(ctx: Ctx, rp: RelyingParty): Promise<PublicKeyCredentialCreationOptionsJSON> {
  const actor = ctx.actor!;
  return inTransaction(ctx, async (t) => {
    const existing = await t.tx.select({ id: passkeys.credentialId, transports: passkeys.transports }).from(passkeys).where(eq(passkeys.userId, actor.id));
    const options = await (await webauthn()).generateRegistrationOptions({
      rpName: rp.name,
      rpID: rp.id,
      userName: actor.email,
      userDisplayName: actor.name,
      userID: userHandleOf(actor.id),
      attestationType: 'none',
      excludeCredentials: existing,
      authenticatorSelection: { residentKey: 'required', userVerification: 'preferred' },
      timeout: CHALLENGE_TTL_MS,
    });
    await rememberChallenge(t.tx, t.now, options.challenge, 'enrol', actor.id);
    return options;
  });
}

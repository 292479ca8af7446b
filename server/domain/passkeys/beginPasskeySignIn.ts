import type { PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import { eq } from 'drizzle-orm';
import { passkeys } from '../../db/schema.js';
import { inTransaction, type Ctx } from '../context.js';
import { countSignInAttempt } from '../staff/authenticate.js';
import { CHALLENGE_TTL_MS, rememberChallenge } from './challenges.js';
import type { RelyingParty } from './relyingParty.js';
import { webauthn } from './webauthn.js';

/**
 * A challenge for signing in with a passkey. As the second step (`userId` from the pending sign-in)
 * it names that person's passkeys; passwordless (`userId` null) the browser offers any passkey it
 * holds for this site, and the person must be verified on the device (PIN, biometrics). A
 * passwordless challenge counts as a sign-in attempt of the client address.
 */
export async function beginPasskeySignIn(ctx: Ctx, rp: RelyingParty, who: { userId: string } | { clientAddress: string; attemptsPerMinute: number }): Promise<PublicKeyCredentialRequestOptionsJSON> {
  if ('clientAddress' in who) await countSignInAttempt(ctx, who.clientAddress, who.attemptsPerMinute);
  const userId = 'userId' in who ? who.userId : null;
  return inTransaction(ctx, async (t) => {
    const allowCredentials = userId ? await t.tx.select({ id: passkeys.credentialId, transports: passkeys.transports }).from(passkeys).where(eq(passkeys.userId, userId)) : [];
    const options = await (await webauthn()).generateAuthenticationOptions({ rpID: rp.id, allowCredentials, userVerification: userId ? 'preferred' : 'required', timeout: CHALLENGE_TTL_MS });
    await rememberChallenge(t.tx, t.now, options.challenge, userId ? 'second_factor' : 'sign_in', userId);
    return options;
  });
}

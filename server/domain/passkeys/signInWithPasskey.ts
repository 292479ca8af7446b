import { eq } from 'drizzle-orm';
import { passkeys, users } from '../../db/schema.js';
import { inTransaction, type Actor, type Ctx } from '../context.js';
import { unauthenticated } from '../errors.js';
import { toActor } from '../staff/userPresenterFields.js';
import { attemptUnderLockout } from '../twoFactor/secondFactorLockout.js';
import { spendChallenge } from './challenges.js';
import { checkAssertion } from './checkAssertion.js';
import { challengeOf, parseAuthentication } from './credentialJson.js';
import { recordPasskeyFailure, refuseMalformed } from './recordPasskeyFailure.js';
import type { RelyingParty } from './relyingParty.js';

const REFUSED = 'That passkey was not accepted. Try again, or sign in with your password.';

/**
 * Passwordless sign-in: the passkey names its owner (a discoverable credential), and the device
 * must have verified them. Failures count toward the owner's lock-out like wrong codes; a passkey
 * unknown here (or an inactive account's) is refused the same way, with its challenge spent.
 */
export async function signInWithPasskey(ctx: Ctx, rp: RelyingParty, raw: string, client = ''): Promise<Actor> {
  const response = parseAuthentication(raw);
  if (!response) throw await refuseMalformed(ctx, null, 'sign_in');
  const [owner] = await ctx.db.select({ user: users }).from(passkeys).innerJoin(users, eq(users.id, passkeys.userId)).where(eq(passkeys.credentialId, response.id));
  if (!owner?.user.active) {
    await inTransaction(ctx, (t) => spendChallenge(t.tx, t.now, challengeOf(response), 'sign_in', null));
    await recordPasskeyFailure(ctx, { userId: null, step: 'sign_in', reason: 'unknown_credential' });
    throw unauthenticated(REFUSED, 'passkey_invalid');
  }
  const actor = toActor(owner.user);
  await attemptUnderLockout(ctx, actor, client, (t) => checkAssertion(t, rp, response, { step: 'sign_in', ownerId: actor.id, requireUserVerification: true }), {
    factor: 'passkey',
    code: 'passkey_invalid',
    message: REFUSED,
  });
  return actor;
}

import type { Actor, Ctx } from '../context.js';
import { attemptUnderLockout } from '../twoFactor/secondFactorLockout.js';
import { checkAssertion } from './checkAssertion.js';
import { parseAuthentication } from './credentialJson.js';
import { refuseMalformed } from './recordPasskeyFailure.js';
import type { RelyingParty } from './relyingParty.js';

/** A passkey as the second step after a correct password; failures count in the same lock-out as wrong codes. */
export async function verifyPasskeySecondFactor(ctx: Ctx, rp: RelyingParty, actor: Actor, raw: string, client = ''): Promise<void> {
  const response = parseAuthentication(raw);
  if (!response) throw await refuseMalformed(ctx, actor.id, 'second_factor');
  await attemptUnderLockout(ctx, actor, client, (t) => checkAssertion(t, rp, response, { step: 'second_factor', ownerId: actor.id, requireUserVerification: false }), {
    factor: 'passkey',
    code: 'passkey_invalid',
    message: 'That passkey was not accepted. Try again, or use another passkey or factor.',
  });
}

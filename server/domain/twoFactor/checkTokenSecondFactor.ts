import type { Actor, Ctx } from '../context.js';
import { DomainError, unauthenticated } from '../errors.js';
import { factorsOf, twoFactorRequired } from './factorState.js';
import { verifySecondFactor } from './verifySecondFactor.js';

/**
 * POST /api/v1/tokens with a password: an account with TOTP must also send `otp` (a current code
 * or a recovery code); one whose only factor is a passkey (which a program cannot present) creates
 * tokens in the console; under the "two-factor required" policy an account without a factor must
 * enrol in the console first. Existing tokens keep working either way.
 */
export async function checkTokenSecondFactor(ctx: Ctx, key: Buffer, actor: Actor, otp: string | undefined, client = ''): Promise<void> {
  const factors = await factorsOf(ctx.db, actor.id);
  if (factors.totp) {
    if (!otp) throw unauthenticated('This account uses two-factor sign-in: send the current code as "otp".', 'otp_required');
    await verifySecondFactor(ctx, key, actor, otp, client);
    return;
  }
  if (factors.passkeys > 0) {
    throw new DomainError('forbidden', 'passkey_account', 'This account signs in with a passkey, which the API cannot check: create the token on the console Tokens page.');
  }
  if (await twoFactorRequired(ctx.db)) {
    throw new DomainError('forbidden', 'two_factor_enrolment_required', 'Two-factor sign-in is required: set it up on the console Security page first.');
  }
}

import type { Actor, Ctx } from '../context.js';
import { DomainError, unauthenticated } from '../errors.js';
import { hasSecondFactor, twoFactorRequired } from './factorState.js';
import { verifySecondFactor } from './verifySecondFactor.js';

/**
 * POST /api/v1/tokens with a password: an account with a factor must also send `otp` (a current
 * code or a recovery code); under the "two-factor required" policy an account without one must
 * enrol in the console first. Existing tokens keep working either way.
 */
export async function checkTokenSecondFactor(ctx: Ctx, key: Buffer, actor: Actor, otp: string | undefined, client = ''): Promise<void> {
  if (await hasSecondFactor(ctx.db, actor.id)) {
    if (!otp) throw unauthenticated('This account uses two-factor sign-in: send the current code as "otp".', 'otp_required');
    await verifySecondFactor(ctx, key, actor, otp, client);
    return;
  }
  if (await twoFactorRequired(ctx.db)) {
    throw new DomainError('forbidden', 'two_factor_enrolment_required', 'Two-factor sign-in is required: set it up on the console Security page first.');
  }
}

import type { Actor, Ctx } from '../context.js';
import { attemptUnderLockout } from './secondFactorLockout.js';
import { useSecondFactor } from './useSecondFactor.js';

/**
 * The code step of a sign-in (console or POST /api/v1/tokens): a current TOTP code or a recovery
 * code, under the same lock-out as wrong passwords (secondFactorLockout.ts).
 */
export async function verifySecondFactor(ctx: Ctx, key: Buffer, actor: Actor, code: string, client = ''): Promise<'totp' | 'recovery_code'> {
  return attemptUnderLockout(
    ctx,
    actor,
    client,
    async (t) => {
      const kind = await useSecondFactor(t, key, actor.id, code);
      return kind ? { ok: true, used: kind } : { ok: false, reason: 'wrong_code' };
    },
    { factor: 'totp', code: 'otp_invalid', message: 'That code is not valid. Enter the current code from your app, or a recovery code.' },
  );
}

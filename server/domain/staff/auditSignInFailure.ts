import { recordAudit } from '../audit.js';
import { inTransaction, type Ctx } from '../context.js';

/**
 * A failed sign-in step (password, code or passkey) and, when it tripped the lock-out, the lock.
 * Committed on its own, since the caller goes on to refuse the request.
 */
export async function auditSignInFailure(
  ctx: Ctx,
  f: { email: string; userId: string | null; step: 'password' | 'second_factor'; failures: number; lockedUntil: Date | null; factor?: 'totp' | 'passkey'; reason?: string },
): Promise<void> {
  await inTransaction({ ...ctx, actor: null }, async (t) => {
    const after = { email: f.email, step: f.step, failures: f.failures, ...(f.factor === 'passkey' ? { factor: f.factor, reason: f.reason } : {}) };
    const action = f.step === 'password' ? 'session.login_failed' : f.factor === 'passkey' ? 'passkey.failed' : 'two_factor.failed';
    await recordAudit(t, { action, subjectType: 'user', subjectId: f.userId, after });
    if (f.lockedUntil) await recordAudit(t, { action: 'session.locked', subjectType: 'user', subjectId: f.userId, after: { ...after, locked_until: f.lockedUntil } });
  });
}

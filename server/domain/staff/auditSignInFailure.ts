import { recordAudit } from '../audit.js';
import { inTransaction, type Ctx } from '../context.js';

/**
 * A failed sign-in step (password or second factor) and, when it tripped the lock-out, the lock.
 * Committed on its own, since the caller goes on to refuse the request.
 */
export async function auditSignInFailure(
  ctx: Ctx,
  f: { email: string; userId: string | null; step: 'password' | 'second_factor'; failures: number; lockedUntil: Date | null },
): Promise<void> {
  await inTransaction({ ...ctx, actor: null }, async (t) => {
    const after = { email: f.email, step: f.step, failures: f.failures };
    await recordAudit(t, { action: f.step === 'password' ? 'session.login_failed' : 'two_factor.failed', subjectType: 'user', subjectId: f.userId, after });
    if (f.lockedUntil) await recordAudit(t, { action: 'session.locked', subjectType: 'user', subjectId: f.userId, after: { ...after, locked_until: f.lockedUntil } });
  });
}

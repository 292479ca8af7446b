import { eq } from 'drizzle-orm';
import { loginAttempts } from '../../db/schema.js';
import { inTransaction, type Actor, type Ctx } from '../context.js';
import { rateLimited, unauthenticated } from '../errors.js';
import { auditSignInFailure } from '../staff/auditSignInFailure.js';
import { LOCK_MS, MAX_FAILURES } from '../staff/authenticate.js';
import { useSecondFactor } from './useSecondFactor.js';

/**
 * The second step of a sign-in (console or POST /api/v1/tokens). Wrong codes count toward the same
 * lock-out as wrong passwords (five in a row lock the address for 30 s), and every failure and
 * lock is audited. On success the streak is cleared.
 */
export async function verifySecondFactor(ctx: Ctx, key: Buffer, actor: Actor, code: string): Promise<'totp' | 'recovery_code'> {
  const email = actor.email.trim().toLowerCase();
  const [attempt] = await ctx.db.select().from(loginAttempts).where(eq(loginAttempts.email, email));
  if (attempt?.lockedUntil && attempt.lockedUntil > ctx.now) {
    const seconds = Math.ceil((attempt.lockedUntil.getTime() - ctx.now.getTime()) / 1000);
    throw rateLimited(`Too many failed sign-in attempts. Try again in ${seconds} seconds.`, seconds);
  }
  const used = await inTransaction({ ...ctx, actor }, async (t) => {
    const kind = await useSecondFactor(t, key, actor.id, code);
    if (kind) await t.tx.delete(loginAttempts).where(eq(loginAttempts.email, email));
    return kind;
  });
  if (used) return used;

  const expired = attempt?.lockedUntil && attempt.lockedUntil <= ctx.now;
  const failures = (expired ? 0 : (attempt?.failures ?? 0)) + 1;
  const lockedUntil = failures >= MAX_FAILURES ? new Date(ctx.now.getTime() + LOCK_MS) : null;
  await ctx.db
    .insert(loginAttempts)
    .values({ email, failures, lockedUntil, lastFailureAt: ctx.now })
    .onConflictDoUpdate({ target: loginAttempts.email, set: { failures, lockedUntil, lastFailureAt: ctx.now } });
  await auditSignInFailure(ctx, { email, userId: actor.id, step: 'second_factor', failures, lockedUntil });
  throw unauthenticated('That code is not valid. Enter the current code from your app, or a recovery code.', 'otp_invalid');
}

import { and, eq, inArray } from 'drizzle-orm';
import { loginAttempts } from '../../db/schema.js';
import { inTransaction, type Actor, type Ctx } from '../context.js';
import { rateLimited, unauthenticated } from '../errors.js';
import { auditSignInFailure } from '../staff/auditSignInFailure.js';
import { LOCK_MS, MAX_FAILURES } from '../staff/authenticate.js';
import { useSecondFactor } from './useSecondFactor.js';

/**
 * The second step of a sign-in (console or POST /api/v1/tokens). Wrong codes count toward the same
 * lock-out as wrong passwords: five in a row lock the (account, client address) pair (both steps) for 30 s. They are
 * counted in their own row, which a correct password does not clear — only a correct code does —
 * so re-entering the password cannot buy more guesses. Every failure and lock is audited.
 */
export async function verifySecondFactor(ctx: Ctx, key: Buffer, actor: Actor, code: string, client = ''): Promise<'totp' | 'recovery_code'> {
  const email = actor.email.trim().toLowerCase();
  const streakKey = `second_factor:${email}`;
  const ours = and(inArray(loginAttempts.email, [email, streakKey]), eq(loginAttempts.clientAddress, client));
  const rows = await ctx.db.select().from(loginAttempts).where(ours);
  const lockedUntil = rows.map((r) => r.lockedUntil).find((until) => until && until > ctx.now);
  if (lockedUntil) {
    const seconds = Math.ceil((lockedUntil.getTime() - ctx.now.getTime()) / 1000);
    throw rateLimited(`Too many failed sign-in attempts. Try again in ${seconds} seconds.`, seconds);
  }
  const used = await inTransaction({ ...ctx, actor }, async (t) => {
    const kind = await useSecondFactor(t, key, actor.id, code);
    if (kind) await t.tx.delete(loginAttempts).where(ours);
    return kind;
  });
  if (used) return used;

  const streak = rows.find((r) => r.email === streakKey);
  const expired = streak?.lockedUntil && streak.lockedUntil <= ctx.now;
  const failures = (expired ? 0 : (streak?.failures ?? 0)) + 1;
  const lock = failures >= MAX_FAILURES ? new Date(ctx.now.getTime() + LOCK_MS) : null;
  const upsert = (rowKey: string, n: number) =>
    ctx.db
      .insert(loginAttempts)
      .values({ email: rowKey, clientAddress: client, failures: n, lockedUntil: lock, lastFailureAt: ctx.now })
      .onConflictDoUpdate({ target: [loginAttempts.email, loginAttempts.clientAddress], set: { failures: n, lockedUntil: lock, lastFailureAt: ctx.now } });
  await upsert(streakKey, failures);
  // The lock also closes the password step for the address.
  if (lock) await upsert(email, MAX_FAILURES);
  await auditSignInFailure(ctx, { email, userId: actor.id, step: 'second_factor', failures, lockedUntil: lock });
  throw unauthenticated('That code is not valid. Enter the current code from your app, or a recovery code.', 'otp_invalid');
}

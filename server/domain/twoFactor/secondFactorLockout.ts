import { and, eq, inArray } from 'drizzle-orm';
import { loginAttempts } from '../../db/schema.js';
import { inTransaction, type Actor, type Ctx, type TxCtx } from '../context.js';
import { rateLimited, unauthenticated } from '../errors.js';
import { auditSignInFailure } from '../staff/auditSignInFailure.js';
import { LOCK_MS, MAX_FAILURES } from '../staff/authenticate.js';

/** What an attempt at a factor found: the factor used, or why it failed (for the audit log). */
export type FactorAttempt<K> = { ok: true; used: K } | { ok: false; reason: string };

export interface FactorRefusal {
  factor: 'totp' | 'passkey';
  code: string;
  message: string;
}

/**
 * One attempt at a factor (a code, or a passkey as second step or on its own) under the sign-in
 * lock-out: five failures in a row lock the (account, client address) pair — both steps — for 30 s.
 * They are counted in their own row, which a correct password does not clear — only a correct
 * factor does — so re-entering the password cannot buy more tries. `attempt` runs in a transaction
 * that commits even when it fails (a challenge it spent stays spent). Every failure and lock is audited.
 */
export async function attemptUnderLockout<K>(ctx: Ctx, actor: Actor, client: string, attempt: (t: TxCtx) => Promise<FactorAttempt<K>>, refusal: FactorRefusal): Promise<K> {
  const email = actor.email.trim().toLowerCase();
  const streakKey = `second_factor:${email}`;
  const ours = and(inArray(loginAttempts.email, [email, streakKey]), eq(loginAttempts.clientAddress, client));
  const rows = await ctx.db.select().from(loginAttempts).where(ours);
  const lockedUntil = rows.map((r) => r.lockedUntil).find((until) => until && until > ctx.now);
  if (lockedUntil) {
    const seconds = Math.ceil((lockedUntil.getTime() - ctx.now.getTime()) / 1000);
    throw rateLimited(`Too many failed sign-in attempts. Try again in ${seconds} seconds.`, seconds);
  }
  const result = await inTransaction({ ...ctx, actor }, async (t) => {
    const r = await attempt(t);
    if (r.ok) await t.tx.delete(loginAttempts).where(ours);
    return r;
  });
  if (result.ok) return result.used;

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
  await auditSignInFailure(ctx, { email, userId: actor.id, step: 'second_factor', failures, lockedUntil: lock, factor: refusal.factor, reason: result.reason });
  throw unauthenticated(refusal.message, refusal.code);
}

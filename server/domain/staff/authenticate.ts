import { eq, sql } from 'drizzle-orm';
import { loginAttempts, users } from '../../db/schema.js';
import type { Ctx } from '../context.js';
import { rateLimited, unauthenticated } from '../errors.js';
import { verifyPassword } from '../secrets.js';
import { auditSignInFailure } from './auditSignInFailure.js';
import { toActor } from './userPresenterFields.js';
import type { Actor } from '../context.js';

export const MAX_FAILURES = 5;
export const LOCK_MS = 30_000;

const BAD_CREDENTIALS = 'Incorrect e-mail or password';

/**
 * Checks e-mail + password. Five failures in a row lock the address for 30 s (seed: login security);
 * the lock applies to unknown addresses too, and the message never says whether the address exists.
 */
export async function authenticate(ctx: Ctx, input: { email: string; password: string }): Promise<Actor> {
  const email = input.email.trim().toLowerCase();
  const [attempt] = await ctx.db.select().from(loginAttempts).where(eq(loginAttempts.email, email));
  if (attempt?.lockedUntil && attempt.lockedUntil > ctx.now) {
    const seconds = Math.ceil((attempt.lockedUntil.getTime() - ctx.now.getTime()) / 1000);
    throw rateLimited(`Too many failed sign-in attempts. Try again in ${seconds} seconds.`, seconds);
  }

  const [user] = await ctx.db.select().from(users).where(sql`lower(${users.email}) = ${email}`);
  const ok = await verifyPassword(input.password, user?.passwordHash ?? null);
  if (ok && user?.active) {
    await ctx.db.delete(loginAttempts).where(eq(loginAttempts.email, email));
    return toActor(user);
  }

  // A lock that has expired starts a fresh streak.
  const expired = attempt?.lockedUntil && attempt.lockedUntil <= ctx.now;
  const failures = (expired ? 0 : (attempt?.failures ?? 0)) + 1;
  const lockedUntil = failures >= MAX_FAILURES ? new Date(ctx.now.getTime() + LOCK_MS) : null;
  await ctx.db
    .insert(loginAttempts)
    .values({ email, failures, lockedUntil, lastFailureAt: ctx.now })
    .onConflictDoUpdate({
      target: loginAttempts.email,
      set: { failures, lockedUntil, lastFailureAt: ctx.now },
    });
  await auditSignInFailure(ctx, { email, userId: user?.id ?? null, step: 'password', failures, lockedUntil });
  throw unauthenticated(BAD_CREDENTIALS, 'invalid_credentials');
}

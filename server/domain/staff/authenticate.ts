import { and, eq, lt, sql } from 'drizzle-orm';
import { loginAttempts, users } from '../../db/schema.js';
import type { Ctx } from '../context.js';
import { rateLimited, unauthenticated } from '../errors.js';
import { hitWindow, retryAfterSeconds } from '../rateWindows.js';
import { verifyPassword } from '../secrets.js';
import { assertPasswordSignInAllowed, type PasswordPolicy } from '../sso/passwordSignInPolicy.js';
import { auditSignInFailure } from './auditSignInFailure.js';
import { toActor } from './userPresenterFields.js';
import type { Actor } from '../context.js';

export const MAX_FAILURES = 5;
export const LOCK_MS = 30_000;
export const CLIENT_WINDOW_MS = 60_000;
/** Failure streaks untouched this long are forgotten. */
const FORGET_STREAK_MS = 24 * 3600_000;

const BAD_CREDENTIALS = 'Incorrect e-mail or password';

export interface SignInInput {
  email: string;
  password: string;
  /** Who is asking (the HTTP layer's normalised client address); '' when unknown. */
  clientAddress: string;
}

export interface SignInLimits {
  /** Attempts one client address may make per minute, across all accounts. */
  attemptsPerMinute: number;
  /** Who may still use a password while "SSO enforced" is on. */
  passwordPolicy: PasswordPolicy;
}

/** One sign-in attempt (password or identity provider) from a client address; past `attemptsPerMinute`, 429. */
export async function countSignInAttempt(ctx: Ctx, clientAddress: string, attemptsPerMinute: number): Promise<void> {
  const window = await hitWindow(ctx.db, `sign_in:${clientAddress}`, CLIENT_WINDOW_MS, ctx.now);
  if (window.hits > attemptsPerMinute) {
    const seconds = retryAfterSeconds(window, ctx.now);
    throw rateLimited(`Too many sign-in attempts from your address. Try again in ${seconds} seconds.`, seconds);
  }
}

/**
 * Checks e-mail + password under two limits (seed: login security):
 * - per client address, across accounts: `attemptsPerMinute`, so one machine cannot spray guesses
 *   over many accounts;
 * - per (account, client address): five failures in a row lock that pair for 30 s. Keyed on the pair
 *   so wrong passwords sent from an attacker's address never lock the owner out of their own.
 * Both apply to unknown addresses exactly as to known ones, and the message never says whether an
 * address exists. Under the "SSO enforced" policy only break-glass admins get as far as the password.
 */
export async function authenticate(ctx: Ctx, input: SignInInput, limits: SignInLimits): Promise<Actor> {
  const email = input.email.trim().toLowerCase();
  const client = input.clientAddress;

  await countSignInAttempt(ctx, client, limits.attemptsPerMinute);
  await assertPasswordSignInAllowed(ctx, limits.passwordPolicy, email);

  const actor = await checkPassword(ctx, email, input.password, client);
  if (!actor) throw unauthenticated(BAD_CREDENTIALS, 'invalid_credentials');
  return actor;
}

/**
 * One password check under the (account, client address) lock-out: refuses while locked, clears
 * the streak when right, counts (and audits) a failure when wrong. Null when wrong. Shared by sign-in
 * and re-authentication (turning two-factor off), so a borrowed session cannot guess passwords either.
 */
export async function checkPassword(ctx: Ctx, email: string, password: string, client: string): Promise<Actor | null> {
  const key = and(eq(loginAttempts.email, email), eq(loginAttempts.clientAddress, client));
  const [attempt] = await ctx.db.select().from(loginAttempts).where(key);
  if (attempt?.lockedUntil && attempt.lockedUntil > ctx.now) {
    const seconds = Math.ceil((attempt.lockedUntil.getTime() - ctx.now.getTime()) / 1000);
    throw rateLimited(`Too many failed sign-in attempts. Try again in ${seconds} seconds.`, seconds);
  }

  const [user] = await ctx.db.select().from(users).where(sql`lower(${users.email}) = ${email}`);
  const ok = await verifyPassword(password, user?.passwordHash ?? null);
  if (ok && user?.active) {
    if (attempt) await ctx.db.delete(loginAttempts).where(key);
    return toActor(user);
  }

  // A lock that has expired starts a fresh streak.
  const expired = attempt?.lockedUntil && attempt.lockedUntil <= ctx.now;
  const failures = (expired ? 0 : (attempt?.failures ?? 0)) + 1;
  const lockedUntil = failures >= MAX_FAILURES ? new Date(ctx.now.getTime() + LOCK_MS) : null;
  await ctx.db
    .insert(loginAttempts)
    .values({ email, clientAddress: client, failures, lockedUntil, lastFailureAt: ctx.now })
    .onConflictDoUpdate({
      target: [loginAttempts.email, loginAttempts.clientAddress],
      set: { failures, lockedUntil, lastFailureAt: ctx.now },
    });
  await auditSignInFailure(ctx, { email, userId: user?.id ?? null, step: 'password', failures, lockedUntil });
  // Streaks are per (account, address): without this an attacker rotating addresses would grow the table forever.
  if (!attempt) await ctx.db.delete(loginAttempts).where(lt(loginAttempts.lastFailureAt, new Date(ctx.now.getTime() - FORGET_STREAK_MS)));
  return null;
}

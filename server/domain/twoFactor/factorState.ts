import { and, eq, isNotNull, isNull, sql } from 'drizzle-orm';
import { passkeys, recoveryCodes, settings, totpFactors } from '../../db/schema.js';
import { openSeed } from './beginTotpEnrolment.js';
import { totpUri } from './totp.js';
import type { Db, Executor } from '../../db/client.js';

export const POLICY_KEY = 'two_factor_required';

/** Which factors a person has: a confirmed TOTP app and how many passkeys. */
export async function factorsOf(db: Db | Executor, userId: string): Promise<{ totp: boolean; passkeys: number }> {
  const [totp] = await db.select({ userId: totpFactors.userId }).from(totpFactors).where(and(eq(totpFactors.userId, userId), isNotNull(totpFactors.confirmedAt)));
  const [{ n } = { n: 0 }] = await db.select({ n: sql<number>`count(*)::int` }).from(passkeys).where(eq(passkeys.userId, userId));
  return { totp: Boolean(totp), passkeys: n };
}

/** True when the person has a second factor: a confirmed TOTP app or a passkey. */
export async function hasSecondFactor(db: Db | Executor, userId: string): Promise<boolean> {
  const f = await factorsOf(db, userId);
  return f.totp || f.passkeys > 0;
}

/** The admin policy "two-factor required for all staff". */
export async function twoFactorRequired(db: Db | Executor): Promise<boolean> {
  const [row] = await db.select().from(settings).where(eq(settings.key, POLICY_KEY));
  return row?.value === true;
}

/** What the Security page shows: off, waiting for the first code (with the seed to scan), or on. */
export async function totpStatus(db: Db, key: Buffer, actor: { id: string; email: string }, issuer: string) {
  const [factor] = await db.select().from(totpFactors).where(eq(totpFactors.userId, actor.id));
  if (!factor) return { state: 'off' as const };
  if (factor.confirmedAt) {
    const [{ n } = { n: 0 }] = await db
      .select({ n: sql<number>`count(*)::int` })
      .from(recoveryCodes)
      .where(and(eq(recoveryCodes.userId, actor.id), isNull(recoveryCodes.usedAt)));
    return { state: 'on' as const, since: factor.confirmedAt, recoveryCodesLeft: n };
  }
  let secret: string;
  try {
    secret = openSeed(key, factor.secretSealed, actor.id);
  } catch {
    return { state: 'off' as const }; // an unconfirmed seed sealed under an older key: start over
  }
  return { state: 'pending' as const, secret, uri: totpUri(secret, actor.email, issuer) };
}

/** Ids of everyone with a second factor (the Staff page and GET /api/v1/users show it). */
export async function usersWithSecondFactor(db: Db): Promise<Set<string>> {
  const totp = await db.select({ userId: totpFactors.userId }).from(totpFactors).where(isNotNull(totpFactors.confirmedAt));
  const keys = await db.selectDistinct({ userId: passkeys.userId }).from(passkeys);
  return new Set([...totp, ...keys].map((r) => r.userId));
}

import { and, eq, lt } from 'drizzle-orm';
import type { Executor } from '../../db/client.js';
import { webauthnChallenges } from '../../db/schema.js';
import { sha256 } from '../secrets.js';

export const CHALLENGE_TTL_MS = 5 * 60_000;
export type ChallengePurpose = 'enrol' | 'second_factor' | 'sign_in';

/**
 * Keeps the hash of a challenge just handed to the browser. A person holds at most one live challenge
 * per purpose (a newer one replaces it); expired ones are swept here, so the table stays small.
 */
export async function rememberChallenge(tx: Executor, now: Date, challenge: string, purpose: ChallengePurpose, userId: string | null): Promise<void> {
  await tx.delete(webauthnChallenges).where(lt(webauthnChallenges.expiresAt, now));
  if (userId) await tx.delete(webauthnChallenges).where(and(eq(webauthnChallenges.userId, userId), eq(webauthnChallenges.purpose, purpose)));
  await tx.insert(webauthnChallenges).values({ challengeHash: sha256(challenge), purpose, userId, expiresAt: new Date(now.getTime() + CHALLENGE_TTL_MS) });
}

/** Spends a challenge: true once, before it expires, for the purpose and person it was issued to. Any presentation spends it. */
export async function spendChallenge(tx: Executor, now: Date, challenge: string, purpose: ChallengePurpose, userId: string | null): Promise<boolean> {
  const [row] = await tx.delete(webauthnChallenges).where(eq(webauthnChallenges.challengeHash, sha256(challenge))).returning();
  return Boolean(row && row.purpose === purpose && row.userId === userId && row.expiresAt > now);
}

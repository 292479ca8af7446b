import crypto from 'node:crypto';
import { and, eq, gt, sql } from 'drizzle-orm';
import { oneTimeTokens, users } from '../../db/schema.js';
import { recordAudit } from '../audit.js';
import { inTransaction, type Ctx } from '../context.js';
import { recordEvent } from '../outbox.js';
import { issueOneTimeToken, retireLinksOf } from './issueOneTimeToken.js';
import { RESET_EVENT, RESET_TTL_MS, RESETS_PER_HOUR, resetTokenOf } from './resetLinks.js';

/**
 * "Forgot password?": e-mails an active person a one-hour link that replaces any earlier one.
 * Returns nothing either way, so the caller cannot tell whether the address exists; unknown
 * addresses and throttled requests are audited and send nothing.
 */
export async function requestPasswordReset(ctx: Ctx, input: { email: string }, secret: string): Promise<void> {
  const email = input.email.trim().toLowerCase();
  await inTransaction(ctx, async (t) => {
    const [user] = await t.tx.select().from(users).where(sql`lower(${users.email}) = ${email}`).for('update');
    const audit = (outcome: string) =>
      recordAudit(t, { action: 'user.password_reset_requested', subjectType: 'user', subjectId: user?.id ?? null, after: { email, outcome } });
    if (!user || !user.active) return audit('unknown_or_inactive');
    const [{ n } = { n: 0 }] = await t.tx
      .select({ n: sql<number>`count(*)::int` })
      .from(oneTimeTokens)
      .where(and(eq(oneTimeTokens.userId, user.id), eq(oneTimeTokens.purpose, 'reset_password'), gt(oneTimeTokens.createdAt, new Date(t.now.getTime() - 3600_000))));
    if (n >= RESETS_PER_HOUR) return audit('throttled');
    await retireLinksOf(t, user.id);
    const nonce = crypto.randomBytes(18).toString('base64url');
    await issueOneTimeToken(t, 'reset_password', user.id, RESET_TTL_MS, resetTokenOf(secret, nonce));
    await recordEvent(t, RESET_EVENT, { user_id: user.id, nonce, expires_at: new Date(t.now.getTime() + RESET_TTL_MS).toISOString() });
    await audit('sent');
  });
}

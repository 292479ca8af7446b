import { eq } from 'drizzle-orm';
import { users } from '../../db/schema.js';
import { recordAudit } from '../audit.js';
import { inTransaction, type Ctx } from '../context.js';
import { notFound } from '../errors.js';
import { assertCan } from '../roles.js';
import { issueOneTimeToken, retireLinksOf } from './issueOneTimeToken.js';
import { RESET_TTL_MS } from './resetLinks.js';

/**
 * An admin hands a person a one-hour reset link (the path when e-mail is off, as with invitations).
 * Earlier links of that person stop working.
 */
export async function issuePasswordResetLink(ctx: Ctx, userId: string): Promise<string> {
  assertCan(ctx.actor!.role, 'administer');
  return inTransaction(ctx, async (t) => {
    const [user] = await t.tx.select().from(users).where(eq(users.id, userId)).for('update');
    if (!user) throw notFound('User', userId);
    await retireLinksOf(t, user.id);
    const token = await issueOneTimeToken(t, 'reset_password', user.id, RESET_TTL_MS);
    await recordAudit(t, { action: 'user.password_reset_issued', subjectType: 'user', subjectId: user.id });
    return token;
  });
}

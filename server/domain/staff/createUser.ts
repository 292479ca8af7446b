import { sql } from 'drizzle-orm';
import { users } from '../../db/schema.js';
import { recordAudit } from '../audit.js';
import { inTransaction, type Ctx } from '../context.js';
import { conflict } from '../errors.js';
import { assertCan, type Role } from '../roles.js';
import { hashPassword } from '../secrets.js';
import { issueOneTimeToken } from './issueOneTimeToken.js';
import { publicUserFields, type UserRow } from './userPresenterFields.js';

export const INVITE_TTL_MS = 7 * 24 * 3600_000;

/**
 * Admin adds a staff member. Without a password the result carries a one-time link for the person
 * to choose their own (the seed: passwords are never sent, people set them from a link).
 */
export async function createUser(
  ctx: Ctx,
  input: { email: string; name: string; role: Role; password?: string },
): Promise<{ user: UserRow; inviteToken: string | null }> {
  if (ctx.actor) assertCan(ctx.actor.role, 'administer');
  const passwordHash = input.password ? await hashPassword(input.password) : null;
  return inTransaction(ctx, async (t) => {
    const email = input.email.trim();
    const [existing] = await t.tx.select({ id: users.id }).from(users).where(sql`lower(${users.email}) = ${email.toLowerCase()}`);
    if (existing) throw conflict('email_taken', 'A staff member with that e-mail already exists', { field: 'email' });
    const [user] = await t.tx
      .insert(users)
      .values({ email, name: input.name.trim(), role: input.role, passwordHash, createdAt: t.now, updatedAt: t.now })
      .returning();
    const inviteToken = passwordHash ? null : await issueOneTimeToken(t, 'set_password', user!.id, INVITE_TTL_MS);
    await recordAudit(t, { action: 'user.create', subjectType: 'user', subjectId: user!.id, after: publicUserFields(user!) });
    return { user: user!, inviteToken };
  });
}

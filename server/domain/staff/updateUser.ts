import { eq, and, ne, sql } from 'drizzle-orm';
import { apiTokens, sessions, users } from '../../db/schema.js';
import { recordAudit } from '../audit.js';
import { inTransaction, type Ctx } from '../context.js';
import { notFound, ruleBroken } from '../errors.js';
import { assertCan, type Role } from '../roles.js';
import { publicUserFields } from './userPresenterFields.js';

/**
 * Admin changes a staff member's name, role or active flag. Deactivation or a role change ends the
 * person's console sessions at once (seed: access removed on role change or leaving).
 */
export async function updateUser(ctx: Ctx, id: string, input: { name?: string; role?: Role; active?: boolean }) {
  assertCan(ctx.actor!.role, 'administer');
  return inTransaction(ctx, async (t) => {
    const [before] = await t.tx.select().from(users).where(eq(users.id, id)).for('update');
    if (!before) throw notFound('User', id);
    const losesAdmin = before.role === 'admin' && before.active && (input.active === false || (input.role && input.role !== 'admin'));
    if (losesAdmin) {
      const [{ n } = { n: 0 }] = await t.tx
        .select({ n: sql<number>`count(*)::int` })
        .from(users)
        .where(and(eq(users.role, 'admin'), eq(users.active, true), ne(users.id, id)));
      if (n === 0) throw ruleBroken('last_admin', 'Beacon needs at least one active admin');
    }
    const [after] = await t.tx
      .update(users)
      .set({ ...input, updatedAt: t.now })
      .where(eq(users.id, id))
      .returning();
    const roleChanged = input.role !== undefined && input.role !== before.role;
    const deactivated = input.active === false && before.active;
    if (roleChanged || deactivated) await t.tx.delete(sessions).where(eq(sessions.userId, id));
    if (deactivated) await t.tx.update(apiTokens).set({ revokedAt: t.now }).where(and(eq(apiTokens.userId, id), sql`revoked_at is null`));
    await recordAudit(t, { action: 'user.update', subjectType: 'user', subjectId: id, before: publicUserFields(before), after: publicUserFields(after!) });
    return after!;
  });
}

import { sql } from 'drizzle-orm';
import { users } from '../../db/schema.js';
import { recordAudit } from '../audit.js';
import { inTransaction, type Ctx } from '../context.js';
import { conflict } from '../errors.js';
import { hashPassword } from '../secrets.js';
import { consumeOneTimeToken } from './consumeOneTimeToken.js';
import { publicUserFields, toActor } from './userPresenterFields.js';

/** The one-time setup link creates the first admin; it works only while no admin exists. */
export async function completeSetup(ctx: Ctx, input: { token: string; email: string; name: string; password: string }) {
  const passwordHash = await hashPassword(input.password);
  return inTransaction(ctx, async (t) => {
    await consumeOneTimeToken(t, input.token, 'setup');
    const [{ n } = { n: 0 }] = await t.tx.select({ n: sql<number>`count(*)::int` }).from(users).where(sql`role = 'admin'`);
    if (n > 0) throw conflict('already_set_up', 'Beacon already has an admin; sign in instead.');
    const [user] = await t.tx
      .insert(users)
      .values({ email: input.email.trim(), name: input.name.trim(), role: 'admin', passwordHash, createdAt: t.now, updatedAt: t.now })
      .returning();
    const actor = toActor(user!);
    await recordAudit({ ...t, actor }, { action: 'setup.first_admin', subjectType: 'user', subjectId: user!.id, after: publicUserFields(user!) });
    return actor;
  });
}

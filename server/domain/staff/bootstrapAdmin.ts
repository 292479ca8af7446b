import { sql } from 'drizzle-orm';
import { users } from '../../db/schema.js';
import { recordAudit } from '../audit.js';
import { inTransaction, type Ctx } from '../context.js';
import { hashPassword } from '../secrets.js';
import { issueOneTimeToken } from './issueOneTimeToken.js';
import { publicUserFields } from './userPresenterFields.js';

export const SETUP_TTL_MS = 24 * 3600_000;

export type BootstrapOutcome =
  | { kind: 'users_exist' }
  | { kind: 'admin_created'; email: string }
  | { kind: 'setup_link'; token: string };

/**
 * On an empty database: create the admin named by BOOTSTRAP_ADMIN_*, or issue a one-time setup link.
 * Does nothing once any user exists. Runs under a transaction-level advisory lock so two instances
 * starting together cannot both create an admin.
 */
export async function bootstrapAdmin(ctx: Ctx, env: { email?: string; password?: string }): Promise<BootstrapOutcome> {
  const passwordHash = env.email && env.password ? await hashPassword(env.password) : null;
  return inTransaction(ctx, async (t) => {
    await t.tx.execute(sql`select pg_advisory_xact_lock(4211978)`);
    const [{ n } = { n: 0 }] = await t.tx.select({ n: sql<number>`count(*)::int` }).from(users);
    if (n > 0) return { kind: 'users_exist' };
    if (env.email && passwordHash) {
      const [user] = await t.tx
        .insert(users)
        .values({ email: env.email, name: 'Administrator', role: 'admin', passwordHash, createdAt: t.now, updatedAt: t.now })
        .returning();
      await recordAudit(t, { action: 'setup.bootstrap_admin', subjectType: 'user', subjectId: user!.id, after: publicUserFields(user!) });
      return { kind: 'admin_created', email: env.email };
    }
    return { kind: 'setup_link', token: await issueOneTimeToken(t, 'setup', null, SETUP_TTL_MS) };
  });
}

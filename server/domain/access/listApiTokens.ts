import { desc, eq } from 'drizzle-orm';
import { apiTokens, users } from '../../db/schema.js';
import type { Ctx } from '../context.js';
import { can } from '../roles.js';

/** Own tokens; admins may ask for everyone's. */
export async function listApiTokens(ctx: Ctx, opts: { all?: boolean } = {}) {
  const actor = ctx.actor!;
  const everyone = opts.all && can(actor.role, 'administer');
  const q = ctx.db
    .select({ token: apiTokens, ownerEmail: users.email })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .orderBy(desc(apiTokens.createdAt));
  return everyone ? q : q.where(eq(apiTokens.userId, actor.id));
}

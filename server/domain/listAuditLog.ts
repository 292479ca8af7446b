import { desc, lt } from 'drizzle-orm';
import { auditLog } from '../db/schema.js';
import type { Ctx } from './context.js';
import { assertCan } from './roles.js';

/** Newest first, keyset-paged by id (`before` = the last id of the previous page). */
export async function listAuditLog(ctx: Ctx, opts: { before?: number; limit: number }) {
  assertCan(ctx.actor!.role, 'administer');
  const rows = await ctx.db
    .select()
    .from(auditLog)
    .where(opts.before ? lt(auditLog.id, opts.before) : undefined)
    .orderBy(desc(auditLog.id))
    .limit(opts.limit + 1);
  const more = rows.length > opts.limit;
  const page = rows.slice(0, opts.limit);
  return { entries: page, nextCursor: more ? page[page.length - 1]!.id : null };
}

import { asc, notLike } from 'drizzle-orm';
import { users } from '../../db/schema.js';
import type { Ctx } from '../context.js';
import { assertCan } from '../roles.js';

export async function listUsers(ctx: Ctx) {
  assertCan(ctx.actor!.role, 'read');
  // Deleted accounts stay as rows (their work keeps an author) but are nobody to manage.
  return ctx.db.select().from(users).where(notLike(users.email, '%@deleted.invalid')).orderBy(asc(users.email));
}

import { asc } from 'drizzle-orm';
import { users } from '../../db/schema.js';
import type { Ctx } from '../context.js';
import { assertCan } from '../roles.js';

export async function listUsers(ctx: Ctx) {
  assertCan(ctx.actor!.role, 'read');
  return ctx.db.select().from(users).orderBy(asc(users.email));
}

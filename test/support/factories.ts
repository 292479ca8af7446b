import crypto from 'node:crypto';
import { users } from '../../server/db/schema.js';
import { createApiToken } from '../../server/domain/access/createApiToken.js';
import type { Actor } from '../../server/domain/context.js';
import type { Role } from '../../server/domain/roles.js';
import { hashPassword } from '../../server/domain/secrets.js';
import { toActor } from '../../server/domain/staff/userPresenterFields.js';
import { testDatabase } from './db.js';

export const PASSWORD = 'correct horse battery';
let cachedHash: string | null = null;

/** A staff member with a known password and an API token. */
export async function staff(role: Role, now = new Date('2026-11-29T12:00:00Z')): Promise<{ actor: Actor; token: string; email: string }> {
  const { db } = await testDatabase();
  cachedHash ??= await hashPassword(PASSWORD);
  const email = `${role}-${crypto.randomBytes(4).toString('hex')}@example.com`;
  const [user] = await db
    .insert(users)
    .values({ email, name: `${role[0]!.toUpperCase()}${role.slice(1)} Person`, role, passwordHash: cachedHash, createdAt: now, updatedAt: now })
    .returning();
  const actor = toActor(user!);
  const { token } = await createApiToken({ db, now, actor }, actor, { name: 'test' });
  return { actor, token, email };
}

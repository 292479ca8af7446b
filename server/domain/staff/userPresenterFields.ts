import type { users } from '../../db/schema.js';
import type { Actor } from '../context.js';

export type UserRow = typeof users.$inferSelect;

export function toActor(u: UserRow): Actor {
  return { id: u.id, email: u.email, name: u.name, role: u.role };
}

/** The fields of a user that may appear in audit entries and API responses. */
export function publicUserFields(u: UserRow) {
  return { id: u.id, email: u.email, name: u.name, role: u.role, active: u.active };
}

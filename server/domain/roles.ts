import { forbidden } from './errors.js';

export const roles = ['admin', 'regular', 'observer'] as const;
export type Role = (typeof roles)[number];

/**
 * What each role may do. Observers read everything staff-side; regular staff also drive incidents
 * and maintenance; admins also manage people, settings, components and policy.
 */
export type Permission = 'read' | 'operate' | 'administer';

const grants: Record<Role, readonly Permission[]> = {
  observer: ['read'],
  regular: ['read', 'operate'],
  admin: ['read', 'operate', 'administer'],
};

export function can(role: Role, permission: Permission): boolean {
  return grants[role].includes(permission);
}

export function assertCan(role: Role, permission: Permission): void {
  if (!can(role, permission)) throw forbidden();
}

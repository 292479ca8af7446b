import type { apiTokens, auditLog, sessions, users } from '../db/schema.js';
import { iso } from './iso.js';


/** `twoFactor`, when known, says whether the person has a confirmed second factor. */
export function presentUser(u: typeof users.$inferSelect, twoFactor?: boolean) {
  return {
    ...(twoFactor === undefined ? {} : { two_factor: twoFactor }),
    id: u.id,
    email: u.email,
    name: u.name,
    role: u.role,
    active: u.active,
    has_password: Boolean(u.passwordHash),
    created_at: iso(u.createdAt),
    updated_at: iso(u.updatedAt),
  };
}

export function presentToken(t: typeof apiTokens.$inferSelect, ownerEmail?: string) {
  return {
    id: t.id,
    name: t.name,
    prefix: t.prefix,
    user_id: t.userId,
    ...(ownerEmail ? { owner_email: ownerEmail } : {}),
    created_at: iso(t.createdAt),
    last_used_at: iso(t.lastUsedAt),
    revoked_at: iso(t.revokedAt),
  };
}

export function presentAuditEntry(a: typeof auditLog.$inferSelect) {
  return {
    id: a.id,
    at: iso(a.at),
    actor: a.actorId ? { id: a.actorId, email: a.actorEmail } : null,
    action: a.action,
    subject_type: a.subjectType,
    subject_id: a.subjectId,
    before: a.before,
    after: a.after,
    request_id: a.requestId,
  };
}

/** A console session as its owner sees it; `current` marks the one making the request. */
/** A passkey as its owner sees it on the Security page: a name and dates, never a key. */
export function presentPasskey(p: { id: string; name: string; createdAt: Date; lastUsedAt: Date | null }) {
  return { id: p.id, name: p.name, created_at: iso(p.createdAt), last_used_at: iso(p.lastUsedAt) };
}

export function presentSession(s: typeof sessions.$inferSelect, currentId?: string) {
  return {
    id: s.id,
    current: s.id === currentId,
    created_at: iso(s.createdAt),
    last_seen_at: iso(s.lastSeenAt),
    expires_at: iso(s.expiresAt),
    user_agent: s.userAgent,
  };
}

import { asc, desc, eq, or, and } from 'drizzle-orm';
import type { Executor } from '../../db/client.js';
import { apiTokens, auditLog, incidentEvents, incidentUpdates, incidents, maintenances, notices, passkeys, sessions, users } from '../../db/schema.js';
import { exportRecord } from '../export/exportKinds.js';
import { notFound } from '../errors.js';

/**
 * "Download my data" for staff: the profile, sessions, tokens and passkeys (metadata only — never a
 * hash or a key),
 * audit entries by or about them, and what they wrote.
 */
export async function staffData(db: Executor, userId: string, now: Date) {
  const [user] = await db.select().from(users).where(eq(users.id, userId));
  if (!user) throw notFound('User', userId);
  const rows = <T extends Record<string, unknown>>(list: T[]) => list.map((r) => exportRecord(r));
  return {
    exported_at: now.toISOString(),
    profile: { id: user.id, email: user.email, name: user.name, role: user.role, active: user.active, created_at: user.createdAt.toISOString(), updated_at: user.updatedAt.toISOString() },
    sessions: rows(await db.select({ createdAt: sessions.createdAt, expiresAt: sessions.expiresAt }).from(sessions).where(eq(sessions.userId, userId)).orderBy(asc(sessions.createdAt))),
    api_tokens: rows(await db.select({ id: apiTokens.id, name: apiTokens.name, prefix: apiTokens.prefix, createdAt: apiTokens.createdAt, lastUsedAt: apiTokens.lastUsedAt, revokedAt: apiTokens.revokedAt }).from(apiTokens).where(eq(apiTokens.userId, userId)).orderBy(asc(apiTokens.createdAt))),
    passkeys: rows(await db.select({ id: passkeys.id, name: passkeys.name, createdAt: passkeys.createdAt, lastUsedAt: passkeys.lastUsedAt }).from(passkeys).where(eq(passkeys.userId, userId)).orderBy(asc(passkeys.createdAt))),
    audit_entries: rows(await db.select().from(auditLog).where(or(eq(auditLog.actorId, userId), and(eq(auditLog.subjectType, 'user'), eq(auditLog.subjectId, userId)))).orderBy(desc(auditLog.id))),
    wrote: {
      incident_updates: rows(await db.select().from(incidentUpdates).where(eq(incidentUpdates.authorId, userId)).orderBy(asc(incidentUpdates.createdAt))),
      incident_timeline: rows(await db.select().from(incidentEvents).where(eq(incidentEvents.actorId, userId)).orderBy(asc(incidentEvents.id))),
      incidents_owned: rows(await db.select({ id: incidents.id, title: incidents.title, reportedAt: incidents.reportedAt }).from(incidents).where(eq(incidents.ownerId, userId))),
      notices: rows(await db.select().from(notices).where(eq(notices.createdBy, userId))),
      maintenances: rows(await db.select({ id: maintenances.id, title: maintenances.title, body: maintenances.body, createdAt: maintenances.createdAt }).from(maintenances).where(eq(maintenances.createdBy, userId))),
    },
  };
}

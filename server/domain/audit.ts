import { auditLog } from '../db/schema.js';
import type { TxCtx } from './context.js';

const HIDDEN = new Set(['passwordHash', 'password_hash', 'tokenHash', 'token_hash', 'password', 'token', 'idHash']);

/** Drops secret fields so hashes and passwords never reach the audit log. */
function scrub(value: unknown): unknown {
  if (value === null || value === undefined) return value ?? null;
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(scrub);
  if (typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([k]) => !HIDDEN.has(k))
        .map(([k, v]) => [k, scrub(v)]),
    );
  }
  return value;
}

export interface AuditEntry {
  action: string;
  subjectType: string;
  subjectId?: string | null;
  before?: unknown;
  after?: unknown;
}

/** Written inside the verb's transaction, so a change and its history commit or fail together. */
export async function recordAudit(ctx: TxCtx, entry: AuditEntry): Promise<void> {
  await ctx.tx.insert(auditLog).values({
    at: ctx.now,
    actorId: ctx.actor?.id ?? null,
    actorEmail: ctx.actor?.email ?? null,
    action: entry.action,
    subjectType: entry.subjectType,
    subjectId: entry.subjectId ?? null,
    before: scrub(entry.before ?? null),
    after: scrub(entry.after ?? null),
    requestId: ctx.requestId ?? null,
  });
}

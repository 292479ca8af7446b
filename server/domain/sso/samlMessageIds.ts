import { and, eq, gt, isNull, lte } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { samlMessageIds } from '../../db/schema.js';

/**
 * The SAML ids Beacon remembers in the database, so every instance (and one restarted in between)
 * sees the same: AuthnRequests it sent, which a response must answer once, and assertions it
 * accepted, which never count twice. Rows past their expiry are pruned whenever one is added.
 */

async function prune(db: Db, now: Date) {
  await db.delete(samlMessageIds).where(lte(samlMessageIds.expiresAt, now));
}

/** An AuthnRequest just sent; `issuedAt` is its IssueInstant as written. */
export async function rememberSamlRequest(db: Db, id: string, issuedAt: string, now: Date, lifetimeMs: number): Promise<void> {
  await prune(db, now);
  await db.insert(samlMessageIds).values({ kind: 'request', id, issuedAt, expiresAt: new Date(now.getTime() + lifetimeMs) });
}

const request = (id: string) => and(eq(samlMessageIds.kind, 'request'), eq(samlMessageIds.id, id));

/** The IssueInstant of a request still waiting for its answer (sent, unexpired, unanswered), else null. */
export async function pendingSamlRequest(db: Db, id: string, now: Date): Promise<string | null> {
  const [row] = await db
    .select({ issuedAt: samlMessageIds.issuedAt })
    .from(samlMessageIds)
    .where(and(request(id), isNull(samlMessageIds.usedAt), gt(samlMessageIds.expiresAt, now)));
  return row?.issuedAt ?? null;
}

/** A response answering the request arrived (valid or not): the request cannot be answered again. */
export async function markSamlRequestAnswered(db: Db, id: string, now: Date): Promise<void> {
  await db.update(samlMessageIds).set({ usedAt: now }).where(and(request(id), isNull(samlMessageIds.usedAt)));
}

/** Whether this request was sent and already answered: a response naming it again is a replay. */
export async function samlRequestAnswered(db: Db, id: string): Promise<boolean> {
  const [row] = await db.select({ usedAt: samlMessageIds.usedAt }).from(samlMessageIds).where(request(id));
  return Boolean(row?.usedAt);
}

/**
 * Accepts an assertion id once: true the first time, false ever after (until it expires, after which
 * the assertion itself is too old to be accepted). One insert, so two instances racing on the same
 * assertion cannot both win.
 */
export async function claimSamlAssertion(db: Db, id: string, issuedAt: string, now: Date, expiresAt: Date): Promise<boolean> {
  await prune(db, now);
  const rows = await db
    .insert(samlMessageIds)
    .values({ kind: 'assertion', id, issuedAt, expiresAt, usedAt: now })
    .onConflictDoNothing()
    .returning({ id: samlMessageIds.id });
  return rows.length === 1;
}

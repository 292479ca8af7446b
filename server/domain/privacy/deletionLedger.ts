import { and, asc, eq, gt, sql } from 'drizzle-orm';
import type { Executor } from '../../db/client.js';
import { deletionLedger } from '../../db/schema.js';

/**
 * The deletion ledger: one row per personal-data deletion, holding the kind of subject and a hash of
 * its key — never the deleted data — so that a restore from an older backup can delete it again.
 */

// Subjects are named by the keyed hash of their e-mail address (subjectHash.ts): without the
// session secret the ledger cannot be matched against a list of addresses.

export interface DeletionEntry {
  kind: string;
  subjectHash: string;
  /** When the person asked (defaults to `at`). */
  requestedAt?: Date;
}

/** Records a deletion in the same transaction as the deletion itself. */
export async function recordDeletion(tx: Executor, entry: DeletionEntry, at: Date): Promise<void> {
  await tx.insert(deletionLedger).values({ kind: entry.kind, subjectHash: entry.subjectHash, requestedAt: entry.requestedAt ?? at, appliedAt: at });
}

/** Deletes whatever a ledger entry names, again; must be idempotent (the subject may already be gone). */
export type ReapplyHandler = (tx: Executor, subjectHash: string, ctx: { hashOf: (email: string) => string; now: Date }) => Promise<void>;

const handlers = new Map<string, ReapplyHandler>();

/** Each kind of deletion registers how to apply it again; an unknown kind fails a restore loudly. */
export function registerReapply(kind: string, handler: ReapplyHandler): void {
  handlers.set(kind, handler);
}


export class UnknownDeletionKindError extends Error {}

/**
 * Applies again every deletion recorded after `takenAt` (a backup's time); returns how many.
 * Runs inside the restore's transaction, before Beacon serves the restored data.
 */
export async function applyLedgerSince(tx: Executor, takenAt: Date, ctx: { hashOf: (email: string) => string; now: Date }): Promise<number> {
  const entries = await tx.select().from(deletionLedger).where(gt(deletionLedger.appliedAt, takenAt)).orderBy(asc(deletionLedger.id));
  for (const e of entries) {
    const handler = handlers.get(e.kind);
    if (!handler) throw new UnknownDeletionKindError(`The deletion ledger holds a deletion of kind "${e.kind}" that this Beacon cannot apply again`);
    await handler(tx, e.subjectHash, ctx);
  }
  return entries.length;
}

/** Ledger entries newer than `takenAt`, to carry over from the database a restore replaces. */
export async function ledgerSince(db: Executor, takenAt: Date) {
  return db.select().from(deletionLedger).where(gt(deletionLedger.appliedAt, takenAt)).orderBy(asc(deletionLedger.id));
}

/** Adds carried-over entries unless the restored ledger already holds the same one. */
export async function mergeLedger(tx: Executor, entries: { kind: string; subjectHash: string; requestedAt: Date; appliedAt: Date }[]): Promise<void> {
  for (const e of entries) {
    const [dup] = await tx
      .select({ id: deletionLedger.id })
      .from(deletionLedger)
      .where(and(eq(deletionLedger.kind, e.kind), eq(deletionLedger.subjectHash, e.subjectHash), eq(deletionLedger.appliedAt, e.appliedAt)));
    if (!dup) await tx.insert(deletionLedger).values({ kind: e.kind, subjectHash: e.subjectHash, requestedAt: e.requestedAt, appliedAt: e.appliedAt });
  }
}

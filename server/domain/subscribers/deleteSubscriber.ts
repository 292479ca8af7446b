import { and, eq, or, sql } from 'drizzle-orm';
import { auditLog, deliveries, outboxEvents, subscriberSuppressions, subscribers } from '../../db/schema.js';
import { inTransaction, type Ctx } from '../context.js';
import type { Executor } from '../../db/client.js';
import { recordDeletion, registerReapply } from '../privacy/deletionLedger.js';
import { emailHash } from '../privacy/subjectHash.js';

/** JSON text that mentions the address (case-insensitive), for scrubbing rows that carry it. */
const mentions = (column: unknown, email: string) => sql`position(${email.toLowerCase()} in lower(${column}::text)) > 0`;

/**
 * Forgets a subscriber at once (unsubscribe and "delete me" both end here): the row, the deliveries
 * addressed to them, and the address wherever it was copied (delivery payloads, outbox payloads,
 * audit entries) are gone in one transaction. What remains is a keyed hash of the address — in the
 * suppression list, so a copy of the row brought back by a restore is never mailed, and in the
 * deletion ledger. Idempotent: a subscriber already gone is simply gone.
 */
export function deleteSubscriber(ctx: Ctx, secret: string, id: string): Promise<{ deleted: boolean }> {
  return inTransaction(ctx, async (t) => {
    const [row] = await t.tx.select().from(subscribers).where(eq(subscribers.id, id)).for('update');
    if (!row) return { deleted: false };
    const hash = emailHash(secret, row.email);
    await forgetSubscriber(t.tx, row, hash, t.now);
    await recordDeletion(t.tx, { kind: 'subscriber', subjectHash: hash }, t.now);
    return { deleted: true };
  });
}

/** The deletion itself, shared with the ledger's re-apply after a restore. */
async function forgetSubscriber(tx: Executor, row: { id: string; email: string }, hash: string, now: Date): Promise<void> {
  const id = row.id;
  await tx.delete(deliveries).where(or(and(eq(deliveries.channel, 'email'), eq(deliveries.target, id)), mentions(deliveries.payload, row.email), mentions(deliveries.target, row.email)));
  // Their confirmation requests are about nobody else; other events only lose the mention.
  await tx.delete(outboxEvents).where(and(eq(outboxEvents.type, 'subscriber.confirmation_requested'), mentions(outboxEvents.payload, id)));
  await tx.update(outboxEvents).set({ payload: { redacted: 'personal data deleted' } }).where(or(mentions(outboxEvents.payload, row.email), mentions(outboxEvents.payload, id)));
  await tx
    .update(auditLog)
    .set({ before: null, after: null, subjectId: sql`case when ${auditLog.subjectType} = 'subscriber' and ${auditLog.subjectId} = ${id} then null else ${auditLog.subjectId} end`, actorEmail: sql`case when lower(${auditLog.actorEmail}) = ${row.email.toLowerCase()} then ${`deleted:${hash}`} else ${auditLog.actorEmail} end` })
    .where(or(and(eq(auditLog.subjectType, 'subscriber'), eq(auditLog.subjectId, id)), mentions(auditLog.before, row.email), mentions(auditLog.after, row.email), sql`lower(${auditLog.actorEmail}) = ${row.email.toLowerCase()}`));
  await tx.delete(subscribers).where(eq(subscribers.id, id));
  await tx.insert(subscriberSuppressions).values({ emailHash: hash, suppressedAt: now }).onConflictDoUpdate({ target: subscriberSuppressions.emailHash, set: { suppressedAt: now } });
}

// After a restore from an older backup, a subscriber deleted since is deleted again.
registerReapply('subscriber', async (tx, subjectHash, { hashOf, now }) => {
  const rows = await tx.select({ id: subscribers.id, email: subscribers.email }).from(subscribers);
  for (const row of rows.filter((r) => hashOf(r.email) === subjectHash)) await forgetSubscriber(tx, row, subjectHash, now);
  await tx.insert(subscriberSuppressions).values({ emailHash: subjectHash, suppressedAt: now }).onConflictDoNothing();
});

// The deletion ledger and the suppression list of forgotten addresses.
import { bigserial, index, pgTable, text } from 'drizzle-orm/pg-core';
import { ts } from './columns.js';

/**
 * Every personal-data deletion: what kind of subject and a hash of its key — never the deleted data.
 * After a restore, entries newer than the backup are applied again (server/domain/privacy/deletionLedger.ts).
 */
export const deletionLedger = pgTable(
  'deletion_ledger',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    kind: text('kind').notNull(),
    subjectHash: text('subject_hash').notNull(),
    requestedAt: ts('requested_at').notNull(),
    appliedAt: ts('applied_at').notNull(),
  },
  (t) => [index('deletion_ledger_applied_idx').on(t.appliedAt)],
);

// ---- personal data ----------------------------------------------------------------------------

/**
 * Addresses that asked to be forgotten, as a keyed hash (HMAC-SHA256 with the session secret) —
 * never the address. Mail to a subscriber row older than its suppression is not sent (a row
 * brought back by a restore); confirming a new sign-up of the same address lifts it.
 */
export const subscriberSuppressions = pgTable('subscriber_suppressions', {
  emailHash: text('email_hash').primaryKey(),
  suppressedAt: ts('suppressed_at').notNull(),
});

import { and, eq, or, sql } from 'drizzle-orm';
import { apiTokens, auditLog, externalIdentities, incidentEvents, incidents, loginAttempts, oneTimeTokens, passkeys, recoveryCodes, sessions, totpFactors, users, webauthnChallenges } from '../../db/schema.js';
import { recordAudit } from '../audit.js';
import { inTransaction, type Ctx } from '../context.js';
import { notFound, ruleBroken } from '../errors.js';
import type { Executor } from '../../db/client.js';
import { recordDeletion, registerReapply } from '../privacy/deletionLedger.js';
import { emailHash } from '../privacy/subjectHash.js';
import { assertCan } from '../roles.js';

/** What a deleted account is called wherever its work is shown. */
export const FORMER_STAFF = 'former staff member';

/**
 * An admin deletes a staff account: the name and e-mail are scrubbed (the row stays, so what the
 * person wrote — updates, notes, notices, maintenance — stays and reads "former staff member"),
 * sessions, tokens, one-time links and second factors (passkeys, TOTP) are gone, and the audit trail keeps the actions with the
 * person's name and address removed. Recorded in the deletion ledger with a keyed hash.
 */
export async function deleteStaffAccount(ctx: Ctx, secret: string, id: string): Promise<void> {
  assertCan(ctx.actor!.role, 'administer');
  if (ctx.actor!.id === id) throw ruleBroken('cannot_delete_self', 'You cannot delete your own account; ask another admin');
  await inTransaction(ctx, async (t) => {
    const [user] = await t.tx.select().from(users).where(eq(users.id, id)).for('update');
    if (!user || user.email.endsWith('@deleted.invalid')) throw notFound('User', id);
    // No last-admin check is needed: the actor is an active admin and cannot delete themselves.
    const hash = emailHash(secret, user.email);
    await scrubStaffAccount(t.tx, user, t.now);
    await recordAudit(t, { action: 'user.delete', subjectType: 'user', subjectId: id });
    await recordDeletion(t.tx, { kind: 'staff', subjectHash: hash }, t.now);
  });
}

/** The scrub itself, shared with the ledger's re-apply after a restore. */
async function scrubStaffAccount(tx: Executor, user: { id: string; email: string }, now: Date): Promise<void> {
  const id = user.id;
  await tx.delete(sessions).where(eq(sessions.userId, id));
  await tx.delete(apiTokens).where(eq(apiTokens.userId, id));
  await tx.delete(externalIdentities).where(eq(externalIdentities.userId, id));
  await tx.delete(oneTimeTokens).where(eq(oneTimeTokens.userId, id));
  await tx.delete(passkeys).where(eq(passkeys.userId, id));
  await tx.delete(webauthnChallenges).where(eq(webauthnChallenges.userId, id));
  await tx.delete(totpFactors).where(eq(totpFactors.userId, id));
  await tx.delete(recoveryCodes).where(eq(recoveryCodes.userId, id));
  await tx.delete(loginAttempts).where(eq(sql`lower(${loginAttempts.email})`, user.email.toLowerCase()));
  await tx
    .update(users)
    .set({ email: `${id}@deleted.invalid`, name: FORMER_STAFF, passwordHash: null, active: false, updatedAt: now })
    .where(eq(users.id, id));
  await tx.update(incidentEvents).set({ actorName: FORMER_STAFF }).where(eq(incidentEvents.actorId, id));
  for (const m of ['work_start', 'temporary_fix', 'final_fix']) {
    await tx
      .update(incidents)
      .set({ backdatedMilestones: sql`jsonb_set(${incidents.backdatedMilestones}, ${`{${m},actor_name}`}::text[], to_jsonb(${FORMER_STAFF}::text))` })
      .where(sql`${incidents.backdatedMilestones}->${m}->>'actor_id' = ${id}`);
  }
  // The audit trail keeps what happened; the person's name and address leave it.
  await tx.update(auditLog).set({ actorEmail: FORMER_STAFF }).where(eq(auditLog.actorId, id));
  const aboutThem = and(eq(auditLog.subjectType, 'user'), eq(auditLog.subjectId, id));
  await tx
    .update(auditLog)
    .set({ before: sql`case when jsonb_typeof(${auditLog.before}) = 'object' then ${auditLog.before} - 'email' - 'name' else ${auditLog.before} end`, after: sql`case when jsonb_typeof(${auditLog.after}) = 'object' then ${auditLog.after} - 'email' - 'name' else ${auditLog.after} end` })
    .where(or(aboutThem, sql`position(${user.email.toLowerCase()} in lower(${auditLog.before}::text || ' ' || ${auditLog.after}::text)) > 0`));
}

// After a restore from an older backup, an account deleted since is scrubbed again.
registerReapply('staff', async (tx, subjectHash, { hashOf, now }) => {
  const rows = await tx.select({ id: users.id, email: users.email }).from(users);
  for (const user of rows.filter((u) => !u.email.endsWith('@deleted.invalid') && hashOf(u.email) === subjectHash)) await scrubStaffAccount(tx, user, now);
});

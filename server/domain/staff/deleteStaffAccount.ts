import { and, eq, or, sql } from 'drizzle-orm';
import { apiTokens, auditLog, incidentEvents, incidents, loginAttempts, oneTimeTokens, sessions, users } from '../../db/schema.js';
import { recordAudit } from '../audit.js';
import { inTransaction, type Ctx } from '../context.js';
import { notFound, ruleBroken } from '../errors.js';
import { recordDeletion } from '../privacy/deletionLedger.js';
import { emailHash } from '../privacy/subjectHash.js';
import { assertCan } from '../roles.js';

/** What a deleted account is called wherever its work is shown. */
export const FORMER_STAFF = 'former staff member';

/**
 * An admin deletes a staff account: the name and e-mail are scrubbed (the row stays, so what the
 * person wrote — updates, notes, notices, maintenance — stays and reads "former staff member"),
 * sessions, tokens and one-time links are gone, and the audit trail keeps the actions with the
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
    await t.tx.delete(sessions).where(eq(sessions.userId, id));
    await t.tx.delete(apiTokens).where(eq(apiTokens.userId, id));
    await t.tx.delete(oneTimeTokens).where(eq(oneTimeTokens.userId, id));
    await t.tx.delete(loginAttempts).where(eq(sql`lower(${loginAttempts.email})`, user.email.toLowerCase()));
    await t.tx
      .update(users)
      .set({ email: `${id}@deleted.invalid`, name: FORMER_STAFF, passwordHash: null, active: false, updatedAt: t.now })
      .where(eq(users.id, id));
    await t.tx.update(incidentEvents).set({ actorName: FORMER_STAFF }).where(eq(incidentEvents.actorId, id));
    for (const m of ['work_start', 'temporary_fix', 'final_fix']) {
      await t.tx
        .update(incidents)
        .set({ backdatedMilestones: sql`jsonb_set(${incidents.backdatedMilestones}, ${`{${m},actor_name}`}::text[], to_jsonb(${FORMER_STAFF}::text))` })
        .where(sql`${incidents.backdatedMilestones}->${m}->>'actor_id' = ${id}`);
    }
    // The audit trail keeps what happened; the person's name and address leave it.
    await t.tx.update(auditLog).set({ actorEmail: FORMER_STAFF }).where(eq(auditLog.actorId, id));
    const aboutThem = and(eq(auditLog.subjectType, 'user'), eq(auditLog.subjectId, id));
    await t.tx
      .update(auditLog)
      .set({ before: sql`case when jsonb_typeof(${auditLog.before}) = 'object' then ${auditLog.before} - 'email' - 'name' else ${auditLog.before} end`, after: sql`case when jsonb_typeof(${auditLog.after}) = 'object' then ${auditLog.after} - 'email' - 'name' else ${auditLog.after} end` })
      .where(or(aboutThem, sql`position(${user.email.toLowerCase()} in lower(${auditLog.before}::text || ' ' || ${auditLog.after}::text)) > 0`));
    await recordAudit(t, { action: 'user.delete', subjectType: 'user', subjectId: id });
    await recordDeletion(t.tx, { kind: 'staff', subjectHash: hash });
  });
}

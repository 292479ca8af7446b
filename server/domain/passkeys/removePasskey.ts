import { and, eq } from 'drizzle-orm';
import { passkeys } from '../../db/schema.js';
import { recordAudit } from '../audit.js';
import { inTransaction, type Ctx } from '../context.js';
import { notFound } from '../errors.js';

/**
 * A person removes one of their own passkeys. Removing the last factor is allowed, as with turning
 * TOTP off; under the "two-factor required" policy the gate then sends them back to enrolment.
 */
export async function removePasskey(ctx: Ctx, id: string): Promise<void> {
  const actor = ctx.actor!;
  await inTransaction(ctx, async (t) => {
    const [removed] = await t.tx.delete(passkeys).where(and(eq(passkeys.id, id), eq(passkeys.userId, actor.id))).returning({ name: passkeys.name });
    if (!removed) throw notFound('Passkey', id);
    await recordAudit(t, { action: 'passkey.removed', subjectType: 'user', subjectId: actor.id, after: { passkey_id: id, name: removed.name } });
  });
}

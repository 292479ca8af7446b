import { and, eq } from 'drizzle-orm';
import { passkeys } from '../../db/schema.js';
import { recordAudit } from '../audit.js';
import { inTransaction, type Ctx } from '../context.js';
import { notFound } from '../errors.js';

/** A person renames one of their own passkeys. */
export async function renamePasskey(ctx: Ctx, id: string, name: string): Promise<void> {
  const actor = ctx.actor!;
  await inTransaction(ctx, async (t) => {
    const [before] = await t.tx.select({ name: passkeys.name }).from(passkeys).where(and(eq(passkeys.id, id), eq(passkeys.userId, actor.id))).for('update');
    if (!before) throw notFound('Passkey', id);
    await t.tx.update(passkeys).set({ name }).where(eq(passkeys.id, id));
    await recordAudit(t, { action: 'passkey.renamed', subjectType: 'user', subjectId: actor.id, before: { passkey_id: id, name: before.name }, after: { passkey_id: id, name } });
  });
}

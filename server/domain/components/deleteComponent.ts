import { eq } from 'drizzle-orm';
import { components } from '../../db/schema.js';
import { recordAudit } from '../audit.js';
import { inTransaction, type Ctx } from '../context.js';
import { notFound } from '../errors.js';
import { recordEvent } from '../outbox.js';
import { assertCan } from '../roles.js';

/** Deleting a group releases its members to the top level rather than deleting them. */
export async function deleteComponent(ctx: Ctx, id: string) {
  assertCan(ctx.actor!.role, 'administer');
  return inTransaction(ctx, async (t) => {
    const [before] = await t.tx.select().from(components).where(eq(components.id, id)).for('update');
    if (!before) throw notFound('Component', id);
    if (before.isGroup) await t.tx.update(components).set({ groupId: null, updatedAt: t.now }).where(eq(components.groupId, id));
    await t.tx.delete(components).where(eq(components.id, id));
    await recordAudit(t, { action: 'component.delete', subjectType: 'component', subjectId: id, before });
    await recordEvent(t, 'component.changed', { component_id: id });
  });
}

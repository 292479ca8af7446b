import { eq } from 'drizzle-orm';
import { components } from '../../db/schema.js';
import { recordAudit } from '../audit.js';
import { inTransaction, type Ctx } from '../context.js';
import { notFound } from '../errors.js';
import { recordEvent } from '../outbox.js';
import { assertCan } from '../roles.js';
import { assertValidGroup, type ComponentInput } from './createComponent.js';

/** Admins edit a component; a status change alone is also allowed to regular staff (incident work). */
export async function updateComponent(ctx: Ctx, id: string, input: Partial<ComponentInput>) {
  const onlyStatus = Object.keys(input).every((k) => k === 'status');
  assertCan(ctx.actor!.role, onlyStatus ? 'operate' : 'administer');
  return inTransaction(ctx, async (t) => {
    const [before] = await t.tx.select().from(components).where(eq(components.id, id)).for('update');
    if (!before) throw notFound('Component', id);
    if (input.group_id !== undefined) await assertValidGroup(t.tx, input.group_id, before);
    const [after] = await t.tx
      .update(components)
      .set({
        ...(input.name !== undefined && { name: input.name }),
        ...(input.description !== undefined && { description: input.description }),
        ...(input.group_id !== undefined && { groupId: input.group_id }),
        ...(input.position !== undefined && { position: input.position }),
        ...(input.status !== undefined && { status: input.status }),
        ...(input.showcase !== undefined && { showcase: input.showcase }),
        ...(input.only_show_if_degraded !== undefined && { onlyShowIfDegraded: input.only_show_if_degraded }),
        ...(input.start_date !== undefined && { startDate: input.start_date }),
        updatedAt: t.now,
      })
      .where(eq(components.id, id))
      .returning();
    await recordAudit(t, { action: 'component.update', subjectType: 'component', subjectId: id, before, after });
    await recordEvent(t, 'component.changed', { component_id: id });
    return after!;
  });
}

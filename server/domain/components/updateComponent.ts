import { eq } from 'drizzle-orm';
import { components } from '../../db/schema.js';
import { recordAudit } from '../audit.js';
import { inTransaction, type Ctx } from '../context.js';
import { notFound } from '../errors.js';
import { recordEvent } from '../outbox.js';
import { assertCan } from '../roles.js';
import { assertValidGroup, type ComponentInput } from './createComponent.js';

type ComponentRow = typeof components.$inferSelect;

/** The row fields a patch would set; only those that differ from the row as it is. */
function changesFrom(before: ComponentRow, input: Partial<ComponentInput>): Partial<ComponentRow> {
  const wanted: Partial<ComponentRow> = {
    ...(input.name !== undefined && { name: input.name }),
    ...(input.description !== undefined && { description: input.description }),
    ...(input.group_id !== undefined && { groupId: input.group_id }),
    ...(input.position !== undefined && { position: input.position }),
    ...(input.status !== undefined && { status: input.status }),
    ...(input.showcase !== undefined && { showcase: input.showcase }),
    ...(input.only_show_if_degraded !== undefined && { onlyShowIfDegraded: input.only_show_if_degraded }),
    ...(input.start_date !== undefined && { startDate: input.start_date }),
  };
  return Object.fromEntries(Object.entries(wanted).filter(([k, v]) => before[k as keyof ComponentRow] !== v)) as Partial<ComponentRow>;
}

/**
 * Admins edit a component; a status change alone is also allowed to regular staff (incident work).
 * A patch that changes nothing (`{}`, or every field as it already is) writes nothing — no
 * updated_at, no audit entry, no event (so no webhook or live push) — and returns the row unchanged.
 */
export async function updateComponent(ctx: Ctx, id: string, input: Partial<ComponentInput>) {
  const onlyStatus = Object.keys(input).every((k) => k === 'status');
  assertCan(ctx.actor!.role, onlyStatus ? 'operate' : 'administer');
  return inTransaction(ctx, async (t) => {
    const [before] = await t.tx.select().from(components).where(eq(components.id, id)).for('update');
    if (!before) throw notFound('Component', id);
    if (input.group_id !== undefined) await assertValidGroup(t.tx, input.group_id, before);
    const changes = changesFrom(before, input);
    if (!Object.keys(changes).length) return before;
    const [after] = await t.tx
      .update(components)
      .set({ ...changes, updatedAt: t.now })
      .where(eq(components.id, id))
      .returning();
    await recordAudit(t, { action: 'component.update', subjectType: 'component', subjectId: id, before, after });
    await recordEvent(t, 'component.changed', { component_id: id });
    return after!;
  });
}

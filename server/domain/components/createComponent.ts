import { and, eq } from 'drizzle-orm';
import { components, type ComponentStatus } from '../../db/schema.js';
import type { Executor } from '../../db/client.js';
import { recordAudit } from '../audit.js';
import { inTransaction, type Ctx } from '../context.js';
import { notFound, ruleBroken } from '../errors.js';
import { recordEvent } from '../outbox.js';
import { assertCan } from '../roles.js';

export interface ComponentInput {
  name: string;
  description?: string | null;
  group?: boolean;
  group_id?: string | null;
  position?: number;
  status?: ComponentStatus;
  showcase?: boolean;
  only_show_if_degraded?: boolean;
  start_date?: string | null;
}

/** A group must exist and be a group; groups do not nest (Statuspage has one level). */
export async function assertValidGroup(tx: Executor, groupId: string | null | undefined, self?: { isGroup: boolean }) {
  if (!groupId) return;
  if (self?.isGroup) throw ruleBroken('groups_do_not_nest', 'A component group cannot belong to another group');
  const [g] = await tx.select().from(components).where(and(eq(components.id, groupId)));
  if (!g) throw notFound('Component group', groupId);
  if (!g.isGroup) throw ruleBroken('not_a_group', 'group_id must name a component group', { field: 'group_id' });
}

export async function createComponent(ctx: Ctx, input: ComponentInput) {
  assertCan(ctx.actor!.role, 'administer');
  return inTransaction(ctx, async (t) => {
    const isGroup = input.group ?? false;
    await assertValidGroup(t.tx, input.group_id, { isGroup });
    const [row] = await t.tx
      .insert(components)
      .values({
        name: input.name,
        description: input.description ?? null,
        isGroup,
        groupId: input.group_id ?? null,
        position: input.position ?? 0,
        status: input.status ?? 'operational',
        showcase: input.showcase ?? true,
        onlyShowIfDegraded: input.only_show_if_degraded ?? false,
        startDate: input.start_date ?? null,
        createdAt: t.now,
        updatedAt: t.now,
      })
      .returning();
    await recordAudit(t, { action: 'component.create', subjectType: 'component', subjectId: row!.id, after: row });
    await recordEvent(t, 'component.changed', { component_id: row!.id });
    return row!;
  });
}

import { eq } from 'drizzle-orm';
import { notices } from '../../db/schema.js';
import { recordAudit } from '../audit.js';
import { inTransaction, type Ctx } from '../context.js';
import { notFound } from '../errors.js';
import { recordEvent } from '../outbox.js';
import { assertCan } from '../roles.js';

export async function deleteNotice(ctx: Ctx, id: string) {
  assertCan(ctx.actor!.role, 'operate');
  return inTransaction(ctx, async (t) => {
    const [before] = await t.tx.select().from(notices).where(eq(notices.id, id)).for('update');
    if (!before) throw notFound('Notice', id);
    await t.tx.delete(notices).where(eq(notices.id, id));
    await recordAudit(t, { action: 'notice.delete', subjectType: 'notice', subjectId: id, before });
    await recordEvent(t, 'notice.changed', { notice_id: id });
  });
}

import { eq } from 'drizzle-orm';
import { notices } from '../../db/schema.js';
import { recordAudit } from '../audit.js';
import { inTransaction, type Ctx } from '../context.js';
import { notFound } from '../errors.js';
import { recordEvent } from '../outbox.js';
import { assertCan } from '../roles.js';
import { assertNoticeRange, assertNoticeUrl, noticeAudience, type NoticeInput } from './createNotice.js';

/** Edits a notice; the range rule is checked on the merged result (a lone expire_at vs the stored publish_at). */
export async function updateNotice(ctx: Ctx, id: string, input: Partial<NoticeInput>) {
  assertCan(ctx.actor!.role, 'operate');
  assertNoticeUrl(input.url);
  return inTransaction(ctx, async (t) => {
    const [before] = await t.tx.select().from(notices).where(eq(notices.id, id)).for('update');
    if (!before) throw notFound('Notice', id);
    const publishAt = input.publish_at ?? before.publishAt;
    const expireAt = input.expire_at !== undefined ? input.expire_at : before.expireAt;
    assertNoticeRange(publishAt, expireAt);
    const componentIds = input.components !== undefined ? await noticeAudience(t.tx, input.components) : undefined;
    const [after] = await t.tx
      .update(notices)
      .set({
        ...(input.title !== undefined && { title: input.title }),
        ...(input.body !== undefined && { body: input.body }),
        ...(input.level !== undefined && { level: input.level }),
        ...(input.publish_at !== undefined && { publishAt: input.publish_at }),
        ...(input.expire_at !== undefined && { expireAt: input.expire_at }),
        ...(input.dismissible !== undefined && { dismissible: input.dismissible }),
        ...(input.url !== undefined && { url: input.url }),
        ...(componentIds !== undefined && { componentIds }),
        updatedAt: t.now,
      })
      .where(eq(notices.id, id))
      .returning();
    await recordAudit(t, { action: 'notice.update', subjectType: 'notice', subjectId: id, before, after });
    await recordEvent(t, 'notice.changed', { notice_id: id });
    return after!;
  });
}

import { inArray } from 'drizzle-orm';
import { components, notices, type NoticeLevel } from '../../db/schema.js';
import type { Executor } from '../../db/client.js';
import { recordAudit } from '../audit.js';
import { inTransaction, type Ctx } from '../context.js';
import { DomainError, invalid, ruleBroken } from '../errors.js';
import { recordEvent } from '../outbox.js';
import { assertCan } from '../roles.js';

export interface NoticeInput {
  title: string;
  body: string;
  level: NoticeLevel;
  /** Defaults to now on create. */
  publish_at?: Date;
  expire_at?: Date | null;
  dismissible?: boolean;
  url?: string | null;
  /** The audience: component or group ids; null or empty = page-wide. */
  components?: string[] | null;
}

/** The stored audience: known component ids, each once; null for page-wide. */
export async function noticeAudience(tx: Executor, ids: string[] | null | undefined): Promise<string[] | null> {
  if (!ids || !ids.length) return null;
  const unique = [...new Set(ids)];
  const rows = await tx.select({ id: components.id }).from(components).where(inArray(components.id, unique));
  const missing = unique.filter((id) => !rows.some((r) => r.id === id));
  if (missing.length) throw new DomainError('not_found', 'component_not_found', `Unknown component: ${missing.join(', ')}`, { ids: missing });
  return unique;
}

const fieldDetails = (field: string, message: string) => ({ fields: [{ field, message }] });

/** A banner link must be an absolute http(s) URL (never javascript:, data: and friends). */
export function assertNoticeUrl(url: string | null | undefined): void {
  if (url === null || url === undefined) return;
  let ok = false;
  try {
    const u = new URL(url);
    ok = u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    ok = false;
  }
  if (!ok) throw invalid('invalid_url', 'url: must be an http(s) URL', fieldDetails('url', 'must be an http(s) URL'));
}

/** A notice must disappear strictly after it appears. */
export function assertNoticeRange(publishAt: Date, expireAt: Date | null): void {
  if (expireAt && expireAt.getTime() <= publishAt.getTime())
    throw ruleBroken('invalid_range', 'expire_at must be after publish_at', fieldDetails('expire_at', 'must be after publish_at'));
}

/** Regular staff and admins post banners; observers only read them. */
export async function createNotice(ctx: Ctx, input: NoticeInput) {
  assertCan(ctx.actor!.role, 'operate');
  const publishAt = input.publish_at ?? ctx.now;
  const expireAt = input.expire_at ?? null;
  assertNoticeUrl(input.url);
  assertNoticeRange(publishAt, expireAt);
  return inTransaction(ctx, async (t) => {
    const componentIds = await noticeAudience(t.tx, input.components);
    const [row] = await t.tx
      .insert(notices)
      .values({
        title: input.title,
        body: input.body,
        level: input.level,
        publishAt,
        expireAt,
        dismissible: input.dismissible ?? true,
        url: input.url ?? null,
        componentIds,
        createdBy: ctx.actor?.id ?? null,
        createdAt: t.now,
        updatedAt: t.now,
      })
      .returning();
    await recordAudit(t, { action: 'notice.create', subjectType: 'notice', subjectId: row!.id, after: row });
    await recordEvent(t, 'notice.changed', { notice_id: row!.id });
    return row!;
  });
}

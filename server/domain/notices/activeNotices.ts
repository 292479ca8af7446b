// Pure helpers over notice rows: which are showing at an instant, and when that set next changes.

export interface NoticeWindow {
  publishAt: Date;
  expireAt: Date | null;
}

/** Showing at `now`: publish_at ≤ now < expire_at (no expire_at = open-ended). */
export function isNoticeActive(n: NoticeWindow, now: Date): boolean {
  const t = now.getTime();
  return n.publishAt.getTime() <= t && (n.expireAt === null || t < n.expireAt.getTime());
}

/** The notices showing at `now`, in the order given. */
export function activeNotices<T extends NoticeWindow>(rows: readonly T[], now: Date): T[] {
  return rows.filter((n) => isNoticeActive(n, now));
}

export type NoticePhase = 'scheduled' | 'active' | 'expired';

export function noticePhase(n: NoticeWindow, now: Date): NoticePhase {
  if (n.publishAt.getTime() > now.getTime()) return 'scheduled';
  return isNoticeActive(n, now) ? 'active' : 'expired';
}

/**
 * The earliest publish_at or expire_at strictly after `now`, or null when nothing will change:
 * the instant the active set next changes, so a snapshot can be rebuilt exactly then.
 */
export function nextNoticeBoundary(rows: readonly NoticeWindow[], now: Date): Date | null {
  const t = now.getTime();
  let next: number | null = null;
  for (const n of rows) {
    for (const d of [n.publishAt, n.expireAt]) {
      if (d && d.getTime() > t && (next === null || d.getTime() < next)) next = d.getTime();
    }
  }
  return next === null ? null : new Date(next);
}

// Lifecycle notices of one maintenance, as pure rules: which notice is due at which instant.
//
// "announced" is written by the verbs at (re)scheduling time, not here. The watcher claims each
// (maintenance, kind, instant) once; the instant is part of the key, so a reschedule gets fresh
// notices while the old ones stay recorded.
import type { MaintenanceNoticeKind, MaintenanceStatus } from '../../db/schema.js';

export type LifecycleKind = Exclude<MaintenanceNoticeKind, 'announced'>;
export type DueNotice = { kind: LifecycleKind; instant: Date };

/** The fields of a maintenance row these rules read. */
export interface NoticeSubject {
  status: MaintenanceStatus;
  scheduledFor: Date;
  scheduledUntil: Date;
  /** When the current schedule was set (creation or last reschedule). */
  scheduledAt: Date;
}

export const REMINDER_BEFORE_MS = 24 * 60 * 60_000;
export const IN_APP_BEFORE_MS = 30 * 60_000;
export const OVERRUN_AFTER_MS = 15 * 60_000;

/** Outbox event type announcing each notice kind. */
export const NOTICE_EVENT: Record<MaintenanceNoticeKind, string> = {
  announced: 'maintenance.announced',
  reminder_24h: 'maintenance.reminder_24h',
  in_app_30m: 'maintenance.in_app_notice',
  started: 'maintenance.started',
  completed: 'maintenance.completed',
  overrun: 'maintenance.overrun',
};

/**
 * Every lifecycle notice the maintenance can still get in its current status, in time order:
 *  - reminder_24h at scheduled_for − 24 h, only if it was scheduled before that instant;
 *  - in_app_30m at scheduled_for − 30 min, only if it was scheduled before that instant;
 *  - started at scheduled_for;
 *  - completed at scheduled_until, unless staff hold it in "verifying";
 *  - overrun at scheduled_until + 15 min, only while staff hold it in "verifying" (an
 *    in-progress maintenance completes on its own at scheduled_until).
 * Completed and cancelled maintenances get nothing more.
 */
export function lifecycleNotices(m: NoticeSubject): DueNotice[] {
  if (m.status === 'completed' || m.status === 'cancelled') return [];
  const start = m.scheduledFor.getTime();
  const end = m.scheduledUntil.getTime();
  const scheduledAt = m.scheduledAt.getTime();
  const out: DueNotice[] = [];
  const reminder = start - REMINDER_BEFORE_MS;
  if (scheduledAt < reminder) out.push({ kind: 'reminder_24h', instant: new Date(reminder) });
  const inApp = start - IN_APP_BEFORE_MS;
  if (scheduledAt < inApp) out.push({ kind: 'in_app_30m', instant: new Date(inApp) });
  out.push({ kind: 'started', instant: new Date(start) });
  if (m.status === 'verifying') out.push({ kind: 'overrun', instant: new Date(end + OVERRUN_AFTER_MS) });
  else out.push({ kind: 'completed', instant: new Date(end) });
  return out;
}

/** Notices whose instant has come (instant ≤ now), oldest first. */
export function dueNotices(m: NoticeSubject, now: Date): DueNotice[] {
  return lifecycleNotices(m).filter((n) => n.instant.getTime() <= now.getTime());
}

/** The next instant after `now` at which a notice becomes due, or null. */
export function nextNoticeAt(m: NoticeSubject, now: Date): Date | null {
  const next = lifecycleNotices(m).find((n) => n.instant.getTime() > now.getTime());
  return next ? next.instant : null;
}

/**
 * A notice announcing something already overtaken when it fires late (the 24 h reminder once the
 * 30-minute notice is also due, any pre-start notice once the maintenance has started) is
 * recorded but not announced.
 */
export function isStale(n: DueNotice, due: readonly DueNotice[]): boolean {
  if (n.kind === 'reminder_24h') return due.some((d) => d.kind === 'in_app_30m' || d.kind === 'started');
  if (n.kind === 'in_app_30m') return due.some((d) => d.kind === 'started');
  return false;
}

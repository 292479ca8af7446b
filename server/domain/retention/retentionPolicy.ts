// What the retention job may delete, as a pure function of the clock and the configured age.
// Delivered deliveries and dispatched outbox events go after RETENTION_DAYS; a dead letter is kept
// until someone handles it (a retry turns it back into pending) or for DEAD_LETTER_DAYS. Pending
// work is never pruned, and an event stays while any delivery still points at it (a dead letter's
// retry needs its event). The audit log is not touched at all: security events are kept ≥ 12 months.

export const DEAD_LETTER_DAYS = 90;
const DAY_MS = 86_400_000;

export interface RetentionCutoffs {
  /** Delivered deliveries and dispatched events created before this go. */
  before: Date;
  /** Dead deliveries created before this go. */
  deadBefore: Date;
}

export function retentionCutoffs(now: Date, retentionDays: number): RetentionCutoffs {
  return { before: new Date(now.getTime() - retentionDays * DAY_MS), deadBefore: new Date(now.getTime() - Math.max(retentionDays, DEAD_LETTER_DAYS) * DAY_MS) };
}

export function deliveryExpired(d: { status: 'pending' | 'delivered' | 'dead'; createdAt: Date }, c: RetentionCutoffs): boolean {
  if (d.status === 'delivered') return d.createdAt < c.before;
  if (d.status === 'dead') return d.createdAt < c.deadBefore;
  return false;
}

export function eventExpired(e: { createdAt: Date; dispatchedAt: Date | null; deliveriesLeft: number }, c: RetentionCutoffs): boolean {
  return e.dispatchedAt !== null && e.createdAt < c.before && e.deliveriesLeft === 0;
}

import { eq, lt, sql } from 'drizzle-orm';
import type { Executor } from '../db/client.js';
import { rateWindows } from '../db/schema.js';

/** A counter's state in its current window: hits so far and when the window ends. */
export interface WindowState {
  hits: number;
  resetsAt: Date;
}

/** Rows idle this long are deleted (longer than any window in use). */
const FORGET_AFTER_MS = 60 * 60_000;

const secondsUntil = (at: Date, now: Date) => Math.max(1, Math.ceil((at.getTime() - now.getTime()) / 1000));

/** Whole seconds until a window ends (at least 1): the Retry-After of a 429. */
export function retryAfterSeconds(state: WindowState, now: Date): number {
  return secondsUntil(state.resetsAt, now);
}

/**
 * Counts one hit in `bucket`'s fixed window, atomically (one upsert), and returns the count including
 * it. A window that has ended starts over at 1; starting one also forgets long-idle buckets, so the
 * table holds roughly the clients of the last hour.
 */
export async function hitWindow(db: Executor, bucket: string, windowMs: number, now: Date): Promise<WindowState> {
  const endedBefore = new Date(now.getTime() - windowMs);
  const fresh = sql`${rateWindows.windowStartedAt} <= ${endedBefore.toISOString()}::timestamptz`;
  const [row] = await db
    .insert(rateWindows)
    .values({ bucket, windowStartedAt: now, hits: 1 })
    .onConflictDoUpdate({
      target: rateWindows.bucket,
      set: {
        windowStartedAt: sql`case when ${fresh} then ${now.toISOString()}::timestamptz else ${rateWindows.windowStartedAt} end`,
        hits: sql`case when ${fresh} then 1 else ${rateWindows.hits} + 1 end`,
      },
    })
    .returning();
  if (row!.hits === 1) await db.delete(rateWindows).where(lt(rateWindows.windowStartedAt, new Date(now.getTime() - FORGET_AFTER_MS)));
  return { hits: row!.hits, resetsAt: new Date(row!.windowStartedAt.getTime() + windowMs) };
}

/** The current window's count without adding to it; locks the row so check-then-hit in one transaction is exact. */
export async function peekWindow(tx: Executor, bucket: string, windowMs: number, now: Date): Promise<WindowState> {
  const [row] = await tx.select().from(rateWindows).where(eq(rateWindows.bucket, bucket)).for('update');
  if (!row || row.windowStartedAt.getTime() + windowMs <= now.getTime()) return { hits: 0, resetsAt: new Date(now.getTime() + windowMs) };
  return { hits: row.hits, resetsAt: new Date(row.windowStartedAt.getTime() + windowMs) };
}

import { eq, sql } from 'drizzle-orm';
import { subscribers } from '../../db/schema.js';
import { inTransaction, type Ctx } from '../context.js';
import { rateLimited } from '../errors.js';
import { recordEvent } from '../outbox.js';
import { hitWindow, peekWindow, retryAfterSeconds } from '../rateWindows.js';
import { checkComponentIds } from './shared.js';

export interface SubscribeInput {
  email: string;
  componentIds?: string[] | null;
}

/** A repeated request for a pending address within this window sends no second confirmation. */
const RESEND_AFTER_MS = 60_000;

export interface SubscribeLimits {
  /** Ceiling on confirmation mails requested per minute, across all clients (CONFIRMATION_MAILS_PER_MINUTE). */
  confirmationsPerMinute: number;
}
export const CONFIRMATION_BUCKET = 'confirmation_mails';
const MINUTE_MS = 60_000;

/**
 * Double opt-in, step one: creates or refreshes a pending subscriber and asks for a confirmation
 * mail. A confirmed address is left alone; the caller answers the same either way, so the response
 * never reveals whether an address is subscribed.
 */
export function subscribe(ctx: Ctx, input: SubscribeInput, limits: SubscribeLimits): Promise<{ requested: boolean }> {
  return inTransaction(ctx, async (t) => {
    const componentIds = await checkComponentIds(t.tx, input.componentIds);
    // Past the ceiling every request is refused — also for addresses that would get no mail, so the
    // answer still says nothing about who is subscribed. The row lock makes check-then-count exact.
    const sent = await peekWindow(t.tx, CONFIRMATION_BUCKET, MINUTE_MS, t.now);
    if (sent.hits >= limits.confirmationsPerMinute) {
      const seconds = retryAfterSeconds(sent, t.now);
      throw rateLimited(`Too many subscription requests right now; try again in ${seconds} seconds`, seconds);
    }
    const email = input.email.trim();
    const [existing] = await t.tx.select().from(subscribers).where(eq(sql`lower(${subscribers.email})`, email.toLowerCase())).for('update');
    let id: string;
    if (!existing) {
      const [row] = await t.tx.insert(subscribers).values({ email, componentIds, createdAt: t.now, updatedAt: t.now }).onConflictDoNothing().returning();
      if (!row) return { requested: false }; // created concurrently by another request
      id = row.id;
    } else if (existing.confirmedAt && !existing.unsubscribedAt) {
      return { requested: false };
    } else {
      const recent = !existing.confirmedAt && !existing.unsubscribedAt && t.now.getTime() - existing.updatedAt.getTime() < RESEND_AFTER_MS;
      await t.tx.update(subscribers).set({ componentIds, confirmedAt: null, unsubscribedAt: null, updatedAt: t.now }).where(eq(subscribers.id, existing.id));
      if (recent) return { requested: false };
      id = existing.id;
    }
    await recordEvent(t, 'subscriber.confirmation_requested', { subscriber_id: id });
    await hitWindow(t.tx, CONFIRMATION_BUCKET, MINUTE_MS, t.now);
    return { requested: true };
  });
}

import { and, asc, eq, inArray, isNull, sql } from 'drizzle-orm';
import { deliveries, outboxEvents } from '../db/schema.js';
import type { Db } from '../db/client.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import { MAX_ATTEMPTS } from './backoff.js';
import type { DeliveryChannel, LiveChannel, OutboxEvent } from './channel.js';
import { ChannelSender } from './channelSender.js';

const EVENT_BATCH = 100;
export const DEFAULT_LEASE_MS = 5 * 60_000;

/**
 * Two stages, both safe with several instances (FOR UPDATE SKIP LOCKED):
 *  1. fan-out: claim committed outbox events, push them to live channels and in-process listeners,
 *     and write one delivery row per (channel, target) — unique idempotency key, so never twice;
 *  2. delivery: one ChannelSender per channel leases due rows, sends them with the channel's
 *     concurrency and records each outcome as its send returns (success, a retry with backoff and
 *     jitter, or the dead-letter state). Channels drain independently: a stuck one delays no other.
 *     A crash re-sends at most the sends in flight, with the same idempotency key (Message-ID,
 *     X-Beacon-Delivery, the duplicate-tweet check).
 */
export class OutboxDispatcher {
  private timer: NodeJS.Timeout | null = null;
  private polling = false;
  private fanning: Promise<number> | null = null;
  private fanAgain = false;
  private listeners: Array<(events: OutboxEvent[]) => void> = [];
  private eventCache = new Map<number, OutboxEvent>();
  private readonly senders: ChannelSender[];

  constructor(
    private readonly db: Db,
    private readonly live: LiveChannel[],
    private readonly channels: DeliveryChannel[],
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly pollMs = 250,
    random: () => number = Math.random,
    private readonly notifyInstances = false,
    leaseMs = DEFAULT_LEASE_MS,
  ) {
    this.senders = channels.map((ch) => new ChannelSender(db, ch, clock, logger, leaseMs, random, (id) => this.event(id)));
  }

  /** Called with each batch of fanned-out events once its transaction has committed. */
  onEvents(fn: (events: OutboxEvent[]) => void): void {
    this.listeners.push(fn);
  }

  start(): void {
    this.polling = true;
    const loop = async () => {
      await this.fanOut().catch((err) => this.logger.error({ err }, 'outbox fan-out failed'));
      if (!this.polling) return; // stopped meanwhile
      this.kickSenders(); // not awaited: the poll goes on while a channel is busy or stuck
      this.timer = setTimeout(loop, this.pollMs);
      this.timer.unref();
    };
    void loop();
  }

  async stop(): Promise<void> {
    this.polling = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.fanning?.catch(() => {});
    await Promise.all(this.senders.map((s) => s.stop()));
  }

  /** Fans out everything pending and sends every due delivery; returns the events handled. */
  async drain(): Promise<number> {
    const n = await this.fanOut();
    await this.deliverDue();
    return n;
  }

  /**
   * After a write commits: fan its events out now. Only channels that got new deliveries are woken
   * (a write with no e-mail, tweet or webhook to send costs no delivery query); retries and other
   * instances' rows are found by the poll.
   */
  async afterCommit(): Promise<void> {
    await this.fanOut();
  }

  /** Sends due deliveries of every configured channel until none are due now. */
  async deliverDue(): Promise<number> {
    const counts = await Promise.all(this.activeSenders().map((s) => s.run()));
    return counts.reduce((a, b) => a + b, 0);
  }

  // Deliveries of a channel this instance lacks or has switched off wait (a rolling deploy, SMTP
  // settings removed for a while) rather than being dead-lettered.
  private activeSenders(): ChannelSender[] {
    return this.senders.filter((s) => s.channel.enabled());
  }

  private kickSenders(only?: Set<string>): void {
    for (const s of this.activeSenders()) if (!only || only.has(s.channel.name)) void s.run().catch((err) => this.logger.error({ err, channel: s.channel.name }, 'delivery failed'));
  }

  /** Fans out until no event is pending; a call while it runs makes it look once more. */
  private fanOut(): Promise<number> {
    this.fanAgain = true;
    this.fanning ??= (async () => {
      await null; // `fanning` is set before the first look
      let total = 0;
      try {
        while (this.fanAgain) {
          this.fanAgain = false;
          total += await this.fanOutPending();
        }
      } finally {
        this.fanning = null;
      }
      return total;
    })();
    return this.fanning;
  }

  private async fanOutPending(): Promise<number> {
    let total = 0;
    for (;;) {
      const events: OutboxEvent[] = [];
      const planned = new Set<string>();
      const batch = await this.db.transaction(async (tx) => {
        const rows = await tx.select().from(outboxEvents).where(isNull(outboxEvents.dispatchedAt)).orderBy(asc(outboxEvents.id)).limit(EVENT_BATCH).for('update', { skipLocked: true });
        const now = this.clock.now();
        for (const row of rows) {
          const event: OutboxEvent = { id: row.id, type: row.type, payload: row.payload as Record<string, unknown>, createdAt: row.createdAt };
          this.eventCache.set(event.id, event); // overwrite: ids can restart (a restored or emptied database)
          for (const ch of this.live) {
            if (!ch.accepts(event)) continue;
            await ch.deliver(event).catch((err) => this.logger.warn({ err, channel: ch.name, event: event.id }, 'live push failed'));
          }
          for (const ch of this.channels) {
            if (!ch.enabled()) continue;
            const plan = await ch.plan(event, tx as unknown as Db);
            if (plan.length) planned.add(ch.name);
            for (let i = 0; i < plan.length; i += 1000) {
              await tx
                .insert(deliveries)
                .values(plan.slice(i, i + 1000).map((p) => ({ eventId: event.id, channel: ch.name, target: p.target, idempotencyKey: `${event.id}:${ch.name}:${p.target}`, payload: p.payload ?? null, nextAttemptAt: now, createdAt: now })))
                .onConflictDoNothing();
            }
          }
          events.push(event);
        }
        if (rows.length) {
          await tx.update(outboxEvents).set({ dispatchedAt: now }).where(inArray(outboxEvents.id, rows.map((r) => r.id)));
          // Other instances learn of the change on commit (LISTEN beacon_changes) and rebuild too.
          if (this.notifyInstances) await tx.execute(sql`select pg_notify('beacon_changes', ${[...new Set(rows.map((r) => r.type))].join(',')})`);
        }
        return rows.length;
      });
      total += batch;
      // One call per batch: a write's several events (created, component changed…) are one change to react to.
      if (events.length) for (const fn of this.listeners) fn(events);
      if (planned.size) this.kickSenders(planned); // the new deliveries go out now, each channel on its own
      if (batch < EVENT_BATCH) return total;
    }
  }

  private async event(id: number): Promise<OutboxEvent | undefined> {
    const hit = this.eventCache.get(id);
    if (hit) return hit;
    const [row] = await this.db.select().from(outboxEvents).where(eq(outboxEvents.id, id));
    if (!row) return undefined;
    const e = { id: row.id, type: row.type, payload: row.payload as Record<string, unknown>, createdAt: row.createdAt };
    if (this.eventCache.size > 1000) this.eventCache.clear();
    this.eventCache.set(id, e);
    return e;
  }
}

/** Admin: put a dead (or pending) delivery back in the queue now. */
export async function retryDelivery(db: Db, id: number, now: Date) {
  const [row] = await db
    .update(deliveries)
    .set({ status: 'pending', nextAttemptAt: now, attempts: sql`least(${deliveries.attempts}, ${MAX_ATTEMPTS - 1})` })
    .where(and(eq(deliveries.id, id), inArray(deliveries.status, ['dead', 'pending'])))
    .returning();
  return row ?? null;
}

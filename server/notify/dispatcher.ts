import { and, asc, eq, inArray, isNull, lte, sql } from 'drizzle-orm';
import { deliveries, outboxEvents } from '../db/schema.js';
import type { Db } from '../db/client.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import { MAX_ATTEMPTS, retryDelayMs } from './backoff.js';
import type { DeliveryChannel, DeliveryRow, LiveChannel, OutboxEvent } from './channel.js';

const EVENT_BATCH = 100;
const DELIVERY_BATCH = 200;

/**
 * Two stages, both safe with several instances (FOR UPDATE SKIP LOCKED):
 *  1. fan-out: claim committed outbox events, push them to live channels and in-process listeners,
 *     and write one delivery row per (channel, target) — unique idempotency key, so never twice;
 *  2. delivery: claim due delivery rows and send them, recording success, a retry with backoff
 *     and jitter, or the dead-letter state. A crash mid-send rolls the claim back; the retry reuses
 *     the same idempotency key (Message-ID, duplicate-tweet check).
 */
export class OutboxDispatcher {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;
  private listeners: Array<(e: OutboxEvent) => void> = [];
  private eventCache = new Map<number, OutboxEvent>();

  constructor(
    private readonly db: Db,
    private readonly live: LiveChannel[],
    private readonly channels: DeliveryChannel[],
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly pollMs = 250,
    private readonly random: () => number = Math.random,
    private readonly notifyInstances = false,
  ) {}

  onEvent(fn: (e: OutboxEvent) => void): void {
    this.listeners.push(fn);
  }

  start(): void {
    const loop = async () => {
      await this.drain().catch((err) => this.logger.error({ err }, 'outbox dispatch failed'));
      this.timer = setTimeout(loop, this.pollMs);
      this.timer.unref();
    };
    void loop();
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  /** Fans out everything pending and sends every due delivery; returns the events handled. */
  drain(): Promise<number> {
    this.running ??= (async () => {
      const n = await this.fanOut();
      await this.deliverDue();
      return n;
    })().finally(() => (this.running = null));
    return this.running;
  }

  private async fanOut(): Promise<number> {
    let total = 0;
    for (;;) {
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
            const planned = await ch.plan(event, tx as unknown as Db);
            for (let i = 0; i < planned.length; i += 1000) {
              await tx
                .insert(deliveries)
                .values(planned.slice(i, i + 1000).map((p) => ({ eventId: event.id, channel: ch.name, target: p.target, idempotencyKey: `${event.id}:${ch.name}:${p.target}`, payload: p.payload ?? null, nextAttemptAt: now, createdAt: now })))
                .onConflictDoNothing();
            }
          }
          for (const fn of this.listeners) fn(event);
        }
        if (rows.length) {
          await tx.update(outboxEvents).set({ dispatchedAt: now }).where(inArray(outboxEvents.id, rows.map((r) => r.id)));
          // Other instances learn of the change on commit (LISTEN beacon_changes) and rebuild too.
          if (this.notifyInstances) await tx.execute(sql`select pg_notify('beacon_changes', ${[...new Set(rows.map((r) => r.type))].join(',')})`);
        }
        return rows.length;
      });
      total += batch;
      if (batch < EVENT_BATCH) return total;
    }
  }

  private async event(db: Db, id: number): Promise<OutboxEvent | undefined> {
    const hit = this.eventCache.get(id);
    if (hit) return hit;
    const [row] = await db.select().from(outboxEvents).where(eq(outboxEvents.id, id));
    if (!row) return undefined;
    const e = { id: row.id, type: row.type, payload: row.payload as Record<string, unknown>, createdAt: row.createdAt };
    if (this.eventCache.size > 1000) this.eventCache.clear();
    this.eventCache.set(id, e);
    return e;
  }

  /** Sends due deliveries until none are due now. */
  async deliverDue(): Promise<number> {
    // Deliveries of a channel this instance lacks or has switched off wait (a rolling deploy, SMTP
    // settings removed for a while) rather than being dead-lettered.
    const enabled = this.channels.filter((c) => c.enabled());
    if (!enabled.length) return 0;
    const byName = new Map(enabled.map((c) => [c.name, c]));
    let sent = 0;
    for (;;) {
      const n = await this.db.transaction(async (tx) => {
        const now = this.clock.now();
        const rows = await tx
          .select()
          .from(deliveries)
          .where(and(eq(deliveries.status, 'pending'), lte(deliveries.nextAttemptAt, now), inArray(deliveries.channel, [...byName.keys()])))
          .orderBy(asc(deliveries.nextAttemptAt), asc(deliveries.id))
          .limit(DELIVERY_BATCH)
          .for('update', { skipLocked: true });
        const groups = new Map<string, DeliveryRow[]>();
        for (const r of rows) groups.set(r.channel, [...(groups.get(r.channel) ?? []), r]);
        await Promise.all(
          [...groups].map(async ([name, list]) => {
            const ch = byName.get(name);
            const limit = ch?.concurrency ?? 5;
            for (let i = 0; i < list.length; i += limit) {
              await Promise.all(list.slice(i, i + limit).map((d) => this.sendOne(tx as unknown as Db, ch, d, now)));
            }
          }),
        );
        return rows.length;
      });
      sent += n;
      if (n < DELIVERY_BATCH) return sent;
    }
  }

  private async sendOne(tx: Db, ch: DeliveryChannel | undefined, d: DeliveryRow, now: Date): Promise<void> {
    let result;
    try {
      const event = await this.event(tx, d.eventId);
      if (!ch || !ch.enabled()) result = { ok: false as const, error: ch ? `${ch.name} is not configured` : `unknown channel ${d.channel}`, permanent: !ch };
      else if (!event) result = { ok: false as const, error: 'event missing', permanent: true };
      else result = await ch.send(d, event, { db: tx, now });
    } catch (err) {
      result = { ok: false as const, error: (err as Error).message ?? String(err) };
    }
    if (result.ok) {
      await tx.update(deliveries).set({ status: 'delivered', deliveredAt: now, externalId: result.externalId ?? null, attempts: d.attempts + 1, lastError: null }).where(eq(deliveries.id, d.id));
      return;
    }
    if (result.retryAt) {
      // The channel told us when to come back (rate limit): reschedule without spending an attempt.
      await tx.update(deliveries).set({ nextAttemptAt: result.retryAt, lastError: result.error }).where(eq(deliveries.id, d.id));
      return;
    }
    const attempts = d.attempts + 1;
    const dead = result.permanent || attempts >= MAX_ATTEMPTS;
    await tx
      .update(deliveries)
      .set({ attempts, lastError: result.error.slice(0, 1000), status: dead ? 'dead' : 'pending', nextAttemptAt: dead ? d.nextAttemptAt : new Date(now.getTime() + retryDelayMs(attempts, this.random)) })
      .where(eq(deliveries.id, d.id));
    this.logger.warn({ channel: d.channel, delivery: d.id, attempts, dead, error: result.error }, 'delivery failed');
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

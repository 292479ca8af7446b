import { asc, inArray, isNull } from 'drizzle-orm';
import { outboxEvents } from '../db/schema.js';
import type { Db } from '../db/client.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { Channel, OutboxEvent } from './channel.js';

/**
 * Claims committed outbox events (FOR UPDATE SKIP LOCKED, so instances never take the same one)
 * and fans each out to the channels that accept it, then marks it dispatched.
 * Listeners are in-process reactions (re-arming timers) that run for every event.
 */
export class OutboxDispatcher {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;
  private listeners: Array<(e: OutboxEvent) => void> = [];

  constructor(
    private readonly db: Db,
    private readonly channels: Channel[],
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly pollMs = 250,
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

  /** Dispatches everything pending now; returns how many events were handled. */
  drain(): Promise<number> {
    this.running ??= this.drainOnce().finally(() => (this.running = null));
    return this.running;
  }

  private async drainOnce(): Promise<number> {
    let total = 0;
    for (;;) {
      const batch = await this.db.transaction(async (tx) => {
        const rows = await tx.select().from(outboxEvents).where(isNull(outboxEvents.dispatchedAt)).orderBy(asc(outboxEvents.id)).limit(100).for('update', { skipLocked: true });
        for (const row of rows) {
          const event: OutboxEvent = { id: row.id, type: row.type, payload: row.payload as Record<string, unknown>, createdAt: row.createdAt };
          for (const ch of this.channels) {
            if (!ch.accepts(event)) continue;
            try {
              await ch.deliver(event);
            } catch (err) {
              this.logger.error({ err, channel: ch.name, event: event.id }, 'channel delivery failed');
            }
          }
          for (const fn of this.listeners) fn(event);
        }
        if (rows.length) await tx.update(outboxEvents).set({ dispatchedAt: this.clock.now() }).where(inArray(outboxEvents.id, rows.map((r) => r.id)));
        return rows.length;
      });
      total += batch;
      if (batch < 100) return total;
    }
  }
}

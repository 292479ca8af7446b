import { and, asc, eq, inArray, isNull, lte, or } from 'drizzle-orm';
import { deliveries } from '../db/schema.js';
import type { Db } from '../db/client.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import { MAX_ATTEMPTS, retryDelayMs } from './backoff.js';
import type { DeliveryChannel, DeliveryRow, OutboxEvent, SendResult } from './channel.js';

/** Rows claimed per send slot at a time: enough to keep the slots busy, few enough to keep leases short. */
const CLAIM_PER_SLOT = 2;
/** A send starts only with at least this much lease left, and is aborted when only this much remains. */
const LEASE_MARGIN_FRACTION = 0.2;

/**
 * Sends one channel's due deliveries, independently of every other channel (a hung SMTP server
 * holds up e-mail, never webhooks or tweets). Each row is claimed with a lease committed BEFORE its
 * send — one short statement, FOR UPDATE SKIP LOCKED so instances never claim the same row — and
 * its outcome is recorded in its own statement as soon as the send returns. A crash therefore
 * re-sends at most the sends in flight (≤ the channel's concurrency); a claimed row that was never
 * sent comes back when its lease runs out, so nothing is lost.
 */
export class ChannelSender {
  private running: Promise<number> | null = null;
  private again = false;
  private stopping = false;

  constructor(
    private readonly db: Db,
    readonly channel: DeliveryChannel,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly leaseMs: number,
    private readonly random: () => number,
    private readonly eventOf: (id: number) => Promise<OutboxEvent | undefined>,
  ) {}

  get concurrency(): number {
    return Math.max(1, Math.floor(this.channel.concurrency ?? 5));
  }

  /** Sends until nothing of this channel is due; a call while it runs makes it look once more. */
  run(): Promise<number> {
    if (this.stopping) return Promise.resolve(0);
    this.again = true;
    this.running ??= this.loop();
    return this.running;
  }

  /** Lets the sends in flight finish (each is bounded by the channel's timeouts) and starts no more. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.running?.catch(() => {});
    this.stopping = false;
  }

  private async loop(): Promise<number> {
    await null; // `running` is set before the first look
    let sent = 0;
    try {
      while (this.again && !this.stopping) {
        this.again = false;
        sent += await this.sendDue();
      }
    } finally {
      this.running = null; // in the same tick as the last look: a later run() starts a new loop
    }
    return sent;
  }

  private async sendDue(): Promise<number> {
    const size = this.concurrency * CLAIM_PER_SLOT;
    const queue: Array<{ row: DeliveryRow; deadline: number }> = [];
    let exhausted = false;
    let failure: unknown = null;
    let claiming: Promise<void> | null = null;
    let sent = 0;
    const refill = () =>
      (claiming ??= this.claim(size)
        .then((rows) => {
          const deadline = performance.now() + this.leaseMs * (1 - LEASE_MARGIN_FRACTION);
          for (const row of rows) queue.push({ row, deadline });
          exhausted = rows.length < size;
        })
        .catch((err) => {
          failure = err;
          exhausted = true;
        })
        .finally(() => (claiming = null)));
    const slot = async () => {
      for (;;) {
        const next = this.stopping ? undefined : queue.shift();
        if (!next) {
          if (exhausted || this.stopping) return;
          await refill();
          continue;
        }
        if (await this.sendOne(next.row, next.deadline)) sent++;
      }
    };
    await Promise.all(Array.from({ length: this.concurrency }, slot));
    // Stopping: hand back what was claimed but not started, so a restart need not wait for the lease.
    if (queue.length) await this.release(queue.splice(0).map((q) => q.row)).catch(() => {});
    if (failure) throw failure;
    return sent;
  }

  /** One short statement: lease up to `n` due rows of this channel, oldest first. */
  private async claim(n: number): Promise<DeliveryRow[]> {
    const now = this.clock.now();
    const due = this.db
      .select({ id: deliveries.id })
      .from(deliveries)
      .where(and(eq(deliveries.status, 'pending'), eq(deliveries.channel, this.channel.name), lte(deliveries.nextAttemptAt, now), or(isNull(deliveries.lockedUntil), lte(deliveries.lockedUntil, now))))
      .orderBy(asc(deliveries.nextAttemptAt), asc(deliveries.id))
      .limit(n)
      .for('update', { skipLocked: true });
    const rows = await this.db
      .update(deliveries)
      .set({ lockedUntil: new Date(now.getTime() + this.leaseMs) })
      .where(inArray(deliveries.id, due))
      .returning();
    // RETURNING has no order; threads (Twitter) need the oldest first.
    rows.sort((a, b) => a.nextAttemptAt.getTime() - b.nextAttemptAt.getTime() || a.id - b.id);
    if (rows.length) await this.channel.prepare?.(rows, this.db).catch((err) => this.logger.warn({ err, channel: this.channel.name }, 'could not prepare a batch'));
    return rows;
  }

  private async release(rows: DeliveryRow[]): Promise<void> {
    if (!rows.length) return;
    await this.db.update(deliveries).set({ lockedUntil: null }).where(and(inArray(deliveries.id, rows.map((r) => r.id)), eq(deliveries.status, 'pending')));
  }

  /** Sends one claimed row and records the outcome at once; true when it was attempted. */
  private async sendOne(d: DeliveryRow, deadline: number): Promise<boolean> {
    const left = deadline - performance.now();
    if (left <= 0) {
      // Too little lease left to send safely (another instance may take it over): give it back.
      await this.release([d]).catch((err) => this.logger.warn({ err, delivery: d.id }, 'could not release a delivery'));
      return false;
    }
    const ch = this.channel;
    const now = this.clock.now();
    let result: SendResult;
    try {
      const event = await this.eventOf(d.eventId);
      if (!ch.enabled()) result = { ok: false, error: `${ch.name} is not configured` };
      else if (!event) result = { ok: false, error: 'event missing', permanent: true };
      else result = await ch.send(d, event, { db: this.db, now, signal: AbortSignal.timeout(Math.ceil(left)) });
    } catch (err) {
      result = { ok: false, error: (err as Error).message ?? String(err) };
    }
    try {
      await this.record(d, result, now);
    } catch (err) {
      // Unrecorded: the lease runs out and the row is sent again with the same idempotency key.
      this.logger.error({ err, channel: ch.name, delivery: d.id }, 'could not record a delivery outcome');
    }
    return true;
  }

  private async record(d: DeliveryRow, result: SendResult, now: Date): Promise<void> {
    // Only a pending row changes: an admin or another instance may have settled it meanwhile.
    const mine = and(eq(deliveries.id, d.id), eq(deliveries.status, 'pending'));
    if (result.ok) {
      await this.db.update(deliveries).set({ status: 'delivered', deliveredAt: now, externalId: result.externalId ?? null, attempts: d.attempts + 1, lastError: null, lockedUntil: null }).where(mine);
      return;
    }
    if (result.retryAt) {
      // The channel told us when to come back (rate limit): reschedule without spending an attempt.
      await this.db.update(deliveries).set({ nextAttemptAt: result.retryAt, lastError: result.error, lockedUntil: null }).where(mine);
      return;
    }
    const attempts = d.attempts + 1;
    const dead = result.permanent || attempts >= MAX_ATTEMPTS;
    await this.db
      .update(deliveries)
      .set({ attempts, lastError: result.error.slice(0, 1000), status: dead ? 'dead' : 'pending', nextAttemptAt: dead ? d.nextAttemptAt : new Date(now.getTime() + retryDelayMs(attempts, this.random)), lockedUntil: null })
      .where(mine);
    this.logger.warn({ channel: d.channel, delivery: d.id, attempts, dead, error: result.error }, 'delivery failed');
  }
}

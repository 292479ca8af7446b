import type { Db, Executor } from '../db/client.js';
import type { deliveries } from '../db/schema.js';

/** An outbox event as channels see it. */
export interface OutboxEvent {
  id: number;
  type: string;
  payload: Record<string, unknown>;
  createdAt: Date;
}

/** In-process push (socket.io rooms): immediate, best effort, nothing to retry. */
export interface LiveChannel {
  name: string;
  accepts(event: OutboxEvent): boolean;
  deliver(event: OutboxEvent): Promise<void>;
}

export type DeliveryRow = typeof deliveries.$inferSelect;

export interface PlannedDelivery {
  /** Who receives it: a subscriber id, a webhook id, 'twitter', a staff user id … */
  target: string;
  payload?: Record<string, unknown>;
}

/** What a send gets besides the delivery: the database, the time, and a signal that fires before its lease runs out. */
export interface SendContext {
  db: Db;
  now: Date;
  signal?: AbortSignal;
}

export type SendResult =
  | { ok: true; externalId?: string }
  /** `retryAt`: the channel said when (a rate limit) — not counted as a failed attempt. */
  | { ok: false; error: string; permanent?: boolean; retryAt?: Date };

/**
 * A channel with durable deliveries: one file per channel, one contract. `plan` runs in the
 * fan-out transaction and names the targets of an event; `send` delivers one, idempotently where
 * the channel allows (the delivery's idempotency key is stable across retries).
 */
export interface DeliveryChannel {
  name: string;
  /** False when the channel is not configured (no SMTP_URL, no Twitter credentials). */
  enabled(): boolean;
  plan(event: OutboxEvent, tx: Executor): Promise<PlannedDelivery[]>;
  send(delivery: DeliveryRow, event: OutboxEvent, ctx: SendContext): Promise<SendResult>;
  /**
   * How many sends of this channel may run at once (pooled SMTP, rate-limited APIs) — also the most
   * a crash can send twice, since each outcome is recorded as soon as its send returns.
   */
  concurrency?: number;
  /** Optional: load in one query what the sends of a just-claimed batch will read (subscribers). */
  prepare?(deliveries: DeliveryRow[], db: Db): Promise<void>;
  /** Releases pooled connections (SMTP) when the runtime stops. */
  close?(): void;
}

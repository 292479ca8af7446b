// Deliveries, subscribers, webhook endpoints and incident templates.
import { sql } from 'drizzle-orm';
import { bigint, bigserial, boolean, index, integer, jsonb, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { ts } from './columns.js';
import { components, incidentStatuses, type ComponentStatus } from './incidents.js';

export const deliveryStatuses = ['pending', 'delivered', 'dead'] as const;

/**
 * One row per (event, channel, target): the unit of retry. The idempotency key is unique, so
 * fanning an event out twice (a crash, a second instance) never creates a second delivery.
 */
export const deliveries = pgTable(
  'deliveries',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    eventId: bigint('event_id', { mode: 'number' }).notNull(),
    channel: text('channel').notNull(),
    target: text('target').notNull(),
    idempotencyKey: text('idempotency_key').notNull().unique(),
    payload: jsonb('payload'),
    status: text('status', { enum: deliveryStatuses }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: ts('next_attempt_at').notNull(),
    lastError: text('last_error'),
    externalId: text('external_id'),
    deliveredAt: ts('delivered_at'),
    createdAt: ts('created_at').notNull(),
    /** Lease of the dispatcher sending it now; an expired lease (a crashed sender) makes it claimable again. */
    lockedUntil: ts('locked_until'),
  },
  (t) => [index('deliveries_due_idx').on(t.nextAttemptAt).where(sql`status = 'pending'`), index('deliveries_status_idx').on(t.status, t.channel)],
);

/** Public e-mail subscribers (double opt-in). `componentIds` null = everything. */
export const subscribers = pgTable(
  'subscribers',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    email: text('email').notNull(),
    componentIds: jsonb('component_ids').$type<string[] | null>(),
    confirmedAt: ts('confirmed_at'),
    unsubscribedAt: ts('unsubscribed_at'),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
  },
  (t) => [uniqueIndex('subscribers_email_key').on(sql`lower(${t.email})`)],
);

/** Webhook endpoints; payloads are signed with HMAC-SHA256 using `secret`. */
export const webhookEndpoints = pgTable('webhook_endpoints', {
  id: uuid('id').primaryKey().defaultRandom(),
  url: text('url').notNull(),
  /** 'generic' (signed Beacon JSON), 'slack' (Block Kit) or 'teams' (Adaptive Card). */
  type: text('type').notNull().default('generic'),
  secret: text('secret').notNull(),
  componentIds: jsonb('component_ids').$type<string[] | null>(),
  description: text('description'),
  active: boolean('active').notNull().default(true),
  createdBy: uuid('created_by'),
  createdAt: ts('created_at').notNull(),
  updatedAt: ts('updated_at').notNull(),
});

export type TemplateComponent = { id: string; status: ComponentStatus };

/** Saved incident texts staff start an incident or an update from; placeholders are filled on use. */
export const incidentTemplates = pgTable('incident_templates', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull(),
  title: text('title'),
  message: text('message').notNull(),
  severity: integer('severity'),
  /** The incident status an update from this template posts (create always starts investigating). */
  status: text('status', { enum: incidentStatuses }),
  components: jsonb('components').$type<TemplateComponent[]>().notNull().default([]),
  customTweet: text('custom_tweet'),
  deliverNotifications: boolean('deliver_notifications').notNull().default(true),
  createdBy: uuid('created_by'),
  createdAt: ts('created_at').notNull(),
  updatedAt: ts('updated_at').notNull(),
});

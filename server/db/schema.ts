import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

// ---- staff and access -------------------------------------------------------------------------

export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    email: text('email').notNull(),
    name: text('name').notNull(),
    role: text('role', { enum: ['admin', 'regular', 'observer'] }).notNull(),
    passwordHash: text('password_hash'),
    active: boolean('active').notNull().default(true),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
  },
  (t) => [uniqueIndex('users_email_key').on(sql`lower(${t.email})`)],
);

export const sessions = pgTable(
  'sessions',
  {
    idHash: text('id_hash').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: ts('created_at').notNull(),
    expiresAt: ts('expires_at').notNull(),
  },
  (t) => [index('sessions_user_idx').on(t.userId)],
);

export const apiTokens = pgTable(
  'api_tokens',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    tokenHash: text('token_hash').notNull().unique(),
    prefix: text('prefix').notNull(),
    createdAt: ts('created_at').notNull(),
    lastUsedAt: ts('last_used_at'),
    revokedAt: ts('revoked_at'),
  },
  (t) => [index('api_tokens_user_idx').on(t.userId)],
);

/** Failed-login streaks, keyed by e-mail so unknown addresses lock exactly like known ones. */
export const loginAttempts = pgTable('login_attempts', {
  email: text('email').primaryKey(),
  failures: integer('failures').notNull().default(0),
  lockedUntil: ts('locked_until'),
  lastFailureAt: ts('last_failure_at'),
});

/** One-time links: first-admin setup (userId null) and invitations/password resets. */
export const oneTimeTokens = pgTable('one_time_tokens', {
  tokenHash: text('token_hash').primaryKey(),
  purpose: text('purpose', { enum: ['setup', 'set_password'] }).notNull(),
  userId: uuid('user_id').references(() => users.id, { onDelete: 'cascade' }),
  createdAt: ts('created_at').notNull(),
  expiresAt: ts('expires_at').notNull(),
  usedAt: ts('used_at'),
});

export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    at: ts('at').notNull(),
    actorId: uuid('actor_id'),
    actorEmail: text('actor_email'),
    action: text('action').notNull(),
    subjectType: text('subject_type').notNull(),
    subjectId: text('subject_id'),
    before: jsonb('before'),
    after: jsonb('after'),
    requestId: text('request_id'),
  },
  (t) => [index('audit_log_at_idx').on(t.at)],
);

export const settings = pgTable('settings', {
  key: text('key').primaryKey(),
  value: jsonb('value').notNull(),
  updatedAt: ts('updated_at').notNull(),
});

/** Side-effect intents written in the same transaction as the change (the outbox). */
export const outboxEvents = pgTable(
  'outbox_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    type: text('type').notNull(),
    payload: jsonb('payload').notNull(),
    createdAt: ts('created_at').notNull(),
    dispatchedAt: ts('dispatched_at'),
  },
  (t) => [index('outbox_events_pending_idx').on(t.id).where(sql`dispatched_at is null`)],
);

// ---- components and incidents -----------------------------------------------------------------

export const componentStatuses = [
  'operational',
  'degraded_performance',
  'partial_outage',
  'major_outage',
  'under_maintenance',
] as const;
export type ComponentStatus = (typeof componentStatuses)[number];

export const components = pgTable('components', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull(),
  description: text('description'),
  isGroup: boolean('is_group').notNull().default(false),
  groupId: uuid('group_id'),
  position: integer('position').notNull().default(0),
  status: text('status', { enum: componentStatuses }).notNull().default('operational'),
  showcase: boolean('showcase').notNull().default(true),
  onlyShowIfDegraded: boolean('only_show_if_degraded').notNull().default(false),
  startDate: text('start_date'),
  createdAt: ts('created_at').notNull(),
  updatedAt: ts('updated_at').notNull(),
});

export const incidentStatuses = ['investigating', 'identified', 'monitoring', 'resolved'] as const;
export type IncidentStatus = (typeof incidentStatuses)[number];

export interface BackdatedMilestone {
  /** The milestone time as recorded (earlier than `recorded_at`). */
  at: string;
  recorded_at: string;
  reason: string;
  actor_id: string | null;
  actor_name: string | null;
}
export type BackdatedMilestones = Partial<Record<'work_start' | 'temporary_fix' | 'final_fix', BackdatedMilestone>>;

export const incidents = pgTable(
  'incidents',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    title: text('title').notNull(),
    severity: integer('severity').notNull(),
    status: text('status', { enum: incidentStatuses }).notNull(),
    reportedAt: ts('reported_at').notNull(),
    ownerId: uuid('owner_id').references(() => users.id, { onDelete: 'set null' }),
    workStartAt: ts('work_start_at'),
    temporaryFixAt: ts('temporary_fix_at'),
    finalFixAt: ts('final_fix_at'),
    monitoringAt: ts('monitoring_at'),
    resolvedAt: ts('resolved_at'),
    /** SLA goals (ms per milestone) frozen when the incident closes; null while open = current policy. */
    slaGoals: jsonb('sla_goals'),
    /** Milestones recorded with a time earlier than when they were entered: who, when and why. */
    backdatedMilestones: jsonb('backdated_milestones').$type<BackdatedMilestones>().notNull().default({}),
    /** The pending "next update by" commitment: the latest public update's, cleared by resolution. */
    nextUpdateAt: ts('next_update_at'),
    /** The update that made the pending commitment (the warnings are keyed on it). */
    nextUpdateFrom: uuid('next_update_from'),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
  },
  (t) => [index('incidents_reported_idx').on(t.reportedAt), index('incidents_status_idx').on(t.status)],
);

export const incidentComponents = pgTable(
  'incident_components',
  {
    incidentId: uuid('incident_id')
      .notNull()
      .references(() => incidents.id, { onDelete: 'cascade' }),
    componentId: uuid('component_id')
      .notNull()
      .references(() => components.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.incidentId, t.componentId] })],
);

export type AffectedComponent = { code: string; name: string; old_status: string; new_status: string };

/** Public updates: what customers see (Statuspage's incident_updates). */
export const incidentUpdates = pgTable(
  'incident_updates',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    incidentId: uuid('incident_id')
      .notNull()
      .references(() => incidents.id, { onDelete: 'cascade' }),
    status: text('status', { enum: incidentStatuses }).notNull(),
    body: text('body').notNull(),
    deliverNotifications: boolean('deliver_notifications').notNull().default(true),
    customTweet: text('custom_tweet'),
    skipTwitter: boolean('skip_twitter').notNull().default(false),
    affectedComponents: jsonb('affected_components').$type<AffectedComponent[] | null>(),
    authorId: uuid('author_id'),
    createdAt: ts('created_at').notNull(),
    displayAt: ts('display_at').notNull(),
    /** "Next update by": when this update promised the next one (null = no commitment). */
    nextUpdateAt: ts('next_update_at'),
  },
  (t) => [index('incident_updates_incident_idx').on(t.incidentId, t.createdAt)],
);

/** Staff-side timeline: notes, milestones, severity and component changes. Never public. */
export const incidentEvents = pgTable(
  'incident_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    incidentId: uuid('incident_id')
      .notNull()
      .references(() => incidents.id, { onDelete: 'cascade' }),
    kind: text('kind', {
      enum: ['created', 'update', 'note', 'milestone', 'severity_change', 'component_change', 'reopen'],
    }).notNull(),
    data: jsonb('data').notNull(),
    actorId: uuid('actor_id'),
    actorName: text('actor_name'),
    at: ts('at').notNull(),
  },
  (t) => [index('incident_events_incident_idx').on(t.incidentId, t.id)],
);

/** One row per (incident, goal, level) ever fired: the unique key makes each warning fire once. */
export const slaWarnings = pgTable(
  'sla_warnings',
  {
    incidentId: uuid('incident_id')
      .notNull()
      .references(() => incidents.id, { onDelete: 'cascade' }),
    goal: text('goal', { enum: ['work_start', 'temporary_fix', 'final_fix'] }).notNull(),
    level: text('level', { enum: ['50', '80', 'breach'] }).notNull(),
    dueAt: ts('due_at').notNull(),
    firedAt: ts('fired_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.incidentId, t.goal, t.level] })],
);

/**
 * One row per (incident, update, level) of a "next update by" warning ever fired: at 80 % of the
 * promised interval and when it lapsed. The key makes each fire once across restarts and instances.
 */
export const cadenceWarnings = pgTable(
  'cadence_warnings',
  {
    incidentId: uuid('incident_id')
      .notNull()
      .references(() => incidents.id, { onDelete: 'cascade' }),
    updateId: uuid('update_id')
      .notNull()
      .references(() => incidentUpdates.id, { onDelete: 'cascade' }),
    level: text('level', { enum: ['80', 'lapsed'] }).notNull(),
    dueAt: ts('due_at').notNull(),
    firedAt: ts('fired_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.incidentId, t.updateId, t.level] })],
);

// ---- maintenance ------------------------------------------------------------------------------

export const maintenanceStatuses = ['scheduled', 'in_progress', 'verifying', 'completed', 'cancelled'] as const;
export type MaintenanceStatus = (typeof maintenanceStatuses)[number];

export const maintenances = pgTable(
  'maintenances',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    title: text('title').notNull(),
    body: text('body').notNull(),
    kind: text('kind', { enum: ['planned', 'unplanned'] }).notNull(),
    status: text('status', { enum: maintenanceStatuses }).notNull(),
    scheduledFor: ts('scheduled_for').notNull(),
    scheduledUntil: ts('scheduled_until').notNull(),
    notify: boolean('notify').notNull().default(true),
    reason: text('reason'),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
    /** When the current schedule was set (creation or last reschedule): decides the 24 h reminder. */
    scheduledAt: ts('scheduled_at').notNull(),
    startedAt: ts('started_at'),
    completedAt: ts('completed_at'),
    cancelledAt: ts('cancelled_at'),
    /** When staff moved it to "verifying" (Statuspage's monitoring_at). */
    verifyingAt: ts('verifying_at'),
    /** iCalendar SEQUENCE: bumped on every reschedule, edit and status change (RFC 5545 §3.8.7.4). */
    sequence: integer('sequence').notNull().default(0),
  },
  (t) => [index('maintenances_status_idx').on(t.status), index('maintenances_scheduled_for_idx').on(t.scheduledFor)],
);

export const maintenanceComponents = pgTable(
  'maintenance_components',
  {
    maintenanceId: uuid('maintenance_id')
      .notNull()
      .references(() => maintenances.id, { onDelete: 'cascade' }),
    componentId: uuid('component_id')
      .notNull()
      .references(() => components.id, { onDelete: 'cascade' }),
    /** Status before the maintenance started, restored at completion; null until started. */
    previousStatus: text('previous_status', { enum: componentStatuses }),
  },
  (t) => [primaryKey({ columns: [t.maintenanceId, t.componentId] })],
);

export const maintenanceNoticeKinds = ['announced', 'reminder_24h', 'in_app_30m', 'started', 'completed', 'overrun'] as const;
export type MaintenanceNoticeKind = (typeof maintenanceNoticeKinds)[number];

/** One row per notice ever fired; the instant is in the key so a reschedule gets fresh notices. */
export const maintenanceNotices = pgTable(
  'maintenance_notices',
  {
    maintenanceId: uuid('maintenance_id')
      .notNull()
      .references(() => maintenances.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: maintenanceNoticeKinds }).notNull(),
    instant: ts('instant').notNull(),
    firedAt: ts('fired_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.maintenanceId, t.kind, t.instant] })],
);

// ---- notices ----------------------------------------------------------------------------------

export const noticeLevels = ['info', 'warning', 'critical'] as const;
export type NoticeLevel = (typeof noticeLevels)[number];

/** Staff-written in-app banners, shown from publish_at until expire_at (open-ended when null). */
export const notices = pgTable(
  'notices',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    title: text('title').notNull(),
    body: text('body').notNull(),
    level: text('level', { enum: noticeLevels }).notNull(),
    publishAt: ts('publish_at').notNull(),
    expireAt: ts('expire_at'),
    dismissible: boolean('dismissible').notNull().default(true),
    url: text('url'),
    /** The audience: the components (or groups) it concerns; null = page-wide (every banner shows it). */
    componentIds: jsonb('component_ids').$type<string[] | null>(),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
  },
  (t) => [index('notices_publish_at_idx').on(t.publishAt)],
);

// ---- notifications -----------------------------------------------------------------------------

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
  secret: text('secret').notNull(),
  componentIds: jsonb('component_ids').$type<string[] | null>(),
  description: text('description'),
  active: boolean('active').notNull().default(true),
  createdBy: uuid('created_by'),
  createdAt: ts('created_at').notNull(),
  updatedAt: ts('updated_at').notNull(),
});

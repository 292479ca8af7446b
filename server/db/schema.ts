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
    /** The public handle of a session (lists, "end this session"); the cookie's hash stays private. */
    id: uuid('id').notNull().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: ts('created_at').notNull(),
    expiresAt: ts('expires_at').notNull(),
    /** Updated at most once a minute, so a busy console does not write on every request. */
    lastSeenAt: ts('last_seen_at'),
    userAgent: text('user_agent'),
  },
  (t) => [index('sessions_user_idx').on(t.userId), uniqueIndex('sessions_id_key').on(t.id)],
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
/** Failed sign-in streaks per (e-mail, client address): a lock earned from one address binds only that address. */
export const loginAttempts = pgTable(
  'login_attempts',
  {
    email: text('email').notNull(),
    clientAddress: text('client_address').notNull().default(''),
    failures: integer('failures').notNull().default(0),
    lockedUntil: ts('locked_until'),
    lastFailureAt: ts('last_failure_at'),
  },
  (t) => [primaryKey({ columns: [t.email, t.clientAddress] }), index('login_attempts_last_failure_at_idx').on(t.lastFailureAt)],
);

/**
 * Fixed-window counters kept in the database, so limits hold across instances and follow the
 * injected clock: `sign_in:<client address>`, `confirmation_mails`.
 */
export const rateWindows = pgTable(
  'rate_windows',
  {
    bucket: text('bucket').primaryKey(),
    windowStartedAt: ts('window_started_at').notNull(),
    hits: integer('hits').notNull().default(0),
  },
  (t) => [index('rate_windows_window_started_at_idx').on(t.windowStartedAt)],
);

/** One-time links: first-admin setup (userId null), invitations and password resets. */
export const oneTimeTokens = pgTable(
  'one_time_tokens',
  {
    tokenHash: text('token_hash').primaryKey(),
    purpose: text('purpose', { enum: ['setup', 'set_password', 'reset_password'] }).notNull(),
    userId: uuid('user_id').references(() => users.id, { onDelete: 'cascade' }),
    createdAt: ts('created_at').notNull(),
    expiresAt: ts('expires_at').notNull(),
    usedAt: ts('used_at'),
  },
  (t) => [index('one_time_tokens_user_idx').on(t.userId)],
);

/**
 * A person's TOTP factor. The seed is sealed with the secrets key (AES-256-GCM), never stored in
 * clear; it takes effect once confirmed with a code. `lastUsedStep` refuses a code's replay.
 */
export const totpFactors = pgTable('totp_factors', {
  userId: uuid('user_id')
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  secretSealed: text('secret_sealed').notNull(),
  createdAt: ts('created_at').notNull(),
  confirmedAt: ts('confirmed_at'),
  lastUsedStep: bigint('last_used_step', { mode: 'number' }),
});

/** Single-use recovery codes (SHA-256 of high-entropy codes), shown once at enrolment. */
export const recoveryCodes = pgTable(
  'recovery_codes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    codeHash: text('code_hash').notNull(),
    createdAt: ts('created_at').notNull(),
    usedAt: ts('used_at'),
  },
  (t) => [index('recovery_codes_user_idx').on(t.userId)],
);

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
  /** Where an imported row came from (e.g. "statuspage:<id>"): makes importing twice a no-op. */
  externalId: text('external_id'),
}, (t) => [uniqueIndex('components_external_id_key').on(t.externalId)]);

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
    /** Postmortem in Markdown: the private draft, and the copy last published (public page and v2). */
    postmortemDraft: text('postmortem_draft'),
    postmortemDraftUpdatedAt: ts('postmortem_draft_updated_at'),
    postmortemBody: text('postmortem_body'),
    postmortemBodyUpdatedAt: ts('postmortem_body_updated_at'),
    postmortemPublishedAt: ts('postmortem_published_at'),
    postmortemNotifiedAt: ts('postmortem_notified_at'),
    /** The pending "next update by" commitment: the latest public update's, cleared by resolution. */
    nextUpdateAt: ts('next_update_at'),
    /** The update that made the pending commitment (the warnings are keyed on it). */
    nextUpdateFrom: uuid('next_update_from'),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
    externalId: text('external_id'),
  },
  (t) => [index('incidents_reported_idx').on(t.reportedAt), index('incidents_status_idx').on(t.status), uniqueIndex('incidents_external_id_key').on(t.externalId)],
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
    externalId: text('external_id'),
    /** "Next update by": when this update promised the next one (null = no commitment). */
    nextUpdateAt: ts('next_update_at'),
  },
  (t) => [index('incident_updates_incident_idx').on(t.incidentId, t.createdAt), uniqueIndex('incident_updates_external_id_key').on(t.externalId)],
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
    externalId: text('external_id'),
  },
  (t) => [index('maintenances_status_idx').on(t.status), index('maintenances_scheduled_for_idx').on(t.scheduledFor), uniqueIndex('maintenances_external_id_key').on(t.externalId)],
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

// ---- privacy -------------------------------------------------------------------------------------

/**
 * Every personal-data deletion: what kind of subject and a hash of its key — never the deleted data.
 * After a restore, entries newer than the backup are applied again (server/domain/privacy/deletionLedger.ts).
 */
export const deletionLedger = pgTable(
  'deletion_ledger',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    kind: text('kind').notNull(),
    subjectHash: text('subject_hash').notNull(),
    requestedAt: ts('requested_at').notNull(),
    appliedAt: ts('applied_at').notNull(),
  },
  (t) => [index('deletion_ledger_applied_idx').on(t.appliedAt)],
);

// ---- personal data ----------------------------------------------------------------------------

/**
 * Addresses that asked to be forgotten, as a keyed hash (HMAC-SHA256 with the session secret) —
 * never the address. Mail to a subscriber row older than its suppression is not sent (a row
 * brought back by a restore); confirming a new sign-up of the same address lifts it.
 */
export const subscriberSuppressions = pgTable('subscriber_suppressions', {
  emailHash: text('email_hash').primaryKey(),
  suppressedAt: ts('suppressed_at').notNull(),
});

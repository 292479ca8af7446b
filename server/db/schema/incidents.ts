// Components, incidents, their updates and timeline, SLA and next-update warnings.
import { bigserial, boolean, index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { ts } from './columns.js';
import { users } from './access.js';

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

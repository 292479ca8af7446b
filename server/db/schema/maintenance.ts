// Planned and unplanned maintenance and its notices.
import { boolean, index, integer, pgTable, primaryKey, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { ts } from './columns.js';
import { users } from './access.js';
import { componentStatuses, components } from './incidents.js';

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

// Staff-written notices for the status page and in-app banners.
import { boolean, index, jsonb, pgTable, text, uuid } from 'drizzle-orm/pg-core';
import { ts } from './columns.js';
import { users } from './access.js';

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

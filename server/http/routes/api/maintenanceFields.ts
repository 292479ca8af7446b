import { z } from 'zod';
import { maintenanceStatuses } from '../../../db/schema.js';
import type { MaintenanceDetail } from '../../../domain/maintenance/getMaintenance.js';
import type { WindowOccurrence } from '../../../domain/maintenance/windows.js';
import { presentComponent, PAGE_ID } from '../../../presenters/components.js';
import { isoDate } from '../../validate.js';
import { messageField, titleField } from './incidentFields.js';
import { iso } from '../../../presenters/iso.js';

const componentIds = z.array(z.string().uuid('must be a component id')).max(100);
const reasonField = z.string().trim().min(1, 'is required').max(2_000, 'must be at most 2000 characters');

export const scheduleBody = z.strictObject({
  title: titleField,
  body: messageField,
  kind: z.enum(['planned', 'unplanned']).default('planned'),
  scheduled_for: isoDate.optional(),
  scheduled_until: isoDate,
  components: componentIds.optional(),
  notify: z.boolean().optional(),
  reason: reasonField.optional(),
});

export const rescheduleBody = z
  .strictObject({
    title: titleField.optional(),
    body: messageField.optional(),
    scheduled_for: isoDate.optional(),
    scheduled_until: isoDate.optional(),
    notify: z.boolean().optional(),
    reason: reasonField.optional(),
  })
  .refine((b) => Object.values(b).some((v) => v !== undefined), { message: 'send at least one field to change' });

export const cancelBody = z.strictObject({ reason: reasonField.optional() });

const csvList = z.string().max(200).transform((s) => s.split(',').filter(Boolean));
export const listQuery = z.strictObject({
  status: csvList.pipe(z.array(z.enum(maintenanceStatuses))).optional(),
  from: isoDate.optional(),
  to: isoDate.optional(),
  limit: z.coerce.number().int().min(1).max(100).default(100),
});

export const windowsQuery = z.strictObject({
  from: isoDate.optional(),
  count: z.coerce.number().int().min(1).max(52).default(6),
});

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM');
export const windowsBody = z.strictObject({
  rules: z
    .array(z.strictObject({ weekday: z.number().int().min(1).max(7) as unknown as z.ZodType<1 | 2 | 3 | 4 | 5 | 6 | 7>, start: hhmm, end: hhmm, zone: z.string().min(1).max(64) }))
    .min(1, 'give at least one window')
    .max(14),
  effective_at: isoDate.optional(),
});

export function presentWindow(o: WindowOccurrence) {
  return { starts_at: o.startsAt.toISOString(), ends_at: o.endsAt.toISOString(), rule: { ...o.rule } };
}

/** Statuspage's scheduled-maintenance object plus Beacon's kind, notify, body and reason. */
export function presentMaintenance({ maintenance: m, components }: MaintenanceDetail) {
  return {
    id: m.id,
    name: m.title,
    status: m.status,
    impact: 'maintenance',
    page_id: PAGE_ID,
    created_at: iso(m.createdAt),
    updated_at: iso(m.updatedAt),
    scheduled_for: iso(m.scheduledFor),
    scheduled_until: iso(m.scheduledUntil),
    started_at: iso(m.startedAt),
    resolved_at: iso(m.completedAt),
    cancelled_at: iso(m.cancelledAt),
    components: components.map((c) => presentComponent(c)),
    kind: m.kind,
    notify: m.notify,
    body: m.body,
    reason: m.reason,
  };
}

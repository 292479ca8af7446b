import { z } from 'zod';
import { componentStatuses, incidentStatuses } from '../../../db/schema.js';
import { milestones } from '../../../domain/incidents/sla.js';
import { checkbox } from '../../forms.js';
import { customTweetField, messageField, reasonField, titleField } from '../api/incidentFields.js';
import { fieldError, localDateTime } from '../../validate.js';
import { parseDuration } from '../../durationText.js';
import { MAX_CADENCE_MINUTES } from '../../../domain/incidents/cadence.js';

// Console forms send flat fields; these schemas turn them into the same inputs the API takes.
// Component statuses arrive as `c.<component id>` = status, or "" for "not affected / unchanged".

const severity = z.enum(['1', '2', '3', '4'], { message: 'choose a severity' }).transform((v) => Number(v) as 1 | 2 | 3 | 4);
const componentId = z.string().uuid();
const MAX_COMPONENT_CHANGES = 100;

/** The `c.<component id>` selects of a form; a malformed name or status is a 400 naming that field. */
export function componentChangesFrom(body: Record<string, unknown> | undefined) {
  const entries = Object.entries(body ?? {}).filter(([k, v]) => k.startsWith('c.') && v !== '');
  if (entries.length > MAX_COMPONENT_CHANGES) throw fieldError('components', `at most ${MAX_COMPONENT_CHANGES} component changes at once`);
  return entries.map(([field, status]) => {
    if (!componentId.safeParse(field.slice(2)).success) throw fieldError(field.slice(0, 60), 'is not a component id');
    if (typeof status !== 'string' || !(componentStatuses as readonly string[]).includes(status)) throw fieldError(field, `must be one of ${componentStatuses.join(', ')}`);
    return { id: field.slice(2), status: status as (typeof componentStatuses)[number] };
  });
}

// An empty "Tweet" box means "use the generated tweet".
const tweetBox = z.preprocess((v) => (typeof v === 'string' && v.trim() ? v : undefined), customTweetField.optional());

// "Next update within": a duration such as 30m or 2h; blank = the severity's default interval.
const nextUpdateBox = z
  .string()
  .optional()
  .transform((v, ctx) => {
    if (!v || !v.trim()) return undefined;
    const d = parseDuration(v);
    if (!d.ok) {
      ctx.addIssue({ code: 'custom', message: d.message });
      return z.NEVER;
    }
    if (d.ms < 60_000 || d.ms > MAX_CADENCE_MINUTES * 60_000 || d.ms % 60_000) {
      ctx.addIssue({ code: 'custom', message: 'must be whole minutes from 1m to 7d, or blank for the default' });
      return z.NEVER;
    }
    return d.ms / 60_000;
  });

export const createForm = z
  .object({ title: titleField, severity, message: messageField, note: z.string().trim().max(10_000).optional(), reported_at: localDateTime.optional(), quiet: z.string().optional(), custom_tweet: tweetBox, next_update: nextUpdateBox })
  .transform((f) => ({ title: f.title, severity: f.severity, message: f.message, note: f.note || undefined, reported_at: f.reported_at, deliver_notifications: !checkbox(f.quiet), custom_tweet: f.custom_tweet, ...(f.next_update !== undefined && { next_update_in: f.next_update }) }));

export const updateForm = z
  .object({ status: z.enum(incidentStatuses), message: messageField, quiet: z.string().optional(), reopen: z.string().optional(), custom_tweet: tweetBox, skip_twitter: z.string().optional(), next_update: nextUpdateBox })
  .transform((f) => ({ status: f.status, message: f.message, deliver_notifications: !checkbox(f.quiet), reopen: checkbox(f.reopen), custom_tweet: f.custom_tweet, skip_twitter: checkbox(f.skip_twitter), ...(f.next_update !== undefined && f.status !== 'resolved' && { next_update_in: f.next_update }) }));

// The timer table's "Record" buttons: work start posts at once, a fix first opens its confirm step.
export const milestoneQuery = z.object({ milestone: z.enum(['temporary_fix', 'final_fix']), at: localDateTime.optional() });

const reasonBox = z.preprocess((v) => (typeof v === 'string' && v.trim() ? v : undefined), reasonField.optional());

export const milestoneForm = z
  .object({ milestone: z.enum(milestones), at: localDateTime.optional(), reason: reasonBox, message: messageField.optional(), quiet: z.string().optional() })
  .transform((f) => ({
    milestone: f.milestone,
    at: f.at,
    reason: f.reason,
    // The message box is only on a fix's confirm step: without it the person has not confirmed.
    confirmed: f.milestone === 'work_start' || f.message !== undefined,
    ...(f.milestone !== 'work_start' && { message: f.message, deliver_notifications: !checkbox(f.quiet) }),
  }));
export const severityForm = z.object({ severity });
export const noteForm = z.object({ body: messageField });
// The postmortem editor: "preview" renders the typed text without saving it.
export const postmortemForm = z.object({ body: z.string({ message: 'is required' }).trim().min(1, 'is required').max(50_000, 'must be at most 50000 characters'), action: z.enum(['save', 'preview']).default('save') });
export const publishForm = z.object({ notify: z.string().optional() }).transform((f) => ({ notify: checkbox(f.notify) }));

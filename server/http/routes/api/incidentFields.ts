import { z } from 'zod';
import { componentStatuses, incidentStatuses } from '../../../db/schema.js';
import { milestones } from '../../../domain/incidents/sla.js';
import { MAX_CADENCE_MINUTES } from '../../../domain/incidents/cadence.js';
import { isoDate } from '../../validate.js';
import { TWEET_MAX, tweetLength } from '../../../notify/tweetText.js';

export const severityField = z.number().int().min(1, 'must be 1, 2, 3 or 4').max(4, 'must be 1, 2, 3 or 4') as unknown as z.ZodType<1 | 2 | 3 | 4>;
export const titleField = z.string().trim().min(1, 'is required').max(200, 'must be at most 200 characters');
export const messageField = z.string().trim().min(1, 'is required').max(10_000, 'must be at most 10000 characters');
export const componentChanges = z
  .array(z.strictObject({ id: z.string().uuid('must be a component id'), status: z.enum(componentStatuses) }))
  .max(100);

export const customTweetField = z
  .string()
  .trim()
  .min(1, 'is empty; leave it out to use the generated tweet')
  .refine((t) => tweetLength(t) <= TWEET_MAX, { message: `must be at most ${TWEET_MAX} characters as Twitter counts them (links count 23)` });
const twitterFields = { custom_tweet: customTweetField.optional(), skip_twitter: z.boolean().optional() };

// "Next update by": an instant (null = no commitment) or minutes from now; left out = the severity's default.
const cadenceFields = {
  next_update_at: isoDate.nullable().optional(),
  next_update_in: z.number().int('must be whole minutes').min(1, 'must be at least 1 minute').max(MAX_CADENCE_MINUTES, `must be at most ${MAX_CADENCE_MINUTES} minutes (7 days)`).optional(),
};
const oneCommitment = (b: { next_update_at?: unknown; next_update_in?: unknown }, ctx: z.RefinementCtx) => {
  if (b.next_update_at !== undefined && b.next_update_in !== undefined) ctx.addIssue({ code: 'custom', path: ['next_update_in'], message: 'send next_update_at or next_update_in, not both' });
};

export const createIncidentBody = z.strictObject({
  title: titleField,
  severity: severityField,
  message: messageField,
  components: componentChanges.optional(),
  reported_at: isoDate.optional(),
  note: z.string().trim().min(1).max(10_000).optional(),
  deliver_notifications: z.boolean().optional(),
  ...twitterFields,
  ...cadenceFields,
}).superRefine(oneCommitment);

export const updateBody = z.strictObject({
  status: z.enum(incidentStatuses),
  message: messageField,
  components: componentChanges.optional(),
  deliver_notifications: z.boolean().optional(),
  reopen: z.boolean().optional(),
  ...twitterFields,
  ...cadenceFields,
}).superRefine(oneCommitment);

export const reasonField = z.string().trim().min(1, 'is empty; leave it out unless the milestone is backdated').max(1000, 'must be at most 1000 characters');

// A fix publishes an update, so it takes the update's fields; work start is internal and takes none.
export const milestoneBody = z
  .strictObject({
    milestone: z.enum(milestones),
    at: isoDate.optional(),
    reason: reasonField.optional(),
    components: componentChanges.optional(),
    message: messageField.optional(),
    deliver_notifications: z.boolean().optional(),
    ...twitterFields,
  })
  .superRefine((b, ctx) => {
    if (b.milestone !== 'work_start') return;
    for (const key of ['components', 'message', 'deliver_notifications', 'custom_tweet', 'skip_twitter'] as const) {
      if (b[key] !== undefined) ctx.addIssue({ code: 'custom', path: [key], message: 'applies to temporary_fix and final_fix only (work start publishes nothing)' });
    }
  });

export const patchBody = z
  .strictObject({ severity: severityField.optional(), title: titleField.optional() })
  .refine((b) => b.severity !== undefined || b.title !== undefined, { message: 'send severity or title' });

const csvList = z.string().max(200).transform((s) => s.split(',').filter(Boolean));

export const listQuery = z.strictObject({
  status: csvList.pipe(z.array(z.enum(incidentStatuses))).optional(),
  severity: csvList.pipe(z.array(z.enum(['1', '2', '3', '4']).transform(Number))).optional(),
  component: z.string().uuid('must be a component id').optional(),
  from: isoDate.optional(),
  to: isoDate.optional(),
  sla_state: z.enum(['pending', 'met', 'breached', 'none']).optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(25),
});

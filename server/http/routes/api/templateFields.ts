import { z } from 'zod';
import type { AppDeps } from '../../../deps.js';
import { incidentStatuses } from '../../../db/schema.js';
import { templateDefaults } from '../../../domain/templates/templateDefaults.js';
import { humanTime } from '../../../presenters/times.js';
import { TWEET_MAX } from '../../../notify/tweetText.js';
import { parse, uuidParam } from '../../validate.js';
import { componentChanges, messageField, severityField, titleField } from './incidentFields.js';

// Tweet text is checked as Twitter counts it when used (after the placeholders are filled).
const tweetText = z.string().trim().min(1, 'is empty; send null for the generated tweet').max(TWEET_MAX * 4, `must be at most ${TWEET_MAX * 4} characters`);

const fields = {
  name: z.string().trim().min(1, 'is required').max(100, 'must be at most 100 characters'),
  title: titleField.nullable(),
  message: messageField,
  severity: severityField.nullable(),
  status: z.enum(incidentStatuses).nullable(),
  components: componentChanges,
  custom_tweet: tweetText.nullable(),
  deliver_notifications: z.boolean(),
};
export const createTemplateBody = z.strictObject(fields).partial().required({ name: true, message: true });
export const updateTemplateBody = z.strictObject(fields).partial();

const templateRef = z.looseObject({ template_id: uuidParam.optional() });

/**
 * A request body that may name `template_id`: the template's fields (placeholders filled) with the
 * request's own fields over them, ready for the route's usual schema. Without `template_id` the
 * body passes through untouched.
 */
export async function withTemplate(deps: AppDeps, kind: 'incident' | 'update', body: unknown): Promise<unknown> {
  const { template_id, ...own } = parse(templateRef, body);
  if (!template_id) return body;
  const { fields } = await templateDefaults(deps.database.db, template_id, kind, own, humanTime(deps.clock.now()));
  return { ...fields, ...own };
}

import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { AppDeps } from '../deps.js';
import { incidents, incidentStatuses } from '../db/schema.js';
import { notFound } from '../domain/errors.js';
import { commitmentFor, MAX_CADENCE_MINUTES } from '../domain/incidents/cadence.js';
import { getCadencePolicy } from '../domain/settings/updateCadence.js';
import { TWEET_MAX, tweetLength } from './tweetText.js';
import { incidentTweet, twitterConfigured } from './twitterChannel.js';

/** Query of both preview endpoints (the API one also names the incident). */
export const previewQuery = z.object({
  status: z.enum(incidentStatuses).optional(),
  message: z.string().max(10_000).optional(),
  /** Minutes to the promised next update (left out = the severity's default), as the update would send. */
  next_update_in: z.coerce.number().int().min(1).max(MAX_CADENCE_MINUTES).optional(),
});

export interface TweetPreview {
  text: string;
  length: number;
  max: number;
  enabled: boolean;
}

/** The tweet an update with this status and message would send, as the channel would build it. */
export async function tweetPreview(deps: AppDeps, incidentId: string, q: z.infer<typeof previewQuery>): Promise<TweetPreview> {
  const [incident] = await deps.database.db.select().from(incidents).where(eq(incidents.id, incidentId));
  if (!incident) throw notFound('Incident', incidentId);
  const status = q.status ?? incident.status;
  const now = deps.clock.now();
  // The promise line is part of the tweet, so the preview counts it too.
  const nextUpdateAt = commitmentFor(status === 'resolved' ? {} : { next_update_in: q.next_update_in }, status, incident.severity, await getCadencePolicy(deps.database.db), now);
  const text = incidentTweet(deps.config.publicUrl, incident, { status, body: q.message ?? '', nextUpdateAt, createdAt: now });
  return { text, length: tweetLength(text), max: TWEET_MAX, enabled: twitterConfigured(deps.config) };
}

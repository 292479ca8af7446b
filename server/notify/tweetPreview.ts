import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { AppDeps } from '../deps.js';
import { incidents, incidentStatuses } from '../db/schema.js';
import { notFound } from '../domain/errors.js';
import { TWEET_MAX, tweetLength } from './tweetText.js';
import { incidentTweet, twitterConfigured } from './twitterChannel.js';

/** Query of both preview endpoints (the API one also names the incident). */
export const previewQuery = z.object({
  status: z.enum(incidentStatuses).optional(),
  message: z.string().max(10_000).optional(),
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
  const text = incidentTweet(deps.config.publicUrl, incident, { status: q.status ?? incident.status, body: q.message ?? '' });
  return { text, length: tweetLength(text), max: TWEET_MAX, enabled: twitterConfigured(deps.config) };
}

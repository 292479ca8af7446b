import { incidentUpdates, type AffectedComponent, type IncidentStatus } from '../../db/schema.js';
import type { TxCtx } from '../context.js';
import { timeline } from './shared.js';

export interface PublicUpdateFields {
  status: IncidentStatus;
  message: string;
  deliver_notifications?: boolean;
  custom_tweet?: string;
  skip_twitter?: boolean;
}

/**
 * Writes one public update and its timeline entry. Every path that tells customers something
 * (an update, a recorded fix) goes through here, so they all notify the same way.
 */
export async function insertPublicUpdate(t: TxCtx, incidentId: string, input: PublicUpdateFields, affected: AffectedComponent[] | null) {
  const deliver = input.deliver_notifications ?? true;
  const [update] = await t.tx
    .insert(incidentUpdates)
    .values({ incidentId, status: input.status, body: input.message, deliverNotifications: deliver, customTweet: input.custom_tweet || null, skipTwitter: input.skip_twitter ?? false, affectedComponents: affected, authorId: t.actor!.id, createdAt: t.now, displayAt: t.now })
    .returning();
  await timeline(t, incidentId, 'update', { update_id: update!.id, status: input.status, body: input.message, quiet: !deliver });
  return update!;
}

import { eq } from 'drizzle-orm';
import { incidents, incidentUpdates, type AffectedComponent, type IncidentStatus } from '../../db/schema.js';
import type { TxCtx } from '../context.js';
import { getCadencePolicy } from '../settings/updateCadence.js';
import { commitmentFor, type CommitmentInput } from './cadence.js';
import { timeline } from './shared.js';

export interface PublicUpdateFields extends CommitmentInput {
  status: IncidentStatus;
  message: string;
  deliver_notifications?: boolean;
  custom_tweet?: string;
  skip_twitter?: boolean;
}

/**
 * Writes one public update and its timeline entry. Every path that tells customers something
 * (the first update, an update, a recorded fix) goes through here, so they all notify the same
 * way — and each makes (or clears) the incident's "next update by" commitment.
 */
/** `incident`: the row the caller already holds (locked or just made); its severity picks the default cadence. */
export async function insertPublicUpdate(t: TxCtx, incident: { id: string; severity: number }, input: PublicUpdateFields, affected: AffectedComponent[] | null) {
  const incidentId = incident.id;
  const deliver = input.deliver_notifications ?? true;
  const nextUpdateAt = commitmentFor(input, input.status, incident.severity, await getCadencePolicy(t.tx), t.now);
  const [update] = await t.tx
    .insert(incidentUpdates)
    .values({ incidentId, status: input.status, body: input.message, deliverNotifications: deliver, customTweet: input.custom_tweet || null, skipTwitter: input.skip_twitter ?? false, affectedComponents: affected, authorId: t.actor!.id, createdAt: t.now, displayAt: t.now, nextUpdateAt })
    .returning();
  // A new update replaces whatever was promised before: the old commitment's warnings stop.
  await t.tx.update(incidents).set({ nextUpdateAt, nextUpdateFrom: nextUpdateAt ? update!.id : null }).where(eq(incidents.id, incidentId));
  await timeline(t, incidentId, 'update', { update_id: update!.id, status: input.status, body: input.message, quiet: !deliver, ...(nextUpdateAt && { next_update_at: nextUpdateAt.toISOString() }) });
  return update!;
}

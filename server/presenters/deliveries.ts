import type { deliveries } from '../db/schema.js';
import { iso } from './iso.js';


export function presentDelivery(d: typeof deliveries.$inferSelect, eventType: string) {
  return {
    id: d.id,
    event_id: d.eventId,
    event_type: eventType,
    channel: d.channel,
    target: d.target,
    idempotency_key: d.idempotencyKey,
    status: d.status,
    attempts: d.attempts,
    next_attempt_at: d.status === 'pending' ? iso(d.nextAttemptAt) : null,
    last_error: d.lastError,
    external_id: d.externalId,
    delivered_at: iso(d.deliveredAt),
    created_at: iso(d.createdAt),
  };
}

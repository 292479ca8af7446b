import type { WebhookRow } from '../domain/webhooks/createWebhook.js';
import { iso } from './iso.js';


/** A webhook endpoint for staff; the secret is never part of it (shown once, at creation). */
export function presentWebhook(w: WebhookRow) {
  return {
    id: w.id,
    type: w.type,
    url: w.url,
    components: w.componentIds ?? null,
    description: w.description,
    active: w.active,
    created_by: w.createdBy,
    created_at: iso(w.createdAt),
    updated_at: iso(w.updatedAt),
  };
}

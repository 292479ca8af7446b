import { desc, eq } from 'drizzle-orm';
import type { AppDeps } from '../deps.js';
import type { Db, Executor } from '../db/client.js';
import { components, incidentComponents, incidents, incidentUpdates, webhookEndpoints } from '../db/schema.js';
import { getMaintenance } from '../domain/maintenance/getMaintenance.js';
import { presentComponent } from '../presenters/components.js';
import { presentPublicIncident } from '../presenters/publicIncidents.js';
import { presentPublicMaintenance } from '../presenters/publicMaintenance.js';
import type { DeliveryChannel, OutboxEvent, PlannedDelivery, SendResult } from './channel.js';
import { postWebhook, retryAfterAt } from './webhookPost.js';
import { bodyFor, isChatEvent } from './chatMessages.js';

export const WEBHOOK_CHANNEL = 'webhook';
export const SEND_TIMEOUT_MS = 10_000;

const INCIDENT_EVENTS = new Set(['incident.created', 'incident.updated', 'incident.resolved', 'incident.reopened', 'incident.postmortem_published']);
const MAINTENANCE_EVENTS = new Set([
  'maintenance.announced',
  'maintenance.reminder_24h',
  'maintenance.in_app_notice',
  'maintenance.started',
  'maintenance.completed',
  'maintenance.rescheduled',
  'maintenance.cancelled',
]);

/** What an event says publicly: the Statuspage-shaped object and the components it concerns (null = everyone). */
interface PublicData {
  data: Record<string, unknown>;
  componentIds: string[] | null;
}

async function incidentData(tx: Executor, id: string, publicUrl: string): Promise<PublicData | null> {
  const [incident] = await tx.select().from(incidents).where(eq(incidents.id, id));
  if (!incident) return null;
  const updates = await tx.select().from(incidentUpdates).where(eq(incidentUpdates.incidentId, id)).orderBy(desc(incidentUpdates.createdAt), desc(incidentUpdates.id));
  const linked = await tx.select({ c: components }).from(incidentComponents).innerJoin(components, eq(components.id, incidentComponents.componentId)).where(eq(incidentComponents.incidentId, id));
  const comps = linked.map((l) => l.c);
  return { data: { incident: presentPublicIncident(incident, updates, comps, publicUrl) }, componentIds: comps.map((c) => c.id) };
}

/** The public payload of an event, or null when the event is not public (or says not to notify). */
export async function publicData(event: OutboxEvent, tx: Executor, publicUrl: string): Promise<PublicData | null> {
  const p = event.payload;
  if (INCIDENT_EVENTS.has(event.type)) {
    return p.deliver_notifications === true ? incidentData(tx, String(p.incident_id), publicUrl) : null;
  }
  if (MAINTENANCE_EVENTS.has(event.type)) {
    if (p.notify !== true) return null;
    const detail = await getMaintenance(tx as Db, String(p.maintenance_id)).catch(() => null);
    if (!detail) return null;
    return { data: { maintenance: presentPublicMaintenance(detail, publicUrl, event.createdAt) }, componentIds: detail.components.map((c) => c.id) };
  }
  if (event.type === 'component.changed') {
    const id = String(p.component_id);
    const [row] = await tx.select().from(components).where(eq(components.id, id));
    return { data: { component: row ? presentComponent(row) : { id, deleted: true } }, componentIds: [id] };
  }
  if (event.type === 'maintenance_windows.changed') {
    return { data: { maintenance_windows: { rules: p.rules ?? null, effective_at: p.effective_at ?? null } }, componentIds: null };
  }
  return null;
}

/** Null filter = every component; otherwise any overlap. Events about no particular component go to everyone. */
export function endpointMatches(filter: string[] | null, concerned: string[] | null): boolean {
  if (!filter || concerned === null) return true;
  return concerned.some((id) => filter.includes(id));
}

/**
 * Signed HTTP POSTs of public events to the configured endpoints (Slack and Teams endpoints get
 * incidents and maintenance only, formatted for them at send time from the same captured data). The public object is captured
 * at fan-out, so every retry sends the same data under the same id (X-Beacon-Delivery).
 */
export function webhookChannel(deps: AppDeps): DeliveryChannel {
  return {
    name: WEBHOOK_CHANNEL,
    enabled: () => true,
    concurrency: 5,

    async plan(event, tx): Promise<PlannedDelivery[]> {
      const endpoints = await tx.select().from(webhookEndpoints).where(eq(webhookEndpoints.active, true));
      if (!endpoints.length) return [];
      const pub = await publicData(event, tx, deps.config.publicUrl);
      if (!pub) return [];
      const payload = { type: event.type, created_at: event.createdAt.toISOString(), data: pub.data };
      const chat = isChatEvent(event.type);
      return endpoints
        .filter((e) => endpointMatches(e.componentIds ?? null, pub.componentIds) && (e.type === 'generic' || chat))
        .map((e) => ({ target: e.id, payload }));
    },

    async send(delivery, event, { db, now }): Promise<SendResult> {
      const [endpoint] = await db.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, delivery.target));
      if (!endpoint) return { ok: false, error: 'endpoint deleted', permanent: true };
      if (!endpoint.active) return { ok: false, error: 'endpoint inactive', permanent: true };
      const p = (delivery.payload ?? {}) as { type?: string; created_at?: string; data?: Record<string, unknown> };
      const message = { id: delivery.idempotencyKey, type: p.type ?? event.type, created_at: p.created_at ?? event.createdAt.toISOString(), data: p.data ?? {} };
      const answer = await postWebhook(endpoint, message, now, SEND_TIMEOUT_MS, { allowPrivate: deps.config.WEBHOOK_ALLOW_PRIVATE }, bodyFor(endpoint.type, message));
      const status = answer.status;
      if (answer.ok) return { ok: true };
      // An internal target is a configuration problem (or a rebinding attack): retrying will not help.
      if (answer.refused) return { ok: false, error: answer.error ?? 'target address not allowed', permanent: true };
      if (status === null) return { ok: false, error: answer.error ?? 'no answer' };
      const error = `HTTP ${status} from ${new URL(endpoint.url).host}`;
      if (status === 410) {
        // Gone: the receiver asks us to stop; the endpoint stays listed, inactive, for an admin to see.
        await db.update(webhookEndpoints).set({ active: false, updatedAt: now }).where(eq(webhookEndpoints.id, endpoint.id));
        deps.logger.warn({ webhook: endpoint.id }, 'webhook endpoint answered 410 Gone; deactivated');
        return { ok: false, error: `${error}; endpoint deactivated`, permanent: true };
      }
      if (status === 429) {
        const retryAt = retryAfterAt(answer.retryAfter, now);
        return retryAt ? { ok: false, error, retryAt } : { ok: false, error };
      }
      if (status >= 400 && status < 500 && status !== 408) return { ok: false, error, permanent: true };
      return { ok: false, error };
    },
  };
}

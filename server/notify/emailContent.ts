import { eq } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { components, incidentComponents, incidents, incidentUpdates } from '../db/schema.js';
import { getMaintenance } from '../domain/maintenance/getMaintenance.js';
import type { OutboxEvent } from './channel.js';
import { renderEmail } from './mailer.js';
import { INCIDENT_STATUS_LABELS } from '../presenters/labels.js';
import { humanTime, nextUpdateText } from '../presenters/times.js';

/** The part of a subscriber mail that is the same for every recipient of one event. */
export interface EventPart {
  subject: string;
  html: string;
  text: string;
}

const STATUS_WORD = INCIDENT_STATUS_LABELS;

const MAINTENANCE_SUBJECT: Record<string, string> = {
  'maintenance.announced': 'Scheduled maintenance',
  'maintenance.reminder_24h': 'Maintenance reminder',
  'maintenance.started': 'Maintenance in progress',
  'maintenance.completed': 'Maintenance completed',
  'maintenance.rescheduled': 'Maintenance rescheduled',
  'maintenance.cancelled': 'Maintenance cancelled',
};

const MAINTENANCE_LEAD: Record<string, string> = {
  'maintenance.announced': 'We have scheduled maintenance.',
  'maintenance.reminder_24h': 'A reminder: this maintenance starts within 24 hours.',
  'maintenance.started': 'This maintenance has started.',
  'maintenance.completed': 'This maintenance is complete.',
  'maintenance.rescheduled': 'This maintenance has a new time.',
  'maintenance.cancelled': 'This maintenance has been cancelled.',
};

export const INCIDENT_EVENTS = new Set(['incident.created', 'incident.updated', 'incident.resolved', 'incident.reopened', 'incident.postmortem_published']);
export const MAINTENANCE_EVENTS = new Set(Object.keys(MAINTENANCE_SUBJECT));

function part(kind: string, subject: string, data: Record<string, unknown>): EventPart {
  return { subject, html: renderEmail(kind, 'html', data), text: renderEmail(kind, 'text', data) };
}

async function incidentPart(db: Db, event: OutboxEvent, pageName: string, publicUrl: string): Promise<EventPart | null> {
  const id = String(event.payload.incident_id);
  const [incident] = await db.select().from(incidents).where(eq(incidents.id, id));
  if (!incident) return null;
  const [update] = event.payload.update_id ? await db.select().from(incidentUpdates).where(eq(incidentUpdates.id, String(event.payload.update_id))) : [];
  const linked = await db.select({ name: components.name }).from(incidentComponents).innerJoin(components, eq(components.id, incidentComponents.componentId)).where(eq(incidentComponents.incidentId, id));
  const postmortem = event.type === 'incident.postmortem_published';
  const status = postmortem ? 'postmortem' : (update?.status ?? incident.status);
  const word = event.type === 'incident.reopened' ? 'Reopened' : (STATUS_WORD[status] ?? status);
  return part('incident', `[${pageName}] ${word}: ${incident.title}`, {
    pageName,
    title: incident.title,
    status: word,
    // The postmortem's Markdown source reads well as plain text; the page shows it formatted.
    body: postmortem ? (incident.postmortemBody ?? '') : (update?.body ?? ''),
    at: humanTime(postmortem ? incident.postmortemBodyUpdatedAt : (update?.displayAt ?? incident.reportedAt)),
    started: humanTime(incident.reportedAt),
    resolved: humanTime(incident.resolvedAt),
    nextUpdate: update && incident.status !== 'resolved' ? nextUpdateText(update.nextUpdateAt, update.createdAt) : '',
    components: linked.map((c) => c.name),
    url: `${publicUrl}/incidents/${incident.id}`,
  });
}

async function maintenancePart(db: Db, event: OutboxEvent, pageName: string, publicUrl: string): Promise<EventPart | null> {
  const detail = await getMaintenance(db, String(event.payload.maintenance_id)).catch(() => null);
  if (!detail) return null;
  const m = detail.maintenance;
  return part('maintenance', `[${pageName}] ${MAINTENANCE_SUBJECT[event.type]}: ${m.title}`, {
    pageName,
    title: m.title,
    lead: MAINTENANCE_LEAD[event.type],
    body: m.body,
    from: humanTime(m.scheduledFor),
    until: humanTime(m.scheduledUntil),
    cancelled: event.type === 'maintenance.cancelled',
    components: detail.components.map((c) => c.name),
    url: `${publicUrl}/maintenance/${m.id}`, // a cancelled maintenance keeps its page
  });
}

/**
 * Renders each event's shared part once and keeps it (a bounded cache by event id), so sending
 * one event to 10 000 subscribers renders the incident or maintenance once.
 */
export class EventPartCache {
  private parts = new Map<string, Promise<EventPart | null>>();

  constructor(
    private readonly pageName: string,
    private readonly publicUrl: string,
    private readonly max = 200,
  ) {}

  get(db: Db, event: OutboxEvent): Promise<EventPart | null> {
    const key = `${event.id}:${event.createdAt.getTime()}`;
    let hit = this.parts.get(key);
    if (!hit) {
      const load = INCIDENT_EVENTS.has(event.type) ? incidentPart : MAINTENANCE_EVENTS.has(event.type) ? maintenancePart : null;
      hit = load ? load(db, event, this.pageName, this.publicUrl) : Promise.resolve(null);
      hit.catch(() => this.parts.delete(key));
      if (this.parts.size >= this.max) this.parts.delete(this.parts.keys().next().value!);
      this.parts.set(key, hit);
    }
    return hit;
  }
}

import { and, eq, inArray, isNotNull, isNull, or, sql, type SQL } from 'drizzle-orm';
import type { AppDeps } from '../deps.js';
import type { Db, Executor } from '../db/client.js';
import { components, incidentComponents, maintenanceComponents, subscriberSuppressions, subscribers } from '../db/schema.js';
import { emailHash } from '../domain/privacy/subjectHash.js';
import { subscriberLinks } from '../domain/subscribers/links.js';
import type { DeliveryChannel, OutboxEvent, PlannedDelivery } from './channel.js';
import { EventPartCache, INCIDENT_EVENTS, MAINTENANCE_EVENTS } from './emailContent.js';
import { Mailer, messageIdOf, renderEmail } from './mailer.js';
import { staffEmailChannel } from './staffEmailChannel.js';

export const CONFIRMATION_EVENT = 'subscriber.confirmation_requested';

/** Both e-mail channels (subscribers and staff alerts), sharing one pooled SMTP transport. */
export function emailChannels(deps: AppDeps): DeliveryChannel[] {
  const mailer = Mailer.fromConfig(deps.config);
  return [emailChannel(deps, mailer), staffEmailChannel(deps, mailer)];
}

/** Component ids an event touches, plus their groups (a subscription to a group covers its members). */
async function touchedComponents(tx: Executor, event: OutboxEvent): Promise<string[] | null> {
  if (INCIDENT_EVENTS.has(event.type)) {
    if (event.payload.deliver_notifications !== true) return null;
    const rows = await tx.select({ id: components.id, groupId: components.groupId }).from(incidentComponents).innerJoin(components, eq(components.id, incidentComponents.componentId)).where(eq(incidentComponents.incidentId, String(event.payload.incident_id)));
    return [...new Set(rows.flatMap((r) => (r.groupId ? [r.id, r.groupId] : [r.id])))];
  }
  if (MAINTENANCE_EVENTS.has(event.type)) {
    if (event.payload.notify !== true) return null;
    const rows = await tx.select({ id: components.id, groupId: components.groupId }).from(maintenanceComponents).innerJoin(components, eq(components.id, maintenanceComponents.componentId)).where(eq(maintenanceComponents.maintenanceId, String(event.payload.maintenance_id)));
    return [...new Set(rows.flatMap((r) => (r.groupId ? [r.id, r.groupId] : [r.id])))];
  }
  return null;
}

type SubscriberRow = typeof subscribers.$inferSelect;

/**
 * The subscribers of claimed deliveries, read in one query per claimed batch (`prepare`) and taken
 * once by their send; a send without a prepared row reads its own.
 */
function subscriberCache() {
  const ready = new Map<string, SubscriberRow>();
  return {
    async prepare(db: Db, ids: string[]): Promise<void> {
      if (!ids.length) return;
      if (ready.size > 10_000) ready.clear(); // rows claimed and then handed back are never taken
      for (const row of await db.select().from(subscribers).where(inArray(subscribers.id, ids))) ready.set(row.id, row);
    },
    async take(db: Db, id: string): Promise<SubscriberRow | undefined> {
      const hit = ready.get(id);
      if (hit) {
        ready.delete(id);
        return hit;
      }
      const [row] = await db.select().from(subscribers).where(eq(subscribers.id, id));
      return row;
    },
  };
}

/**
 * Subscriber e-mail: the double opt-in confirmation, and incident / maintenance notices to
 * confirmed subscribers of everything or of an affected component. One delivery per subscriber.
 */
export function emailChannel(deps: AppDeps, mailer = Mailer.fromConfig(deps.config)): DeliveryChannel {
  const { publicUrl, PAGE_NAME: pageName } = deps.config;
  const parts = new EventPartCache(pageName, publicUrl);
  const subscriberRows = subscriberCache();

  return {
    name: 'email',
    // One send per pooled connection: more would only queue inside nodemailer, still "in flight".
    concurrency: mailer.poolSize,
    enabled: () => mailer.configured,
    close: () => mailer.close(),

    async plan(event, tx): Promise<PlannedDelivery[]> {
      if (event.type === CONFIRMATION_EVENT) return [{ target: String(event.payload.subscriber_id) }];
      const touched = await touchedComponents(tx, event);
      if (!touched) return [];
      let audience: SQL = isNull(subscribers.componentIds);
      if (touched.length) audience = or(audience, sql`${subscribers.componentIds} ?| array[${sql.join(touched.map((id) => sql`${id}`), sql`, `)}]::text[]`)!;
      const rows = await tx.select({ id: subscribers.id }).from(subscribers).where(and(isNotNull(subscribers.confirmedAt), isNull(subscribers.unsubscribedAt), audience));
      return rows.map((r) => ({ target: r.id }));
    },

    prepare: (rows, db) => subscriberRows.prepare(db, rows.map((r) => r.target)),

    async send(delivery, event, { db, signal }) {
      const sub = await subscriberRows.take(db, delivery.target);
      if (!sub) return { ok: false, error: 'subscriber no longer exists', permanent: true };
      const links = subscriberLinks(publicUrl, deps.sessionSecret, sub.id);
      const messageId = messageIdOf(delivery.idempotencyKey);
      // Unsubscribed (or already confirmed, for a confirmation) since the fan-out: nothing to send.
      if (sub.unsubscribedAt) return { ok: true, externalId: 'skipped:unsubscribed' };
      // A row older than the address's deletion (brought back by a restore) is never mailed.
      const [gone] = await db.select().from(subscriberSuppressions).where(eq(subscriberSuppressions.emailHash, emailHash(deps.sessionSecret, sub.email)));
      if (gone && gone.suppressedAt >= sub.createdAt) return { ok: true, externalId: 'skipped:deleted' };

      if (event.type === CONFIRMATION_EVENT) {
        if (sub.confirmedAt) return { ok: true, externalId: 'skipped:confirmed' };
        const data = { pageName, email: sub.email, confirmUrl: links.confirm };
        return mailer.send({ to: sub.email, subject: `[${pageName}] Confirm your subscription`, messageId, html: renderEmail('confirm', 'html', data), text: renderEmail('confirm', 'text', data) }, signal);
      }

      if (!sub.confirmedAt) return { ok: true, externalId: 'skipped:unconfirmed' };
      const part = await parts.get(db, event);
      if (!part) return { ok: false, error: `nothing to send for ${event.type} ${event.id} (gone?)`, permanent: true };
      const frame = { pageName, body: part.html, links };
      return mailer.send({
        to: sub.email,
        subject: part.subject,
        messageId,
        html: renderEmail('layout', 'html', frame),
        text: renderEmail('layout', 'text', { ...frame, body: part.text }),
        headers: { 'List-Unsubscribe': `<${links.unsubscribe}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
      }, signal);
    },
  };
}

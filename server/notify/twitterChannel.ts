import http from 'node:http';
import { and, asc, eq, inArray, isNotNull, lt, ne, sql } from 'drizzle-orm';
import type { ApiResponseError, ITwitterApiClientPlugin, TwitterApi } from 'twitter-api-v2';
import type { AppDeps } from '../deps.js';
import type { Config } from '../config.js';
import type { Db, Executor } from '../db/client.js';
import { deliveries, incidentEvents, incidents, incidentUpdates, maintenances } from '../db/schema.js';
import type { DeliveryChannel, DeliveryRow, OutboxEvent, PlannedDelivery, SendResult } from './channel.js';
import { statusLabel, tweetText } from './tweetText.js';
import { nextUpdateText } from '../presenters/times.js';

export const TWITTER = 'twitter';
const INCIDENT_EVENTS = new Set(['incident.created', 'incident.updated', 'incident.resolved']);

type Maintenance = typeof maintenances.$inferSelect;
const utc = (d: Date) => d.toISOString().slice(0, 16).replace('T', ' ');

/** What each tweeted maintenance event says (the link to the maintenance page follows). */
const MAINTENANCE_TWEETS: Record<string, { label: string; message: (m: Maintenance) => string }> = {
  'maintenance.announced': { label: 'Scheduled maintenance', message: (m) => `${utc(m.scheduledFor)} – ${utc(m.scheduledUntil)} UTC. ${m.body}` },
  'maintenance.in_app_notice': { label: 'Maintenance in 30 minutes', message: (m) => `Starts at ${utc(m.scheduledFor)} UTC.` },
  'maintenance.started': { label: 'Maintenance in progress', message: () => 'The scheduled maintenance has started.' },
  'maintenance.completed': { label: 'Maintenance completed', message: () => 'The scheduled maintenance is complete.' },
};

/** All four OAuth 1.0a credentials are set (config refuses a partial set). */
export function twitterConfigured(config: Config): boolean {
  return Boolean(config.TWITTER_APP_KEY && config.TWITTER_APP_SECRET && config.TWITTER_ACCESS_TOKEN && config.TWITTER_ACCESS_SECRET);
}

/** The generated (or custom) tweet of one incident update. */
export function incidentTweet(publicUrl: string, incident: { id: string; title: string }, update: { status: string; body: string; customTweet?: string | null; nextUpdateAt?: Date | null; createdAt?: Date }): string {
  const footer = update.nextUpdateAt ? `${nextUpdateText(update.nextUpdateAt, update.createdAt ?? update.nextUpdateAt)}.` : undefined;
  return tweetText({ label: statusLabel(update.status), title: incident.title, message: update.body, footer, url: `${publicUrl}/incidents/${incident.id}`, custom: update.customTweet });
}

// twitter-api-v2 is loaded with the first tweet (a large module most installations never use); its
// error classes can only be met after that.
const loadTwitter = () => import('twitter-api-v2');
let api: Awaited<ReturnType<typeof loadTwitter>> | null = null;

/** twitter-api-v2 always speaks https to api.x.com: point it at TWITTER_API_BASE_URL when set. */
export async function twitterClient(config: Config): Promise<TwitterApi> {
  const twitter = (api ??= await loadTwitter());
  const base = config.TWITTER_API_BASE_URL?.replace(/\/+$/, '');
  const plugin: ITwitterApiClientPlugin = {
    onBeforeRequestConfig({ params }) {
      params.timeout ??= config.TWITTER_TIMEOUT_MS; // a silent API costs a retry, not a stuck channel
      if (base) params.url = params.url.replace(/^https:\/\/api\.(x|twitter)\.com/, base);
    },
  };
  return new twitter.TwitterApi(
    { appKey: config.TWITTER_APP_KEY!, appSecret: config.TWITTER_APP_SECRET!, accessToken: config.TWITTER_ACCESS_TOKEN!, accessSecret: config.TWITTER_ACCESS_SECRET! },
    { plugins: [plugin], ...(base?.startsWith('http:') ? { httpAgent: new http.Agent() } : {}) },
  );
}

/** The incident's public updates in posting order (the staff timeline keeps that order exactly). */
async function updateOrder(tx: Executor, incidentId: string): Promise<string[]> {
  const rows = await tx
    .select({ data: incidentEvents.data })
    .from(incidentEvents)
    .where(and(eq(incidentEvents.incidentId, incidentId), eq(incidentEvents.kind, 'update')))
    .orderBy(asc(incidentEvents.id));
  return rows.map((r) => String((r.data as { update_id?: unknown }).update_id ?? '')).filter(Boolean);
}

async function planIncident(config: Config, event: OutboxEvent, tx: Executor): Promise<PlannedDelivery[]> {
  const p = event.payload;
  if (p.deliver_notifications === false) return [];
  const incidentId = String(p.incident_id ?? '');
  const [incident] = await tx.select().from(incidents).where(eq(incidents.id, incidentId));
  if (!incident) return [];
  const order = await updateOrder(tx, incidentId);
  const updateId = typeof p.update_id === 'string' ? p.update_id : order[order.length - 1];
  if (!updateId) return [];
  const previousId = order[order.indexOf(updateId) - 1];
  const rows = await tx.select().from(incidentUpdates).where(inArray(incidentUpdates.id, previousId ? [updateId, previousId] : [updateId]));
  const update = rows.find((r) => r.id === updateId);
  const previous = rows.find((r) => r.id === previousId);
  if (!update || !update.deliverNotifications || update.skipTwitter) return [];
  // An update that keeps the status is not news on Twitter (the status page still shows it).
  if (event.type === 'incident.updated' && previous && previous.status === update.status && !update.customTweet) return [];
  const text = incidentTweet(config.publicUrl, incident, update);
  return [{ target: TWITTER, payload: { subject_type: 'incident', subject_id: incidentId, update_id: updateId, text } }];
}

async function planMaintenance(config: Config, event: OutboxEvent, tx: Executor): Promise<PlannedDelivery[]> {
  const spec = MAINTENANCE_TWEETS[event.type]!;
  const p = event.payload;
  if (p.notify === false) return [];
  const [m] = await tx.select().from(maintenances).where(eq(maintenances.id, String(p.maintenance_id ?? '')));
  if (!m || !m.notify) return [];
  const text = tweetText({ label: spec.label, title: m.title, message: spec.message(m), url: `${config.publicUrl}/maintenance/${m.id}` });
  return [{ target: TWITTER, payload: { subject_type: 'maintenance', subject_id: m.id, text } }];
}

const subjectIs = (subjectId: string) => sql`${deliveries.payload}->>'subject_id' = ${subjectId}`;

/** The first delivered tweet of the same incident or maintenance: later tweets reply to it. */
async function threadRoot(db: Db, d: DeliveryRow, subjectId: string): Promise<string | null> {
  const [root] = await db
    .select({ externalId: deliveries.externalId })
    .from(deliveries)
    .where(and(eq(deliveries.channel, TWITTER), eq(deliveries.status, 'delivered'), isNotNull(deliveries.externalId), subjectIs(subjectId), ne(deliveries.id, d.id)))
    .orderBy(asc(deliveries.id))
    .limit(1);
  return root?.externalId ?? null;
}

/** An earlier tweet of the same subject still waiting (rate limited, failing): the thread waits for it. */
async function earlierPending(db: Db, d: DeliveryRow, subjectId: string) {
  const [row] = await db
    .select({ nextAttemptAt: deliveries.nextAttemptAt })
    .from(deliveries)
    .where(and(eq(deliveries.channel, TWITTER), eq(deliveries.status, 'pending'), subjectIs(subjectId), lt(deliveries.id, d.id)))
    .orderBy(asc(deliveries.id))
    .limit(1);
  return row ?? null;
}

function describe(err: ApiResponseError): string {
  const data = err.data ?? {};
  const messages = (data.errors ?? []).map((e) => ('message' in e ? e.message : '') || ('detail' in e ? String(e.detail ?? '') : ''));
  return [data.detail, data.title, data.error, ...messages].filter(Boolean).join('; ') || err.message;
}

/** Maps a failed POST /2/tweets onto the delivery contract. */
export function twitterFailure(err: unknown, d: DeliveryRow, now: Date): SendResult {
  if (!api || !(err instanceof api.ApiResponseError)) {
    // "Request failed." alone says nothing: name the cause (a timeout, a refused connection).
    // (twitter-api-v2 1.29 keeps the cause as `_options.error` while its `requestError` getter reads another key.)
    const cause = api && err instanceof api.ApiRequestError ? (err.requestError ?? (err as unknown as { _options?: { error?: Error } })._options?.error)?.message : undefined;
    return { ok: false, error: `Twitter request failed: ${(err as Error)?.message ?? String(err)}${cause ? ` (${cause})` : ''}` };
  }
  const detail = describe(err);
  if (err.code === 429) {
    const reset = err.rateLimit?.reset ? new Date(err.rateLimit.reset * 1000) : null;
    const retryAt = reset && reset > now ? reset : new Date(now.getTime() + 60_000);
    return { ok: false, error: `Twitter rate limit reached; retrying at ${retryAt.toISOString()}`, retryAt };
  }
  // Twitter refuses the same text twice: after a crash between posting and recording, this is
  // how a retry learns the tweet already went out.
  if (err.code === 403 && /duplicate/i.test(detail)) return { ok: true, externalId: d.externalId ?? undefined };
  if (err.code >= 400 && err.code < 500) return { ok: false, error: `Twitter ${err.code}: ${detail}`, permanent: true };
  return { ok: false, error: `Twitter ${err.code}: ${detail}` };
}

/** Posts incident and maintenance news to one Twitter account, threaded per incident. */
export function twitterChannel(deps: AppDeps): DeliveryChannel {
  const config = deps.config;
  let client: TwitterApi | null = null;
  return {
    name: TWITTER,
    concurrency: 1, // one at a time: threads need the previous tweet's id, and the API is rate limited
    enabled: () => twitterConfigured(config),
    async plan(event, tx) {
      if (event.type === 'maintenance_windows.changed') {
        const p = event.payload as { summary?: string; effective_at?: string };
        const text = tweetText({ label: 'Maintenance windows', title: `New windows from ${String(p.effective_at ?? '').slice(0, 10)}`, message: p.summary, url: `${config.publicUrl}/` });
        return [{ target: TWITTER, payload: { subject_type: 'windows', subject_id: `windows:${event.id}`, text } }];
      }
      if (INCIDENT_EVENTS.has(event.type)) return planIncident(config, event, tx);
      if (event.type in MAINTENANCE_TWEETS) return planMaintenance(config, event, tx);
      return [];
    },
    async send(d, _event, { db, now }) {
      const p = (d.payload ?? {}) as { subject_id?: string; text?: string };
      if (!p.text || !p.subject_id) return { ok: false, error: 'delivery has no tweet text', permanent: true };
      const root = await threadRoot(db, d, p.subject_id);
      if (!root) {
        const waiting = await earlierPending(db, d, p.subject_id);
        if (waiting) return { ok: false, error: 'waiting for the first tweet of the thread', retryAt: new Date(Math.max(waiting.nextAttemptAt.getTime(), now.getTime()) + 1000) };
      }
      try {
        client ??= await twitterClient(config);
        const res = await client.v2.tweet(p.text, root ? { reply: { in_reply_to_tweet_id: root } } : {});
        return { ok: true, externalId: res.data.id };
      } catch (err) {
        return twitterFailure(err, d, now);
      }
    },
  };
}

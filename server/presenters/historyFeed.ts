import { DateTime } from 'luxon';
import type { PublicIncident } from './publicIncidents.js';
import type { PublicMaintenance } from './publicMaintenance.js';
import { el, textAsHtml, xmlDocument, type Xml } from './xml.js';

/** One history entry, in plain text; the RSS and Atom writers decide how text is carried. */
export interface FeedEntry {
  /** The public page of the incident or maintenance: the entry's permanent id and link. */
  url: string;
  title: string;
  text: string;
  published: Date;
  updated: Date;
}

export interface FeedMeta {
  pageName: string;
  publicUrl: string;
  updated: Date;
  /** BCP 47 tag of the text (the public pages are written in English). */
  language: string;
}

export const FEED_LANGUAGE = 'en';
const MAX_ENTRIES = 100;

const STATUS_WORD: Record<string, string> = {
  investigating: 'Investigating',
  identified: 'Identified',
  monitoring: 'Monitoring',
  resolved: 'Resolved',
  postmortem: 'Postmortem',
  scheduled: 'Scheduled',
  in_progress: 'In progress',
  verifying: 'Verifying',
  completed: 'Completed',
  cancelled: 'Cancelled',
};
const word = (status: string) => STATUS_WORD[status] ?? status;

/** Times as people read them, in the page's zone (as on the status page). */
const at = (iso: string | null, zone: string) => (iso ? DateTime.fromISO(iso, { zone }).toFormat('ccc d LLL yyyy, HH:mm ZZZZ') : '');

function incidentEntry(i: PublicIncident, zone: string): FeedEntry {
  return {
    url: i.shortlink,
    title: i.name,
    text: i.incident_updates.map((u) => `${word(u.status)} · ${at(u.display_at, zone)}\n${u.body}`).join('\n\n'),
    published: new Date(i.created_at!),
    updated: new Date(i.updated_at!),
  };
}

function maintenanceEntry(m: PublicMaintenance, zone: string): FeedEntry {
  const cancelled = m.status === 'cancelled';
  const lines = [
    m.body,
    '',
    `${cancelled ? 'Was scheduled' : 'Scheduled'}: ${at(m.scheduled_for, zone)} – ${at(m.scheduled_until, zone)}`,
    m.components.length ? `Affects: ${m.components.map((c) => c.name).join(', ')}` : undefined,
    `Status: ${word(m.status)}`,
    cancelled ? 'This maintenance has been cancelled.' : undefined,
  ];
  return {
    url: m.shortlink,
    title: `${cancelled ? 'Maintenance cancelled' : 'Maintenance'}: ${m.name}`,
    text: lines.filter((l) => l !== undefined).join('\n'),
    published: new Date(m.created_at!),
    updated: new Date(m.updated_at!),
  };
}

/** The newest entries of the page's history: incidents and maintenance, cancelled maintenance included. */
export function historyEntries(input: { incidents: PublicIncident[]; maintenances: PublicMaintenance[]; timeZone: string }): FeedEntry[] {
  const seen = new Set<string>();
  const maintenances = input.maintenances.filter((m) => !seen.has(m.id) && seen.add(m.id));
  return [...input.incidents.map((i) => incidentEntry(i, input.timeZone)), ...maintenances.map((m) => maintenanceEntry(m, input.timeZone))]
    .sort((a, b) => b.updated.getTime() - a.updated.getTime() || a.url.localeCompare(b.url))
    .slice(0, MAX_ENTRIES);
}

const feedTitle = (m: FeedMeta) => `${m.pageName} status history`;

/**
 * RSS 2.0 after the RSS Best Practices Profile: titles are plain text; the description is HTML
 * made from our text (so `<error 502>` shows as written), entity-encoded rather than in CDATA.
 */
export function rssFeed(meta: FeedMeta, entries: FeedEntry[]): string {
  const url = meta.publicUrl;
  const item = (e: FeedEntry): Xml =>
    el(
      'item',
      {},
      el('title', {}, e.title),
      el('link', {}, e.url),
      el('guid', { isPermaLink: 'true' }, e.url),
      el('pubDate', {}, e.updated.toUTCString()),
      el('description', {}, textAsHtml(e.text)),
    );
  const channel = el(
    'channel',
    {},
    el('title', {}, feedTitle(meta)),
    el('link', {}, `${url}/`),
    el('description', {}, `Incidents and maintenance for ${meta.pageName}`),
    el('language', {}, meta.language),
    el('lastBuildDate', {}, meta.updated.toUTCString()),
    el('atom:link', { href: `${url}/history.rss`, rel: 'self', type: 'application/rss+xml' }),
    ...entries.map(item),
  );
  return xmlDocument(el('rss', { version: '2.0', 'xmlns:atom': 'http://www.w3.org/2005/Atom' }, channel));
}

/** Atom 1.0 (RFC 4287): titles `type="text"`, content `type="html"`, an author on every entry. */
export function atomFeed(meta: FeedMeta, entries: FeedEntry[]): string {
  const url = meta.publicUrl;
  const author = () => el('author', {}, el('name', {}, meta.pageName), el('uri', {}, `${url}/`));
  const entry = (e: FeedEntry): Xml =>
    el(
      'entry',
      {},
      el('id', {}, e.url),
      el('title', { type: 'text' }, e.title),
      el('link', { rel: 'alternate', type: 'text/html', href: e.url }),
      el('published', {}, e.published.toISOString()),
      el('updated', {}, e.updated.toISOString()),
      author(),
      el('content', { type: 'html' }, textAsHtml(e.text)),
    );
  const feed = el(
    'feed',
    { xmlns: 'http://www.w3.org/2005/Atom', 'xml:lang': meta.language },
    el('id', {}, `${url}/`),
    el('title', { type: 'text' }, feedTitle(meta)),
    el('subtitle', { type: 'text' }, `Incidents and maintenance for ${meta.pageName}`),
    el('updated', {}, meta.updated.toISOString()),
    el('link', { rel: 'alternate', type: 'text/html', href: `${url}/` }),
    el('link', { rel: 'self', type: 'application/atom+xml', href: `${url}/history.atom` }),
    author(),
    ...entries.map(entry),
  );
  return xmlDocument(feed);
}

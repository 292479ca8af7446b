import { Router } from 'express';
import { Feed } from 'feed';
import type { AppDeps } from '../../../deps.js';
import { sendCached } from '../../publicResponse.js';
import type { PublicSnapshot } from '../../snapshot/buildSnapshot.js';
import { cached, type SnapshotStore } from '../../snapshot/snapshotStore.js';

function historyFeed(s: PublicSnapshot, name: string, url: string): Feed {
  const feed = new Feed({
    title: `${name} status history`,
    description: `Incidents and maintenance for ${name}`,
    id: `${url}/`,
    link: `${url}/`,
    updated: new Date(s.page.updated_at),
    copyright: name,
    feedLinks: { rss: `${url}/history.rss`, atom: `${url}/history.atom` },
  });
  const items = [
    ...s.incidents.map((i) => ({ id: i.shortlink, title: i.name, date: i.updated_at!, body: i.incident_updates.map((u) => `${u.status}: ${u.body}`).join('\n') })),
    ...s.maintenances.map((m) => ({ id: m.shortlink, title: `Maintenance: ${m.name}`, date: m.updated_at!, body: `${m.body}\n\n${m.scheduled_for} – ${m.scheduled_until} (${m.status})` })),
  ].sort((a, b) => b.date.localeCompare(a.date));
  for (const it of items.slice(0, 100)) {
    feed.addItem({ title: it.title, id: it.id, link: it.id, date: new Date(it.date), description: it.body, content: it.body.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/\n/g, '<br>') });
  }
  return feed;
}

/** `/history.rss` and `/history.atom`, rebuilt with the snapshot. */
export function feedRoutes(deps: AppDeps, store: SnapshotStore): Router {
  const r = Router();
  const make = (kind: 'rss' | 'atom') => async (s: PublicSnapshot) => {
    const feed = historyFeed(s, deps.config.PAGE_NAME, deps.config.publicUrl);
    return kind === 'rss' ? cached(feed.rss2(), 'application/rss+xml; charset=utf-8') : cached(feed.atom1(), 'application/atom+xml; charset=utf-8');
  };
  r.get('/history.rss', async (req, res) => sendCached(req, res, await store.derived('feed:rss', make('rss')), { cors: true, cacheControl: 'public, max-age=60' }));
  r.get('/history.atom', async (req, res) => sendCached(req, res, await store.derived('feed:atom', make('atom')), { cors: true, cacheControl: 'public, max-age=60' }));
  return r;
}

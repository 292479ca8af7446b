import { Router } from 'express';
import type { AppDeps } from '../../../deps.js';
import { listMaintenances } from '../../../domain/maintenance/listMaintenances.js';
import { atomFeed, FEED_LANGUAGE, historyEntries, rssFeed } from '../../../presenters/historyFeed.js';
import { presentPublicMaintenance } from '../../../presenters/publicMaintenance.js';
import { sendCached } from '../../publicResponse.js';
import type { PublicSnapshot } from '../../snapshot/buildSnapshot.js';
import { cached, type SnapshotStore } from '../../snapshot/snapshotStore.js';

/** `/history.rss` and `/history.atom`, rebuilt with the snapshot. */
export function feedRoutes(deps: AppDeps, store: SnapshotStore): Router {
  const r = Router();
  const url = deps.config.publicUrl;
  const entries = async (s: PublicSnapshot) => {
    // The snapshot holds what the status page shows; the history feeds also keep cancelled
    // maintenance, so that a subscriber learns it was called off (the cancellation rebuilds the snapshot).
    const cancelled = await listMaintenances(deps.database.db, { status: ['cancelled'], newestFirst: true, limit: 100 });
    return historyEntries({
      incidents: s.incidents,
      maintenances: [...s.maintenances, ...cancelled.map((d) => presentPublicMaintenance(d, url, s.builtAt))],
      timeZone: s.page.time_zone,
    });
  };
  const meta = (s: PublicSnapshot) => ({ pageName: deps.config.PAGE_NAME, publicUrl: url, updated: new Date(s.page.updated_at), language: FEED_LANGUAGE });
  const rss = async (s: PublicSnapshot) => cached(rssFeed(meta(s), await entries(s)), 'application/rss+xml; charset=utf-8');
  const atom = async (s: PublicSnapshot) => cached(atomFeed(meta(s), await entries(s)), 'application/atom+xml; charset=utf-8');
  const policy = { cors: true, cacheControl: 'public, max-age=60' };
  r.get('/history.rss', async (req, res) => sendCached(req, res, await store.derived('feed:rss', rss), policy));
  r.get('/history.atom', async (req, res) => sendCached(req, res, await store.derived('feed:atom', atom), policy));
  return r;
}

import { Router, type Request } from 'express';
import type { AppDeps } from '../../../deps.js';
import { notFound } from '../../../domain/errors.js';
import { presentAnnouncements } from '../../../presenters/announcements.js';
import { asksNothing, readAnnouncementRequest, requestKey, viewOf } from '../../announcementQuery.js';
import { API_POLICY, preflight, sendCached, sendPrepared } from '../../publicResponse.js';
import { cached, type SnapshotStore } from '../../snapshot/snapshotStore.js';

const ANNOUNCEMENTS = '/api/v1/announcements';

/**
 * `?components=ID,…` and/or `?group=ID`: only what concerns those components plus page-wide
 * announcements, with `filter.components` (groups expanded); `?include=next_update` adds each
 * incident's promise. Each distinct request is serialized once per snapshot; with none of these
 * parameters (any other query string included) the plain answer is served as it always was.
 */
async function asked(req: Request, store: SnapshotStore) {
  const raw = { components: req.query.components, group: req.query.group, include: req.query.include };
  if (asksNothing(raw)) return null;
  const request = readAnnouncementRequest(raw, await store.current())!;
  return store.derived(`announcements?${requestKey(request)}`, async (s) => cached(JSON.stringify(presentAnnouncements(s, viewOf(request, s))), 'application/json; charset=utf-8'));
}

export const V2_PATHS = [
  'summary.json',
  'status.json',
  'components.json',
  'incidents.json',
  'incidents/unresolved.json',
  'scheduled-maintenances.json',
  'scheduled-maintenances/upcoming.json',
  'scheduled-maintenances/active.json',
];

/**
 * The Statuspage v2-compatible public API and the announcement API, served from the snapshot. Usually
 * answered by the fast path (fastPath.ts) before Express; these routes are its fallback (and the
 * reference it is tested against), writing the same prepared header lists.
 */
export function publicApiRoutes(_deps: AppDeps, store: SnapshotStore): Router {
  const r = Router();
  const paths = [...V2_PATHS.map((p) => `/api/v2/${p}`), ANNOUNCEMENTS];
  for (const path of paths) {
    r.options(path, preflight);
    r.get(path, async (req, res) => {
      const filtered = path === ANNOUNCEMENTS ? await asked(req, store) : null;
      if (filtered) return sendCached(req, res, filtered, API_POLICY);
      const p = await store.preparedResponse(path);
      if (!p) throw notFound('Resource');
      sendPrepared(req, res, p);
    });
  }
  return r;
}

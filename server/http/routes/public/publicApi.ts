import { Router } from 'express';
import type { AppDeps } from '../../../app.js';
import { notFound } from '../../../domain/errors.js';
import { preflight, sendCached } from '../../publicResponse.js';
import type { SnapshotStore } from '../../snapshot/snapshotStore.js';

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

/** The Statuspage v2-compatible public API and the announcement API, served from the snapshot. */
export function publicApiRoutes(_deps: AppDeps, store: SnapshotStore): Router {
  const r = Router();
  const paths = [...V2_PATHS.map((p) => `/api/v2/${p}`), '/api/v1/announcements'];
  for (const path of paths) {
    r.options(path, preflight);
    r.get(path, async (req, res) => {
      const c = await store.response(path);
      if (!c) throw notFound('Resource');
      sendCached(req, res, c, { cors: true });
    });
  }
  return r;
}

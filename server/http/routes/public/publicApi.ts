import { Router } from 'express';
import type { AppDeps } from '../../../deps.js';
import { notFound } from '../../../domain/errors.js';
import { preflight, sendPrepared } from '../../publicResponse.js';
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

/**
 * The Statuspage v2-compatible public API and the announcement API, served from the snapshot. Usually
 * answered by the fast path (fastPath.ts) before Express; these routes are its fallback (and the
 * reference it is tested against), writing the same prepared header lists.
 */
export function publicApiRoutes(_deps: AppDeps, store: SnapshotStore): Router {
  const r = Router();
  const paths = [...V2_PATHS.map((p) => `/api/v2/${p}`), '/api/v1/announcements'];
  for (const path of paths) {
    r.options(path, preflight);
    r.get(path, async (req, res) => {
      const p = await store.preparedResponse(path);
      if (!p) throw notFound('Resource');
      sendPrepared(req, res, p);
    });
  }
  return r;
}

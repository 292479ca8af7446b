import { Router, type Request } from 'express';
import { z } from 'zod';
import type { AppDeps } from '../../../deps.js';
import { DomainError, notFound, ruleBroken } from '../../../domain/errors.js';
import { filterAnnouncements, resolveFilter } from '../../../domain/public/announcementTargets.js';
import { API_POLICY, preflight, sendCached, sendPrepared } from '../../publicResponse.js';
import { cached, type SnapshotStore } from '../../snapshot/snapshotStore.js';
import { fieldError, parse } from '../../validate.js';

const ANNOUNCEMENTS = '/api/v1/announcements';
const targetQuery = z.object({
  components: z
    .string()
    .max(50 * 37, 'lists at most 50 component ids')
    .transform((s) => [...new Set(s.split(',').map((x) => x.trim()).filter(Boolean))])
    .pipe(z.array(z.string().uuid('must be component ids separated by commas')).max(50, 'lists at most 50 component ids'))
    .optional(),
  group: z.string().uuid('must be a component group id').optional(),
});

/**
 * `?components=ID,…` and/or `?group=ID`: only what concerns those components plus page-wide
 * announcements, with `filter.components` (groups expanded) so the banner can filter pushes alike.
 * Each distinct filter is serialized once per snapshot; any other query keeps the unfiltered answer.
 */
async function targeted(req: Request, store: SnapshotStore) {
  if (req.query.components === undefined && req.query.group === undefined) return null;
  const q = parse(targetQuery, { components: req.query.components, group: req.query.group });
  if (!q.components?.length && !q.group) throw fieldError('components', 'lists no component ids; leave it out for every announcement');
  const snap = await store.current();
  const missing = [...(q.components ?? []), ...(q.group ? [q.group] : [])].filter((id) => !snap.components.some((c) => c.id === id));
  if (missing.length) throw new DomainError('not_found', 'component_not_found', `Unknown component: ${missing.join(', ')}`, { ids: missing });
  if (q.group && !snap.components.find((c) => c.id === q.group)!.group) throw ruleBroken('not_a_group', 'group must be a component group; use components= for a component', { field: 'group' });
  const wanted = resolveFilter(q.components ?? [], q.group, snap.components);
  return store.derived(`announcements?${wanted.join(',')}`, async (s) =>
    cached(JSON.stringify({ announcements: filterAnnouncements(s.announcements, s.announcementTargets, wanted), generated_at: s.builtAt.toISOString(), filter: { components: wanted } }), 'application/json; charset=utf-8'),
  );
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
      const filtered = path === ANNOUNCEMENTS ? await targeted(req, store) : null;
      if (filtered) return sendCached(req, res, filtered, API_POLICY);
      const p = await store.preparedResponse(path);
      if (!p) throw notFound('Resource');
      sendPrepared(req, res, p);
    });
  }
  return r;
}

import { Router, type Express } from 'express';
import { desc, eq, gte, and, lt, inArray } from 'drizzle-orm';
import { z } from 'zod';
import type { AppDeps } from '../../../deps.js';
import { incidentComponents, incidents, incidentUpdates, components, maintenances } from '../../../db/schema.js';
import { componentsOf, getMaintenance } from '../../../domain/maintenance/getMaintenance.js';
import { notFound } from '../../../domain/errors.js';
import { presentPublicIncident } from '../../../presenters/publicIncidents.js';
import { presentPublicMaintenance } from '../../../presenters/publicMaintenance.js';
import { historyItemView, incidentPageView, maintenancePageView } from '../../../presenters/publicPageViews.js';
import { statusPageView } from '../../../presenters/statusPageView.js';
import { PAGE_POLICY, sendCached } from '../../publicResponse.js';
import { cached, type CachedResponse, type SnapshotStore } from '../../snapshot/snapshotStore.js';
import type { PublicSnapshot } from '../../snapshot/buildSnapshot.js';
import { inDateRange, isoMonth, parse, uuidParam } from '../../validate.js';

export function renderView(app: Express, view: string, locals: Record<string, unknown>): Promise<string> {
  return new Promise((resolve, reject) => app.render(view, locals, (err, html) => (err ? reject(err) : resolve(html))));
}

/** Live pages load the minified socket.io client (precompressed, see staticAssets.ts) and the live script. */
export const LIVE_SCRIPTS = ['/public/vendor/socket.io.min.js', '/public/js/status-live.js'];
const PUBLIC = { layout: 'public', scripts: LIVE_SCRIPTS };
const HTML = 'text/html; charset=utf-8';
// Fragments change with every push; the ETag makes a poll that finds nothing new a 304.
const FRAGMENT_POLICY = { cacheControl: 'no-cache' };

/**
 * The live part of `/` (everything above the subscribe form, without the 90-day bars): pushed over
 * socket.io after every rebuild and served at `/live/status` to pages that poll instead. Rendered
 * once per snapshot for both.
 */
export function liveStatusFragment(app: Express, store: SnapshotStore): Promise<CachedResponse> {
  return store.derived('live:/', async (snap) => cached(await renderView(app, 'pages/status-main', { layout: false, view: statusPageView(snap, { bars: false }) }), HTML));
}

/** Public pages: the status page (from the snapshot), incident and maintenance permalinks, history, and their live fragments. */
export function statusPageRoutes(deps: AppDeps, store: SnapshotStore, app: Express): Router {
  const r = Router();
  const db = deps.database.db;
  const url = deps.config.publicUrl;

  // The page is rendered once per rebuild (and served by the fast path); this route is the fallback.
  const renderPage = (snap: PublicSnapshot, seq: number) =>
    renderView(app, 'pages/status', { ...PUBLIC, title: snap.status.description, seq, liveSrc: '/live/status', view: statusPageView(snap), emailEnabled: Boolean(deps.config.SMTP_URL) });
  store.setPageRenderer(renderPage);
  r.get('/', async (req, res) => {
    const page = await store.derived('page:/', async (snap) => cached(await renderPage(snap, store.seq), HTML));
    sendCached(req, res, page, PAGE_POLICY);
  });
  r.get('/live/status', async (req, res) => {
    sendCached(req, res, await liveStatusFragment(app, store), FRAGMENT_POLICY);
  });

  const incidentView = async (rawId: unknown) => {
    const id = parse(uuidParam, rawId);
    const [incident] = await db.select().from(incidents).where(eq(incidents.id, id));
    if (!incident) throw notFound('Incident', id);
    const updates = await db.select().from(incidentUpdates).where(eq(incidentUpdates.incidentId, id)).orderBy(desc(incidentUpdates.createdAt), desc(incidentUpdates.id));
    const linked = await db.select({ c: components }).from(incidentComponents).innerJoin(components, eq(components.id, incidentComponents.componentId)).where(eq(incidentComponents.incidentId, id));
    return incidentPageView(presentPublicIncident(incident, updates, linked.map((l) => l.c), url));
  };
  r.get('/incidents/:id', async (req, res) => {
    const seq = store.seq;
    const incident = await incidentView(req.params.id);
    res.render('pages/public-incident', { ...PUBLIC, title: incident.name, seq, liveSrc: `/live/incidents/${incident.id}`, incident });
  });
  r.get('/live/incidents/:id', async (req, res) => {
    const incident = await incidentView(req.params.id);
    sendCached(req, res, cached(await renderView(app, 'partials/publicIncident', { layout: false, incident }), HTML), FRAGMENT_POLICY);
  });

  const maintenanceView = async (rawId: unknown) => {
    const m = presentPublicMaintenance(await getMaintenance(db, parse(uuidParam, rawId)), url, deps.clock.now());
    // A cancelled maintenance keeps its page: announcement e-mails and tweets link here.
    return maintenancePageView(m);
  };
  r.get('/maintenance/:id', async (req, res) => {
    const seq = store.seq;
    const m = await maintenanceView(req.params.id);
    res.render('pages/public-maintenance', { ...PUBLIC, title: m.name, seq, liveSrc: `/live/maintenance/${m.id}`, m });
  });
  r.get('/live/maintenance/:id', async (req, res) => {
    const m = await maintenanceView(req.params.id);
    sendCached(req, res, cached(await renderView(app, 'partials/publicMaintenance', { layout: false, m }), HTML), FRAGMENT_POLICY);
  });

  // History, a month per page (newest first), with links to the neighbouring months.
  r.get('/history', async (req, res) => {
    const now = deps.clock.now();
    const q = parse(z.object({ month: isoMonth.optional() }), req.query);
    const from = q.month ?? new Date(`${now.toISOString().slice(0, 7)}-01T00:00:00Z`);
    const to = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth() + 1, 1));
    const rows = await db.select().from(incidents).where(and(gte(incidents.reportedAt, from), lt(incidents.reportedAt, to))).orderBy(desc(incidents.reportedAt));
    const ids = rows.map((i) => i.id);
    const updates = ids.length ? await db.select().from(incidentUpdates).where(inArray(incidentUpdates.incidentId, ids)).orderBy(desc(incidentUpdates.createdAt)) : [];
    const list = rows.map((i) => historyItemView(presentPublicIncident(i, updates.filter((u) => u.incidentId === i.id), [], url)));
    // Maintenance of the month by its scheduled start, cancelled ones included (marked as such).
    const mrows = await db.select().from(maintenances).where(and(gte(maintenances.scheduledFor, from), lt(maintenances.scheduledFor, to))).orderBy(desc(maintenances.scheduledFor));
    const mcomps = await componentsOf(db, mrows.map((m) => m.id));
    const maintenance = mrows.map((m) => maintenancePageView(presentPublicMaintenance({ maintenance: m, components: mcomps.get(m.id)! }, url, now)));
    const before = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth() - 1, 1));
    const prev = inDateRange(before) ? before.toISOString().slice(0, 7) : null;
    const next = to <= now ? to.toISOString().slice(0, 7) : null;
    const label = from.toLocaleString('en-US', { month: 'long', year: 'numeric', timeZone: 'UTC' });
    res.render('pages/history', { ...PUBLIC, scripts: [], title: `History · ${label}`, label, incidents: list, maintenance, prev, next });
  });

  return r;
}

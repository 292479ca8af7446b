import { Router, type Express } from 'express';
import { desc, eq, gte, and, lt, inArray } from 'drizzle-orm';
import { z } from 'zod';
import type { AppDeps } from '../../../deps.js';
import { incidentComponents, incidents, incidentUpdates, components } from '../../../db/schema.js';
import { getMaintenance } from '../../../domain/maintenance/getMaintenance.js';
import { notFound } from '../../../domain/errors.js';
import { presentPublicIncident } from '../../../presenters/publicIncidents.js';
import { presentPublicMaintenance } from '../../../presenters/publicMaintenance.js';
import { eastern, statusPageView } from '../../../presenters/statusPageView.js';
import { PAGE_POLICY, sendCached } from '../../publicResponse.js';
import { cached, type SnapshotStore } from '../../snapshot/snapshotStore.js';
import type { PublicSnapshot } from '../../snapshot/buildSnapshot.js';
import { inDateRange, isoMonth, parse, uuidParam } from '../../validate.js';

export function renderView(app: Express, view: string, locals: Record<string, unknown>): Promise<string> {
  return new Promise((resolve, reject) => app.render(view, locals, (err, html) => (err ? reject(err) : resolve(html))));
}

const PUBLIC = { layout: 'public', scripts: ['/socket.io/socket.io.js', '/public/js/status-live.js'] };

/** Public pages: the status page (from the snapshot), incident and maintenance permalinks, history. */
export function statusPageRoutes(deps: AppDeps, store: SnapshotStore, app: Express): Router {
  const r = Router();
  const db = deps.database.db;
  const url = deps.config.publicUrl;

  // The page is rendered once per rebuild (and served by the fast path); this route is the fallback.
  const renderPage = (snap: PublicSnapshot, seq: number) => renderView(app, 'pages/status', { ...PUBLIC, title: snap.status.description, seq, view: statusPageView(snap) });
  store.setPageRenderer(renderPage);
  r.get('/', async (req, res) => {
    const page = await store.derived('page:/', async (snap) => cached(await renderPage(snap, store.seq), 'text/html; charset=utf-8'));
    sendCached(req, res, page, PAGE_POLICY);
  });

  r.get('/incidents/:id', async (req, res) => {
    const id = parse(uuidParam, req.params.id);
    const [incident] = await db.select().from(incidents).where(eq(incidents.id, id));
    if (!incident) throw notFound('Incident', id);
    const updates = await db.select().from(incidentUpdates).where(eq(incidentUpdates.incidentId, id)).orderBy(desc(incidentUpdates.createdAt), desc(incidentUpdates.id));
    const linked = await db.select({ c: components }).from(incidentComponents).innerJoin(components, eq(components.id, incidentComponents.componentId)).where(eq(incidentComponents.incidentId, id));
    const view = presentPublicIncident(incident, updates, linked.map((l) => l.c), url);
    res.render('pages/public-incident', { ...PUBLIC, scripts: [], title: view.name, incident: view });
  });

  r.get('/maintenance/:id', async (req, res) => {
    const m = presentPublicMaintenance(await getMaintenance(db, parse(uuidParam, req.params.id)), url, deps.clock.now());
    if (m.status === ('cancelled' as string)) throw notFound('Maintenance', m.id);
    res.render('pages/public-maintenance', { ...PUBLIC, scripts: [], title: m.name, m: { ...m, for_eastern: eastern(m.scheduled_for), until_eastern: eastern(m.scheduled_until) } });
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
    const list = rows.map((i) => presentPublicIncident(i, updates.filter((u) => u.incidentId === i.id), [], url));
    const before = new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth() - 1, 1));
    const prev = inDateRange(before) ? before.toISOString().slice(0, 7) : null;
    const next = to <= now ? to.toISOString().slice(0, 7) : null;
    const label = from.toLocaleString('en-US', { month: 'long', year: 'numeric', timeZone: 'UTC' });
    res.render('pages/history', { ...PUBLIC, scripts: [], title: `History · ${label}`, label, incidents: list, prev, next });
  });

  return r;
}

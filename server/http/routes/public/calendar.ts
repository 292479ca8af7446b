import { Router } from 'express';
import type { AppDeps } from '../../../deps.js';
import { listMaintenances } from '../../../domain/maintenance/listMaintenances.js';
import { maintenanceCalendar } from '../../../presenters/maintenanceCalendar.js';

const ENDED_KEPT_MS = 365 * 86_400_000;

/**
 * `GET /maintenance.ics` for calendar apps to subscribe to: all upcoming and running maintenance,
 * and the past year's completed and cancelled maintenance (cancelled ones as STATUS:CANCELLED).
 */
export function calendarRoutes(deps: AppDeps): Router {
  const r = Router();
  const db = deps.database.db;
  r.get('/maintenance.ics', async (_req, res) => {
    const open = await listMaintenances(db, { status: ['scheduled', 'in_progress', 'verifying'], limit: 200 });
    const from = new Date(deps.clock.now().getTime() - ENDED_KEPT_MS);
    const ended = await listMaintenances(db, { status: ['completed', 'cancelled'], from, newestFirst: true, limit: 300 });
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Cache-Control', 'public, max-age=300');
    res.type('text/calendar; charset=utf-8').send(maintenanceCalendar([...open, ...ended], { pageName: deps.config.PAGE_NAME, publicUrl: deps.config.publicUrl }));
  });
  return r;
}

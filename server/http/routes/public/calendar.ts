import { Router } from 'express';
import ical from 'ical-generator';
import type { AppDeps } from '../../../deps.js';
import { listMaintenances } from '../../../domain/maintenance/listMaintenances.js';

/** `GET /maintenance.ics`: upcoming and in-progress maintenance for calendar apps to subscribe to. */
export function calendarRoutes(deps: AppDeps): Router {
  const r = Router();
  r.get('/maintenance.ics', async (_req, res) => {
    const list = await listMaintenances(deps.database.db, { status: ['scheduled', 'in_progress', 'verifying'], limit: 200 });
    const cal = ical({
      name: `${deps.config.PAGE_NAME} maintenance`,
      prodId: { company: 'Beacon', product: 'status-page', language: 'EN' },
      url: `${deps.config.publicUrl}/maintenance.ics`,
      ttl: 15 * 60,
    });
    for (const { maintenance: m, components } of list) {
      cal.createEvent({
        id: `maintenance-${m.id}@beacon`,
        start: m.scheduledFor,
        end: m.scheduledUntil,
        stamp: m.updatedAt,
        summary: `Maintenance: ${m.title}`,
        description: [m.body, components.length ? `Affects: ${components.map((c) => c.name).join(', ')}` : ''].filter(Boolean).join('\n\n'),
        url: `${deps.config.publicUrl}/maintenance/${m.id}`,
      });
    }
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Cache-Control', 'public, max-age=300');
    res.type('text/calendar; charset=utf-8').send(cal.toString());
  });
  return r;
}

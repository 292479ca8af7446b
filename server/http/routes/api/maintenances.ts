import { Router } from 'express';
import type { AppDeps } from '../../../deps.js';
import { cancelMaintenance } from '../../../domain/maintenance/cancelMaintenance.js';
import { completeMaintenance, verifyMaintenance } from '../../../domain/maintenance/completeMaintenance.js';
import { getMaintenance } from '../../../domain/maintenance/getMaintenance.js';
import { listMaintenances } from '../../../domain/maintenance/listMaintenances.js';
import { rescheduleMaintenance } from '../../../domain/maintenance/rescheduleMaintenance.js';
import { scheduleMaintenance } from '../../../domain/maintenance/scheduleMaintenance.js';
import { changeMaintenanceWindows } from '../../../domain/maintenance/changeMaintenanceWindows.js';
import { getWindowSchedule, scheduleOccurrences } from '../../../domain/settings/maintenanceWindows.js';
import { requireApi } from '../../auth.js';
import { ctxOf } from '../../context.js';
import { parse, uuidParam } from '../../validate.js';
import { cancelBody, listQuery, presentMaintenance, presentWindow, rescheduleBody, scheduleBody, windowsBody, windowsQuery } from './maintenanceFields.js';

export function maintenanceRoutes(deps: AppDeps): Router {
  const r = Router();
  const db = deps.database.db;
  const detail = async (id: string) => presentMaintenance(await getMaintenance(db, id));

  r.get('/maintenance-windows', requireApi('read'), async (req, res) => {
    const q = parse(windowsQuery, req.query);
    const schedule = await getWindowSchedule(db);
    res.json({
      windows: scheduleOccurrences(schedule, q.from ?? deps.clock.now(), q.count).map(presentWindow),
      rules: schedule.current,
      pending_change: schedule.next,
    });
  });

  r.put('/maintenance-windows', requireApi('administer'), async (req, res) => {
    const { schedule, needsReview } = await changeMaintenanceWindows(ctxOf(deps, req), parse(windowsBody, req.body));
    res.json({ rules: schedule.current, pending_change: schedule.next, needs_review: await Promise.all(needsReview.map((m) => detail(m.id))) });
  });

  r.get('/maintenances', requireApi('read'), async (req, res) => {
    const list = await listMaintenances(db, parse(listQuery, req.query));
    res.json({ maintenances: list.map(presentMaintenance) });
  });

  r.get('/maintenances/:id', requireApi('read'), async (req, res) => {
    res.json(await detail(parse(uuidParam, req.params.id)));
  });

  r.post('/maintenances', requireApi('operate'), async (req, res) => {
    const m = await scheduleMaintenance(ctxOf(deps, req), parse(scheduleBody, req.body));
    res.status(201).json(await detail(m.id));
  });

  r.patch('/maintenances/:id', requireApi('operate'), async (req, res) => {
    const id = parse(uuidParam, req.params.id);
    await rescheduleMaintenance(ctxOf(deps, req), id, parse(rescheduleBody, req.body));
    res.json(await detail(id));
  });

  r.post('/maintenances/:id/cancel', requireApi('operate'), async (req, res) => {
    const id = parse(uuidParam, req.params.id);
    await cancelMaintenance(ctxOf(deps, req), id, parse(cancelBody, req.body));
    res.json(await detail(id));
  });

  r.post('/maintenances/:id/verifying', requireApi('operate'), async (req, res) => {
    const id = parse(uuidParam, req.params.id);
    await verifyMaintenance(ctxOf(deps, req), id);
    res.json(await detail(id));
  });

  r.post('/maintenances/:id/complete', requireApi('operate'), async (req, res) => {
    const id = parse(uuidParam, req.params.id);
    await completeMaintenance(ctxOf(deps, req), id);
    res.json(await detail(id));
  });

  return r;
}

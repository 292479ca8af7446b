import { Router } from 'express';
import type { AppDeps } from '../../../deps.js';
import { requireConsole } from '../../auth.js';
import { sendExport } from '../../exportZip.js';

/** The console's data page: export everything (admins). */
export function dataConsoleRoutes(deps: AppDeps): Router {
  const r = Router();
  r.get('/data', requireConsole('administer'), (_req, res) => {
    res.render('pages/data', { title: 'Data' });
  });
  r.get('/export', requireConsole('administer'), (_req, res) => sendExport(deps, res));
  return r;
}

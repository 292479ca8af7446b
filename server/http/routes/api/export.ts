import { Router } from 'express';
import type { AppDeps } from '../../../deps.js';
import { requireApi } from '../../auth.js';
import { sendExport } from '../../exportZip.js';

export function exportRoutes(deps: AppDeps): Router {
  const r = Router();
  r.get('/export', requireApi('administer'), (_req, res) => sendExport(deps, res));
  return r;
}

import { Router } from 'express';
import type { AppDeps } from '../../../app.js';
import { requireConsole } from '../../auth.js';

export function dashboardRoutes(_deps: AppDeps): Router {
  const r = Router();
  r.get('/', requireConsole('read'), (_req, res) => {
    res.render('pages/dashboard', { title: 'Dashboard' });
  });
  return r;
}

import { Router } from 'express';
import type { AppDeps } from '../../../deps.js';
import { twitterConfigured } from '../../../notify/twitterChannel.js';
import { requireConsole } from '../../auth.js';

export function dashboardRoutes(deps: AppDeps): Router {
  const r = Router();
  r.get('/', requireConsole('read'), (_req, res) => {
    res.render('pages/dashboard', { title: 'Dashboard', emailOff: !deps.config.SMTP_URL, twitterOff: !twitterConfigured(deps.config) });
  });
  return r;
}

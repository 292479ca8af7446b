import { Router } from 'express';
import { z } from 'zod';
import type { AppDeps } from '../../../deps.js';
import { listDeliveries } from '../../../domain/deliveries/listDeliveries.js';
import { retryDeadDelivery } from '../../../domain/deliveries/retryDeadDelivery.js';
import { requireConsole } from '../../auth.js';
import { redirectDone } from '../../flash.js';
import { ctxOf } from '../../context.js';
import { presentDelivery } from '../../../presenters/deliveries.js';
import { parse } from '../../validate.js';
import { deliveriesQuery } from '../api/deliveries.js';

/** Console: notification deliveries, dead letters first, with a retry button. */
export function deliveryConsoleRoutes(deps: AppDeps): Router {
  const r = Router();
  r.get('/deliveries', requireConsole('administer'), async (req, res) => {
    const q = parse(deliveriesQuery, { status: 'dead', ...req.query });
    const page = await listDeliveries(ctxOf(deps, req), { ...q, before: q.cursor });
    res.render('pages/deliveries', {
      title: 'Notification deliveries',
      status: q.status,
      tabs: (['dead', 'pending', 'delivered'] as const).map((s) => ({ s, current: s === q.status })),
      deliveries: page.rows.map((x) => presentDelivery(x.d, x.type)),
      nextCursor: page.nextCursor,
    });
  });
  r.post('/deliveries/:id/retry', requireConsole('administer'), async (req, res) => {
    await retryDeadDelivery(ctxOf(deps, req), parse(z.coerce.number().int().positive(), req.params.id));
    redirectDone(res, '/console/deliveries?status=pending', 'delivery_retried');
  });
  return r;
}

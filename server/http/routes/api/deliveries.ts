import { Router } from 'express';
import { z } from 'zod';
import type { AppDeps } from '../../../deps.js';
import { deliveryStatusFilter, listDeliveries } from '../../../domain/deliveries/listDeliveries.js';
import { retryDeadDelivery } from '../../../domain/deliveries/retryDeadDelivery.js';
import { requireApi } from '../../auth.js';
import { ctxOf } from '../../context.js';
import { presentDelivery } from '../../../presenters/deliveries.js';
import { parse } from '../../validate.js';

export const deliveriesQuery = z.strictObject({
  status: z.enum(deliveryStatusFilter).optional(),
  channel: z.string().max(40).optional(),
  cursor: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

/** The delivery log and dead-letter list (admins), with manual retry. */
export function deliveryRoutes(deps: AppDeps): Router {
  const r = Router();
  r.get('/deliveries', requireApi('administer'), async (req, res) => {
    const q = parse(deliveriesQuery, req.query);
    const page = await listDeliveries(ctxOf(deps, req), { ...q, before: q.cursor });
    res.json({ deliveries: page.rows.map((x) => presentDelivery(x.d, x.type)), next_cursor: page.nextCursor });
  });
  r.post('/deliveries/:id/retry', requireApi('administer'), async (req, res) => {
    const id = parse(z.coerce.number().int().positive(), req.params.id);
    const row = await retryDeadDelivery(ctxOf(deps, req), id);
    res.json({ delivery: { id: row.id, status: row.status, next_attempt_at: row.nextAttemptAt.toISOString() } });
  });
  return r;
}

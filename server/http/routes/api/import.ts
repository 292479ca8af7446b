import { Router } from 'express';
import { z } from 'zod';
import type { AppDeps } from '../../../deps.js';
import { importStatuspage } from '../../../domain/import/importStatuspage.js';
import { requireApi } from '../../auth.js';
import { ctxOf } from '../../context.js';
import { parse } from '../../validate.js';

/** Each array is checked entry by entry by the import itself, which reports what it skipped. */
const entries = z.array(z.unknown()).max(10_000).default([]);
export const statuspageImportBody = z.strictObject({ components: entries, incidents: entries, scheduled_maintenances: entries });

export function importRoutes(deps: AppDeps): Router {
  const r = Router();
  r.post('/import/statuspage', requireApi('administer'), async (req, res) => {
    const body = parse(statuspageImportBody, req.body);
    res.json(await importStatuspage(ctxOf(deps, req), body));
  });
  return r;
}

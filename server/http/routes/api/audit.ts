import { Router } from 'express';
import { z } from 'zod';
import type { AppDeps } from '../../../deps.js';
import { listAuditLog } from '../../../domain/listAuditLog.js';
import { requireApi } from '../../auth.js';
import { ctxOf } from '../../context.js';
import { presentAuditEntry } from '../../../presenters/staff.js';
import { parse } from '../../validate.js';

export const query = z.strictObject({
  cursor: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

export function auditRoutes(deps: AppDeps): Router {
  const r = Router();
  r.get('/audit', requireApi('administer'), async (req, res) => {
    const q = parse(query, req.query);
    const page = await listAuditLog(ctxOf(deps, req), { before: q.cursor, limit: q.limit });
    res.json({ entries: page.entries.map(presentAuditEntry), next_cursor: page.nextCursor });
  });
  return r;
}

import { Router } from 'express';
import { z } from 'zod';
import type { AppDeps } from '../../../deps.js';
import { getIncident } from '../../../domain/incidents/getIncident.js';
import { publishPostmortem } from '../../../domain/postmortems/publishPostmortem.js';
import { savePostmortem } from '../../../domain/postmortems/savePostmortem.js';
import { presentIncident } from '../../../presenters/incidents.js';
import { requireApi } from '../../auth.js';
import { ctxOf } from '../../context.js';
import { parse, uuidParam } from '../../validate.js';

export const postmortemBodyField = z.string().trim().min(1, 'is required').max(50_000, 'must be at most 50000 characters');
export const saveBody = z.strictObject({ body: postmortemBodyField });
export const publishBody = z.strictObject({ notify: z.boolean().optional() });

/** A resolved incident's postmortem: save the private draft, publish it (optionally notifying). */
export function postmortemRoutes(deps: AppDeps): Router {
  const r = Router();
  const detail = async (id: string, now: Date) => {
    const d = await getIncident(deps.database.db, id);
    return presentIncident(d.incident, d.policy, now, d);
  };

  r.put('/incidents/:id/postmortem', requireApi('operate'), async (req, res) => {
    const ctx = ctxOf(deps, req);
    const id = parse(uuidParam, req.params.id);
    await savePostmortem(ctx, id, parse(saveBody, req.body));
    res.json(await detail(id, ctx.now));
  });

  r.post('/incidents/:id/postmortem/publish', requireApi('operate'), async (req, res) => {
    const ctx = ctxOf(deps, req);
    const id = parse(uuidParam, req.params.id);
    await publishPostmortem(ctx, id, parse(publishBody, req.body));
    res.json(await detail(id, ctx.now));
  });

  return r;
}

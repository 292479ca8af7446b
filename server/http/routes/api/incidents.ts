import { Router } from 'express';
import { z } from 'zod';
import type { AppDeps } from '../../../deps.js';
import { addInternalNote } from '../../../domain/incidents/addInternalNote.js';
import { changeIncident } from '../../../domain/incidents/changeIncident.js';
import { createIncident } from '../../../domain/incidents/createIncident.js';
import { getIncident } from '../../../domain/incidents/getIncident.js';
import { listIncidents } from '../../../domain/incidents/listIncidents.js';
import { postIncidentUpdate } from '../../../domain/incidents/postIncidentUpdate.js';
import { recordMilestone } from '../../../domain/incidents/recordMilestone.js';
import { previewQuery, tweetPreview } from '../../../notify/tweetPreview.js';
import { requireApi } from '../../auth.js';
import { ctxOf } from '../../context.js';
import { presentIncident, presentUpdate } from '../../../presenters/incidents.js';
import { parse, uuidParam } from '../../validate.js';
import { withTemplate } from './templateFields.js';
import { createIncidentBody, listQuery, messageField, milestoneBody, patchBody, updateBody } from './incidentFields.js';

export function incidentRoutes(deps: AppDeps): Router {
  const r = Router();
  const detail = async (id: string, now: Date) => {
    const d = await getIncident(deps.database.db, id);
    return presentIncident(d.incident, d.policy, now, d);
  };

  r.get('/incidents', requireApi('read'), async (req, res) => {
    const q = parse(listQuery, req.query);
    const ctx = ctxOf(deps, req);
    const page = await listIncidents(ctx.db, q, ctx.now);
    res.json({ incidents: page.incidents.map((i) => presentIncident(i, page.policy, ctx.now)), next_cursor: page.nextCursor });
  });

  r.post('/incidents', requireApi('operate'), async (req, res) => {
    const ctx = ctxOf(deps, req);
    const incident = await createIncident(ctx, parse(createIncidentBody, await withTemplate(deps, 'incident', req.body)));
    res.status(201).json(await detail(incident.id, ctx.now));
  });

  r.get('/incidents/:id', requireApi('read'), async (req, res) => {
    res.json(await detail(parse(uuidParam, req.params.id), deps.clock.now()));
  });

  r.patch('/incidents/:id', requireApi('operate'), async (req, res) => {
    const ctx = ctxOf(deps, req);
    const id = parse(uuidParam, req.params.id);
    await changeIncident(ctx, id, parse(patchBody, req.body));
    res.json(await detail(id, ctx.now));
  });

  r.post('/incidents/:id/updates', requireApi('operate'), async (req, res) => {
    const ctx = ctxOf(deps, req);
    const id = parse(uuidParam, req.params.id);
    const update = await postIncidentUpdate(ctx, id, parse(updateBody, await withTemplate(deps, 'update', req.body)));
    res.status(201).json({ incident_update: presentUpdate(update), incident: await detail(id, ctx.now) });
  });

  r.post('/incidents/:id/milestones', requireApi('operate'), async (req, res) => {
    const ctx = ctxOf(deps, req);
    const id = parse(uuidParam, req.params.id);
    await recordMilestone(ctx, id, parse(milestoneBody, req.body));
    res.status(201).json(await detail(id, ctx.now));
  });

  r.get('/tweet-preview', requireApi('operate'), async (req, res) => {
    const q = parse(previewQuery.extend({ incident_id: uuidParam }), req.query);
    res.json(await tweetPreview(deps, q.incident_id, q));
  });

  r.post('/incidents/:id/notes', requireApi('operate'), async (req, res) => {
    const ctx = ctxOf(deps, req);
    const id = parse(uuidParam, req.params.id);
    await addInternalNote(ctx, id, parse(z.strictObject({ body: messageField }), req.body));
    res.status(201).json(await detail(id, ctx.now));
  });

  return r;
}

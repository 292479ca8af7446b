import { Router } from 'express';
import type { AppDeps } from '../../../deps.js';
import { createTemplate } from '../../../domain/templates/createTemplate.js';
import { deleteTemplate } from '../../../domain/templates/deleteTemplate.js';
import { getTemplate, listTemplates } from '../../../domain/templates/listTemplates.js';
import { updateTemplate } from '../../../domain/templates/updateTemplate.js';
import { presentTemplate } from '../../../presenters/templates.js';
import { requireApi } from '../../auth.js';
import { ctxOf } from '../../context.js';
import { parse, uuidParam } from '../../validate.js';
import { createTemplateBody, updateTemplateBody } from './templateFields.js';

/** Incident templates: regular staff and admins write, observers read. */
export function incidentTemplateRoutes(deps: AppDeps): Router {
  const r = Router();
  const db = deps.database.db;

  r.get('/incident-templates', requireApi('read'), async (_req, res) => {
    res.json({ incident_templates: (await listTemplates(db)).map(presentTemplate) });
  });

  r.get('/incident-templates/:id', requireApi('read'), async (req, res) => {
    res.json(presentTemplate(await getTemplate(db, parse(uuidParam, req.params.id))));
  });

  r.post('/incident-templates', requireApi('operate'), async (req, res) => {
    const row = await createTemplate(ctxOf(deps, req), parse(createTemplateBody, req.body));
    res.status(201).json(presentTemplate(row));
  });

  r.patch('/incident-templates/:id', requireApi('operate'), async (req, res) => {
    const id = parse(uuidParam, req.params.id);
    const row = await updateTemplate(ctxOf(deps, req), id, parse(updateTemplateBody, req.body));
    res.json(presentTemplate(row));
  });

  r.delete('/incident-templates/:id', requireApi('operate'), async (req, res) => {
    await deleteTemplate(ctxOf(deps, req), parse(uuidParam, req.params.id));
    res.status(204).end();
  });

  return r;
}

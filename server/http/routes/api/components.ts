import { Router } from 'express';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { AppDeps } from '../../../deps.js';
import { components, componentStatuses } from '../../../db/schema.js';
import { createComponent } from '../../../domain/components/createComponent.js';
import { deleteComponent } from '../../../domain/components/deleteComponent.js';
import { listComponents } from '../../../domain/components/listComponents.js';
import { updateComponent } from '../../../domain/components/updateComponent.js';
import { notFound } from '../../../domain/errors.js';
import { requireApi } from '../../auth.js';
import { ctxOf } from '../../context.js';
import { presentComponent } from '../../../presenters/components.js';
import { isoDay, parse, uuidParam } from '../../validate.js';

const fields = {
  name: z.string().trim().min(1, 'is required').max(100),
  description: z.string().trim().max(1000).nullable(),
  group: z.boolean(),
  group_id: z.string().uuid('must be a component group id').nullable(),
  position: z.number().int().min(0).max(10_000),
  status: z.enum(componentStatuses),
  showcase: z.boolean(),
  only_show_if_degraded: z.boolean(),
  start_date: isoDay.nullable(),
};
export const createBody = z.strictObject({ ...fields, name: fields.name }).partial().required({ name: true });
export const updateBodySchema = z.strictObject(fields).omit({ group: true }).partial();

export function componentRoutes(deps: AppDeps): Router {
  const r = Router();

  r.get('/components', requireApi('read'), async (_req, res) => {
    const all = await listComponents(deps.database.db);
    res.json({ components: all.map((c) => presentComponent(c, all)) });
  });

  r.get('/components/:id', requireApi('read'), async (req, res) => {
    const id = parse(uuidParam, req.params.id);
    const all = await listComponents(deps.database.db);
    const c = all.find((x) => x.id === id);
    if (!c) throw notFound('Component', id);
    res.json(presentComponent(c, all));
  });

  r.post('/components', requireApi('administer'), async (req, res) => {
    const row = await createComponent(ctxOf(deps, req), parse(createBody, req.body));
    res.status(201).json(presentComponent(row, [row]));
  });

  r.patch('/components/:id', requireApi('operate'), async (req, res) => {
    const id = parse(uuidParam, req.params.id);
    const row = await updateComponent(ctxOf(deps, req), id, parse(updateBodySchema, req.body));
    const members = await deps.database.db.select().from(components).where(eq(components.groupId, id));
    res.json(presentComponent(row, [row, ...members]));
  });

  r.delete('/components/:id', requireApi('administer'), async (req, res) => {
    await deleteComponent(ctxOf(deps, req), parse(uuidParam, req.params.id));
    res.status(204).end();
  });

  return r;
}

import { Router } from 'express';
import { z } from 'zod';
import type { AppDeps } from '../../../deps.js';
import { noticeLevels } from '../../../db/schema.js';
import { isNoticeActive } from '../../../domain/notices/activeNotices.js';
import { createNotice } from '../../../domain/notices/createNotice.js';
import { deleteNotice } from '../../../domain/notices/deleteNotice.js';
import { getNotice, listNotices, type NoticeRow } from '../../../domain/notices/listNotices.js';
import { updateNotice } from '../../../domain/notices/updateNotice.js';
import { requireApi } from '../../auth.js';
import { ctxOf } from '../../context.js';
import { isoDate, parse, uuidParam } from '../../validate.js';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

/** The notice object of the staff API (and the console); `active` is evaluated at `now`. */
export function presentNotice(n: NoticeRow, now: Date) {
  return {
    id: n.id,
    title: n.title,
    body: n.body,
    level: n.level,
    publish_at: iso(n.publishAt),
    expire_at: iso(n.expireAt),
    dismissible: n.dismissible,
    url: n.url,
    /** The audience: component or group ids; empty = page-wide. */
    components: n.componentIds ?? [],
    created_at: iso(n.createdAt),
    updated_at: iso(n.updatedAt),
    active: isNoticeActive(n, now),
  };
}

const fields = {
  title: z.string().trim().min(1, 'is required').max(200),
  body: z.string().trim().min(1, 'is required').max(2000),
  level: z.enum(noticeLevels, { message: 'must be one of info, warning, critical' }),
  publish_at: isoDate,
  expire_at: isoDate.nullable(),
  dismissible: z.boolean(),
  url: z.string().trim().max(2000).nullable(),
  components: z.array(z.string().uuid('must be a component id')).max(100).nullable(),
};
export const createBody = z.strictObject(fields).partial().required({ title: true, body: true, level: true });
export const updateBody = z.strictObject(fields).partial();

export function noticeRoutes(deps: AppDeps): Router {
  const r = Router();
  const db = deps.database.db;

  r.get('/notices', requireApi('read'), async (_req, res) => {
    const now = deps.clock.now();
    res.json({ notices: (await listNotices(db)).map((n) => presentNotice(n, now)) });
  });

  r.get('/notices/:id', requireApi('read'), async (req, res) => {
    const row = await getNotice(db, parse(uuidParam, req.params.id));
    res.json(presentNotice(row, deps.clock.now()));
  });

  r.post('/notices', requireApi('operate'), async (req, res) => {
    const ctx = ctxOf(deps, req);
    const row = await createNotice(ctx, parse(createBody, req.body));
    res.status(201).json(presentNotice(row, ctx.now));
  });

  r.patch('/notices/:id', requireApi('operate'), async (req, res) => {
    const id = parse(uuidParam, req.params.id);
    const ctx = ctxOf(deps, req);
    const row = await updateNotice(ctx, id, parse(updateBody, req.body));
    res.json(presentNotice(row, ctx.now));
  });

  r.delete('/notices/:id', requireApi('operate'), async (req, res) => {
    await deleteNotice(ctxOf(deps, req), parse(uuidParam, req.params.id));
    res.status(204).end();
  });

  return r;
}

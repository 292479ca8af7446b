import type { Request } from 'express';
import type { Ctx } from '../domain/context.js';
import type { AppDeps } from '../deps.js';

/** Builds the verb context for one request: actor, database, the clock's now, request id. */
export function ctxOf(deps: AppDeps, req: Request): Ctx {
  return { db: deps.database.db, now: deps.clock.now(), actor: req.actor ?? null, requestId: String(req.id), onCommit: req.onCommit };
}

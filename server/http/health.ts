import type { RequestHandler } from 'express';
import type { Database } from '../db/client.js';
import type { RedisLink } from '../realtime/redisAdapter.js';

/** What readiness depends on; the runtime fills it in as start-up proceeds. */
export class Health {
  /** True once start-up has finished: HTTP, background work (dispatcher, timers, cron, catch-up). */
  started = false;
  redis: RedisLink | null = null;
}

const PING_TIMEOUT_MS = 2_000;

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    }),
  ]);
}

/** GET /healthz: the process answers (liveness); nothing else is checked. */
export const healthz: RequestHandler = (_req, res) => {
  res.json({ status: 'ok' });
};

/**
 * GET /readyz: 200 once start-up has finished and the database answers within 2 s; 503 otherwise.
 * Redis is reported but does not fail readiness: without it Beacon serves, only cross-instance
 * staff pushes wait.
 */
export function readyz(database: Database, health: Health): RequestHandler {
  return async (_req, res) => {
    // States only: error texts would tell anyone on the internet the internal addresses.
    const redis = health.redis ? { state: health.redis.state, since: health.redis.since.toISOString() } : undefined;
    if (!health.started) {
      res.status(503).json({ error: { code: 'starting', message: 'Beacon is still starting', details: { database: database.driver, redis } } });
      return;
    }
    try {
      await withTimeout(database.ping(), PING_TIMEOUT_MS);
      res.json({ status: 'ready', database: database.driver, redis });
    } catch {
      res.status(503).json({ error: { code: 'database_unavailable', message: 'The database is not reachable', details: { database: database.driver, redis } } });
    }
  };
}

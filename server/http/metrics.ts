import type { RequestHandler } from 'express';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { min, count, isNull, and, eq } from 'drizzle-orm';
import crypto from 'node:crypto';
import { deliveries, outboxEvents } from '../db/schema.js';
import type { Database } from '../db/client.js';
import type { Clock } from '../clock.js';
import type { Health } from './health.js';

/** Prometheus metrics on a registry of our own (several runtimes may live in one test process). */
export class Metrics {
  readonly registry = new Registry();
  readonly http = new Histogram({ name: 'beacon_http_request_duration_seconds', help: 'HTTP requests by route', labelNames: ['method', 'route', 'status'], buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5], registers: [this.registry] });
  readonly fanout = new Histogram({ name: 'beacon_live_fanout_seconds', help: 'From a public change to the live push (rebuild, render, broadcast)', buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5], registers: [this.registry] });
  readonly noticeLateness = new Histogram({ name: 'beacon_maintenance_notice_lateness_seconds', help: 'How late maintenance notices fired after their instant', buckets: [0.1, 0.5, 1, 5, 60, 600], registers: [this.registry] });
  readonly slaLateness = new Histogram({ name: 'beacon_sla_warning_lateness_seconds', help: 'How late SLA warnings fired after their instant', buckets: [0.1, 0.5, 1, 5, 60, 600], registers: [this.registry] });
  readonly rebuilds = new Counter({ name: 'beacon_snapshot_rebuilds_total', help: 'Public snapshot rebuilds', registers: [this.registry] });
  /** Bumped by the fast path (a plain integer, no per-request prom-client work), reported on scrape. */
  fastPathHits = 0;

  constructor(database: Database, clock: Clock, sockets: () => number) {
    collectDefaultMetrics({ register: this.registry, prefix: 'beacon_' });
    // prom-client exports these three sums as gauges named *_total, which `promtool check metrics`
    // rejects (the suffix is for counters); the per-type gauges beside them carry the same figures.
    for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']) {
      this.registry.removeSingleMetric(`beacon_${name}`);
    }
    const self = this;
    let reported = 0;
    new Counter({
      name: 'beacon_fast_path_hits_total', help: 'Public reads answered by the fast path ahead of Express (not in beacon_http_request_duration_seconds)', registers: [this.registry],
      collect() { const n = self.fastPathHits - reported; if (n > 0) this.inc(n); reported += n; },
    });
    new Gauge({ name: 'beacon_connected_sockets', help: 'Connected socket.io clients on this instance', registers: [this.registry], collect() { this.set(sockets()); } });
    new Gauge({
      name: 'beacon_outbox_backlog', help: 'Outbox events not yet fanned out, and pending deliveries', labelNames: ['stage'], registers: [this.registry],
      async collect() {
        const [e] = await database.db.select({ n: count() }).from(outboxEvents).where(isNull(outboxEvents.dispatchedAt));
        const [d] = await database.db.select({ n: count() }).from(deliveries).where(eq(deliveries.status, 'pending'));
        this.set({ stage: 'events' }, Number(e?.n ?? 0));
        this.set({ stage: 'deliveries' }, Number(d?.n ?? 0));
      },
    });
    new Gauge({
      name: 'beacon_outbox_oldest_age_seconds', help: 'Age of the oldest event not yet fanned out', registers: [this.registry],
      async collect() {
        const [row] = await database.db.select({ at: min(outboxEvents.createdAt) }).from(outboxEvents).where(and(isNull(outboxEvents.dispatchedAt)));
        const at = row?.at ? new Date(row.at) : null;
        this.set(at ? Math.max(0, (clock.now().getTime() - at.getTime()) / 1000) : 0);
      },
    });
    if (database.embeddedHeapBytes) {
      const heap = database.embeddedHeapBytes;
      new Gauge({ name: 'beacon_embedded_database_heap_bytes', help: 'The embedded database\'s WebAssembly heap (part of the resident memory; it grows and never shrinks)', registers: [this.registry], collect() { this.set(heap()); } });
    }
    if (database.poolStats) {
      const stats = database.poolStats;
      new Gauge({ name: 'beacon_db_pool_connections', help: 'Database pool connections', labelNames: ['state'], registers: [this.registry], collect() { const s = stats(); this.set({ state: 'total' }, s.total); this.set({ state: 'idle' }, s.idle); this.set({ state: 'waiting' }, s.waiting); } });
    }
  }

  /** Start-up and Redis state, so an instance stuck starting or cut off from Redis can be alerted on. */
  watchHealth(health: Health, redisConfigured: boolean): void {
    new Gauge({ name: 'beacon_startup_complete', help: '1 once start-up has finished (background work running), 0 while starting', registers: [this.registry], collect() { this.set(health.started ? 1 : 0); } });
    if (!redisConfigured) return;
    new Gauge({ name: 'beacon_redis_up', help: '1 while both Redis connections (socket.io fan-out) are ready, 0 while connecting or reconnecting', registers: [this.registry], collect() { this.set(health.redis?.state === 'ready' ? 1 : 0); } });
  }

  /** The newest backup's age and size (absent until there is one), for alerting on stale backups. */
  watchBackups(latest: () => { takenAt: Date; size: number } | null, clock: Clock): void {
    new Gauge({ name: 'beacon_backup_last_success_age_seconds', help: 'Age of the newest backup in BACKUP_DIR', registers: [this.registry], collect() { const b = latest(); if (b) this.set(Math.max(0, (clock.now().getTime() - b.takenAt.getTime()) / 1000)); else this.reset(); } });
    new Gauge({ name: 'beacon_backup_last_success_size_bytes', help: 'Size of the newest backup in BACKUP_DIR', registers: [this.registry], collect() { const b = latest(); if (b) this.set(b.size); else this.reset(); } });
  }

  /** Times each request under its route pattern (not the raw URL, which would explode the labels). */
  middleware: RequestHandler = (req, res, next) => {
    const end = this.http.startTimer();
    res.on('finish', () => {
      const route = req.route?.path ? `${req.baseUrl}${String(req.route.path)}` : 'unmatched';
      end({ method: req.method, route, status: String(res.statusCode) });
    });
    next();
  };
}

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/** GET /metrics: with METRICS_TOKEN a bearer token is required; without it, loopback callers only. */
export function metricsRoute(metrics: Metrics, token: string | undefined): RequestHandler {
  return async (req, res) => {
    const auth = req.headers.authorization ?? '';
    const allowed = token
      ? auth.length === `Bearer ${token}`.length && crypto.timingSafeEqual(Buffer.from(auth), Buffer.from(`Bearer ${token}`))
      : LOOPBACK.has(req.socket.remoteAddress ?? '');
    if (!allowed) {
      res.status(token ? 401 : 403).json({ error: { code: token ? 'unauthenticated' : 'forbidden', message: token ? 'Send the metrics token as a bearer token' : 'Metrics are served to loopback callers only; set METRICS_TOKEN to expose them' } });
      return;
    }
    res.setHeader('Content-Type', metrics.registry.contentType);
    res.send(await metrics.registry.metrics());
  };
}

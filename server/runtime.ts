import http from 'node:http';
import { createApp, type AppHooks } from './app.js';
import type { AppDeps } from './deps.js';
import { startJobs } from '../jobs/registry.js';
import { retentionJob } from '../jobs/retention.js';
import { MaintenanceWatcher } from '../jobs/maintenanceWatcher.js';
import { SlaWatcher } from '../jobs/slaWatcher.js';
import { CadenceWatcher } from '../jobs/cadenceWatcher.js';
import { OutboxDispatcher } from './notify/dispatcher.js';
import { staffRealtimeChannel } from './notify/realtimeChannel.js';
import { deliveryChannels } from './notify/registry.js';
import { RealtimeGateway } from './realtime/gateway.js';
import { Pacer, type PacerOptions } from './pacer.js';
import { Metrics } from './http/metrics.js';
import { Health } from './http/health.js';
import { ChangeFeed } from './db/changeFeed.js';
import { liveStatusFragment } from './http/routes/public/statusPage.js';
import { uptimeToday } from './presenters/statusPageView.js';
import { SnapshotStore } from './http/snapshot/snapshotStore.js';
import { livePushes, subscriptionKey } from './http/announcementQuery.js';
import { fastPath } from './http/fastPath.js';
import { BackupJobs } from './backup/backupJobs.js';
import { mirrorDeletionLedger } from './backup/ledgerFile.js';

/** Live pushes stretch their interval to keep their cost under a quarter of the time, to at most 2 s between pushes. */
const LIVE_PUSH_PACING: PacerOptions = { costShare: 0.25, maxIntervalMs: 2_000 };

export interface Runtime {
  server: http.Server;
  gateway: RealtimeGateway;
  dispatcher: OutboxDispatcher;
  slaWatcher: SlaWatcher;
  cadenceWatcher: CadenceWatcher;
  maintenanceWatcher: MaintenanceWatcher;
  snapshot: SnapshotStore;
  /** Rebuilds (and pushes) the public snapshot after changes, at most once per LIVE_PUSH_INTERVAL_MS. */
  rebuilds: Pacer;
  backups: BackupJobs;
  /** Readiness: `started` turns true when startBackground() has finished. */
  health: Health;
  /** Starts polling, timers and cron (tests drive these by hand instead). */
  startBackground(): Promise<void>;
  stop(): Promise<void>;
}

/** Wires the HTTP app, socket.io, the outbox dispatcher and time-driven jobs around one server. */
export function createRuntime(deps: AppDeps, opts: { dispatchAfterWrite?: boolean; timers?: boolean } = {}): Runtime {
  const snapshot = new SnapshotStore(deps.database, deps.config, deps.clock, deps.logger);
  let gateway: RealtimeGateway | null = null;
  const metrics = new Metrics(deps.database, deps.clock, () => gateway?.connectedClients() ?? 0);
  const health = new Health();
  metrics.watchHealth(health, Boolean(deps.config.REDIS_URL));
  const backups = new BackupJobs(deps);
  metrics.watchBackups(() => backups.latest(), deps.clock);
  const hooks: AppHooks = { afterWrite: () => {} };
  const app = createApp(deps, snapshot, metrics, hooks, health, backups);
  const server = http.createServer(fastPath(snapshot, app));
  gateway = new RealtimeGateway(server, deps, (auth) => subscriptionKey(snapshot, auth));
  // After each rebuild: render the live part of the page once and broadcast it with the sequence
  // (the snapshot store awaits this before it renders the whole page).
  snapshot.onRebuilt(async (store) => {
    metrics.rebuilds.inc();
    const stopTimer = metrics.fanout.startTimer();
    const snap = store.snapshot!;
    const seq = store.seq;
    try {
      // The same rendering `/live/status` serves to pages that poll instead.
      const html = (await liveStatusFragment(app, store)).body.toString();
      if (seq !== store.seq) return; // a newer rebuild already published
      stopTimer();
      gateway!.publishStatus({ seq, html, title: snap.status.description, indicator: snap.status.indicator, today: uptimeToday(snap) }, livePushes(snap, seq));
    } catch (err) {
      deps.logger.error({ err }, 'could not render the live status');
    }
  });
  // Changes rebuild (and push) at once, but a burst of them at most once per interval, and under a
  // stream of writes rebuilding and pushing take at most a quarter of the time (a push to 1,000
  // sockets costs ~100 ms of this process: test/bench/PROFILES.md, "write path").
  const rebuilds = new Pacer(deps.config.LIVE_PUSH_INTERVAL_MS, () => snapshot.rebuild().catch((err) => deps.logger.error({ err }, 'snapshot rebuild failed')), undefined, LIVE_PUSH_PACING);
  const channels = deliveryChannels(deps);
  const shared = deps.database.driver === 'postgres';
  const dispatcher = new OutboxDispatcher(deps.database.db, [staffRealtimeChannel(gateway)], channels, deps.clock, deps.logger, 250, Math.random, shared, deps.config.DELIVERY_LEASE_SECONDS * 1000);
  const slaWatcher = new SlaWatcher(deps.database.db, deps.clock, deps.logger, (fired) => {
    for (const w of fired) metrics.slaLateness.observe(w.lateMs / 1000);
    void dispatcher.drain();
  });
  const maintenanceWatcher = new MaintenanceWatcher(deps.database.db, deps.clock, deps.logger, (fired) => {
    for (const n of fired) metrics.noticeLateness.observe(n.lateMs / 1000);
    void dispatcher.drain();
  });
  const cadenceWatcher = new CadenceWatcher(deps.database.db, deps.clock, deps.logger, () => void dispatcher.drain());
  slaWatcher.timersEnabled = maintenanceWatcher.timersEnabled = cadenceWatcher.timersEnabled = opts.timers ?? true;
  // Every public change rebuilds the snapshot (staff-only events such as notes and SLA warnings do
  // not); incident, maintenance and policy changes may move the next instant a watcher waits for.
  const PUBLIC_EVENTS = /^(import\.completed|incident\.(created|updated|resolved|reopened|changed|milestone|postmortem_published)|component\.|maintenance|notice\.|sla_policy|reconnected)/;
  // Re-reading the next deadline is paced like the rebuild: its instants are minutes apart, and the
  // last re-read of a burst sees every change in it.
  const paced = (w: { arm(): Promise<void> }) => new Pacer(deps.config.LIVE_PUSH_INTERVAL_MS, () => w.arm().catch(() => {}));
  const slaArms = paced(slaWatcher);
  const cadenceArms = paced(cadenceWatcher);
  const maintenanceArms = paced(maintenanceWatcher);
  // Once per batch of events (a write's several events are one change): one rebuild, one push.
  const react = (types: string[]) => {
    const any = (test: (type: string) => boolean) => types.some(test);
    if (any((t) => t.startsWith('incident.') || t === 'sla_policy.changed' || t === 'reconnected')) void slaArms.request();
    if (any((t) => t.startsWith('incident.') || t === 'reconnected')) void cadenceArms.request();
    if (any((t) => t.startsWith('maintenance.') || t === 'reconnected')) void maintenanceArms.request();
    if (any((t) => PUBLIC_EVENTS.test(t))) void rebuilds.request();
  };
  // A write reacts the moment it commits, with the events it recorded: the rebuild and live push need
  // only the committed rows, not the outbox fan-out. When this dispatcher then fans those events
  // out, they are not reacted to a second time.
  const reactedAtCommit = new Set<number>();
  if (opts.dispatchAfterWrite ?? true) {
    hooks.afterWrite = (committed) => {
      if (committed.length) {
        if (reactedAtCommit.size > 10_000) reactedAtCommit.clear(); // another instance fanned them out
        for (const e of committed) reactedAtCommit.add(e.id);
        react(committed.map((e) => e.type));
      }
      void dispatcher.afterCommit().catch((err) => deps.logger.error({ err }, 'outbox dispatch failed'));
    };
  }
  dispatcher.onEvents((events) => {
    const fresh = events.filter((e) => !reactedAtCommit.delete(e.id));
    if (fresh.length) react(fresh.map((e) => e.type));
  });
  // On PostgreSQL other instances may have claimed the event: they NOTIFY, every instance reacts.
  const changeFeed = shared && deps.database.url ? new ChangeFeed(deps.database.url, deps.logger, (types) => react(types.split(','))) : null;
  let jobs: { stop(): void } | null = null;
  return {
    server,
    gateway,
    dispatcher,
    slaWatcher,
    cadenceWatcher,
    maintenanceWatcher,
    snapshot,
    rebuilds,
    backups,
    health,
    async startBackground() {
      // Never awaited: Redis connects in the background, so a missing Redis cannot hold up the
      // dispatcher, the catch-up and cron below (it is reported in /readyz and /metrics).
      // (redis and its adapter are loaded only when configured.)
      if (deps.config.REDIS_URL) health.redis = (await import('./realtime/redisAdapter.js')).attachRedisAdapter(gateway.io, deps.config.REDIS_URL, deps.logger);
      await changeFeed?.start();
      await snapshot.rebuild();
      dispatcher.start();
      // Fire whatever came due while Beacon was down, then arm the timers; cron is the safety net.
      await slaWatcher.tick();
      await maintenanceWatcher.tick();
      await cadenceWatcher.tick();
      // A deletion whose copy to the ledger file was lost to a crash after its commit is copied now.
      if (backups.enabled) await mirrorDeletionLedger(deps);
      jobs = startJobs(
        [
          { name: 'sla-warnings', schedule: '* * * * *', run: () => slaWatcher.tick() },
          { name: 'maintenance-notices', schedule: '* * * * *', run: () => maintenanceWatcher.tick() },
          retentionJob(deps),
          // Backups only with a passphrase (README "Backups and restore"); the failure alert is raised inside.
          ...(backups.enabled
            ? [
                { name: 'backup', schedule: deps.config.BACKUP_SCHEDULE, run: () => backups.backupNow() },
                { name: 'backup-overdue', schedule: '*/5 * * * *', run: () => backups.checkOverdue() },
              ]
            : []),
          { name: 'next-update-warnings', schedule: '* * * * *', run: () => cadenceWatcher.tick() },
        ],
        deps.logger,
      );
      health.started = true;
    },
    async stop() {
      health.started = false;
      jobs?.stop();
      slaWatcher.stop();
      cadenceWatcher.stop();
      maintenanceWatcher.stop();
      snapshot.stop();
      for (const p of [rebuilds, slaArms, cadenceArms, maintenanceArms]) p.stop();
      await dispatcher.stop();
      for (const ch of channels) ch.close?.();
      await changeFeed?.stop();
      await gateway.close();
      await health.redis?.close();
    },
  };
}

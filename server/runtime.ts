import http from 'node:http';
import { createApp, type AppDeps } from './app.js';
import { startJobs } from '../jobs/registry.js';
import { MaintenanceWatcher } from '../jobs/maintenanceWatcher.js';
import { SlaWatcher } from '../jobs/slaWatcher.js';
import { OutboxDispatcher } from './notify/dispatcher.js';
import { staffRealtimeChannel } from './notify/realtimeChannel.js';
import { deliveryChannels } from './notify/registry.js';
import { RealtimeGateway } from './realtime/gateway.js';
import { renderView } from './http/routes/public/statusPage.js';
import { statusPageView } from './http/presenters/statusPageView.js';
import { SnapshotStore } from './http/snapshot/snapshotStore.js';

export interface Runtime {
  server: http.Server;
  gateway: RealtimeGateway;
  dispatcher: OutboxDispatcher;
  slaWatcher: SlaWatcher;
  maintenanceWatcher: MaintenanceWatcher;
  snapshot: SnapshotStore;
  /** Starts polling, timers and cron (tests drive these by hand instead). */
  startBackground(): Promise<void>;
  stop(): Promise<void>;
}

/** Wires the HTTP app, socket.io, the outbox dispatcher and time-driven jobs around one server. */
export function createRuntime(deps: AppDeps): Runtime {
  const snapshot = new SnapshotStore(deps.database.db, deps.config, deps.clock, deps.logger);
  const app = createApp(deps, snapshot);
  const server = http.createServer(app);
  const gateway = new RealtimeGateway(server, deps);
  // After each rebuild: render the live part of the page once and broadcast it with the sequence.
  snapshot.onRebuilt((store) => {
    const snap = store.snapshot!;
    const seq = store.seq;
    void renderView(app, 'pages/status-main', { layout: false, view: statusPageView(snap) })
      .then((html) => {
        if (seq !== store.seq) return; // a newer rebuild already published
        gateway.publishStatus({ seq, html, title: snap.status.description, indicator: snap.status.indicator }, { seq, announcements: snap.announcements, generated_at: snap.builtAt.toISOString() });
      })
      .catch((err) => deps.logger.error({ err }, 'could not render the live status'));
  });
  const channels = deliveryChannels(deps);
  const dispatcher = new OutboxDispatcher(deps.database.db, [staffRealtimeChannel(gateway)], channels, deps.clock, deps.logger);
  const slaWatcher = new SlaWatcher(deps.database.db, deps.clock, deps.logger, () => void dispatcher.drain());
  const maintenanceWatcher = new MaintenanceWatcher(deps.database.db, deps.clock, deps.logger, () => void dispatcher.drain());
  // Any incident, maintenance or policy change may move the next instant a watcher waits for.
  dispatcher.onEvent((e) => {
    if (e.type.startsWith('incident.') || e.type === 'sla_policy.changed') void slaWatcher.arm().catch(() => {});
    if (e.type.startsWith('maintenance.')) void maintenanceWatcher.arm().catch(() => {});
  });
  // Every public change rebuilds the snapshot (staff-only events such as notes and SLA warnings do not).
  const PUBLIC_EVENTS = /^(incident\.(created|updated|resolved|reopened|changed|milestone)|component\.|maintenance|notice\.|sla_policy)/;
  dispatcher.onEvent((e) => {
    if (PUBLIC_EVENTS.test(e.type)) void snapshot.rebuild().catch((err) => deps.logger.error({ err }, 'snapshot rebuild failed'));
  });
  let jobs: { stop(): void } | null = null;
  return {
    server,
    gateway,
    dispatcher,
    slaWatcher,
    maintenanceWatcher,
    snapshot,
    async startBackground() {
      await snapshot.rebuild();
      dispatcher.start();
      // Fire whatever came due while Beacon was down, then arm the timers; cron is the safety net.
      await slaWatcher.tick();
      await maintenanceWatcher.tick();
      jobs = startJobs(
        [
          { name: 'sla-warnings', schedule: '* * * * *', run: () => slaWatcher.tick() },
          { name: 'maintenance-notices', schedule: '* * * * *', run: () => maintenanceWatcher.tick() },
        ],
        deps.logger,
      );
    },
    async stop() {
      jobs?.stop();
      slaWatcher.stop();
      maintenanceWatcher.stop();
      snapshot.stop();
      await dispatcher.stop();
      for (const ch of channels) ch.close?.();
      await gateway.close();
    },
  };
}

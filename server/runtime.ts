import http from 'node:http';
import { createApp, type AppDeps } from './app.js';
import { startJobs } from '../jobs/registry.js';
import { MaintenanceWatcher } from '../jobs/maintenanceWatcher.js';
import { SlaWatcher } from '../jobs/slaWatcher.js';
import { OutboxDispatcher } from './notify/dispatcher.js';
import { staffRealtimeChannel } from './notify/realtimeChannel.js';
import { RealtimeGateway } from './realtime/gateway.js';

export interface Runtime {
  server: http.Server;
  gateway: RealtimeGateway;
  dispatcher: OutboxDispatcher;
  slaWatcher: SlaWatcher;
  maintenanceWatcher: MaintenanceWatcher;
  /** Starts polling, timers and cron (tests drive these by hand instead). */
  startBackground(): Promise<void>;
  stop(): Promise<void>;
}

/** Wires the HTTP app, socket.io, the outbox dispatcher and time-driven jobs around one server. */
export function createRuntime(deps: AppDeps): Runtime {
  const server = http.createServer(createApp(deps));
  const gateway = new RealtimeGateway(server, deps);
  const dispatcher = new OutboxDispatcher(deps.database.db, [staffRealtimeChannel(gateway)], deps.clock, deps.logger);
  const slaWatcher = new SlaWatcher(deps.database.db, deps.clock, deps.logger, () => void dispatcher.drain());
  const maintenanceWatcher = new MaintenanceWatcher(deps.database.db, deps.clock, deps.logger, () => void dispatcher.drain());
  // Any incident, maintenance or policy change may move the next instant a watcher waits for.
  dispatcher.onEvent((e) => {
    if (e.type.startsWith('incident.') || e.type === 'sla_policy.changed') void slaWatcher.arm().catch(() => {});
    if (e.type.startsWith('maintenance.')) void maintenanceWatcher.arm().catch(() => {});
  });
  let jobs: { stop(): void } | null = null;
  return {
    server,
    gateway,
    dispatcher,
    slaWatcher,
    maintenanceWatcher,
    async startBackground() {
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
      await dispatcher.stop();
      await gateway.close();
    },
  };
}

// A Beacon delivery process for the crash tests: the real outbox dispatcher and the real channel
// registry against DATABASE_URL (PostgreSQL) or DATA_DIR (embedded PGlite on disk).
//   WORKER_MODE=run    fan out and deliver until killed (the test sends SIGKILL mid-batch); with
//                      WORKER_SEED=incident|maintenance it first files that news as the first admin;
//   WORKER_MODE=drain  the restart: deliver until nothing is pending, print the delivery counts, exit.
// CLOCK_OFFSET_MS moves the injected clock forward: the restart happens "later", after any lease
// the killed process held has run out (the tests never sleep through one).
import { deriveKey } from '../../server/secretsKey.js';
import { eq, sql } from 'drizzle-orm';
import type { Clock } from '../../server/clock.js';
import { loadConfig } from '../../server/config.js';
import { openDatabase } from '../../server/db/client.js';
import { users } from '../../server/db/schema.js';
import { createIncident } from '../../server/domain/incidents/createIncident.js';
import { scheduleMaintenance } from '../../server/domain/maintenance/scheduleMaintenance.js';
import { toActor } from '../../server/domain/staff/userPresenterFields.js';
import type { AppDeps } from '../../server/deps.js';
import { createLogger } from '../../server/logger.js';
import { OutboxDispatcher } from '../../server/notify/dispatcher.js';
import { deliveryChannels } from '../../server/notify/registry.js';

const mode = process.env.WORKER_MODE ?? 'run';
const offset = Number(process.env.CLOCK_OFFSET_MS ?? 0);
const clock: Clock = { now: () => new Date(Date.now() + offset) };
const config = loadConfig({ ...process.env, NODE_ENV: 'test', DEMO_DATA: 'false' });
const database = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR });
const logger = createLogger(process.env.WORKER_LOG_LEVEL ?? 'warn', process.stderr);
const sessionSecret = 'crash-test-secret-that-is-long-enough-0123456789';
const deps: AppDeps = { config, database, clock, logger, sessionSecret, secretsKey: deriveKey(sessionSecret, 'test') };
const channels = deliveryChannels(deps);
const dispatcher = new OutboxDispatcher(database.db, [], channels, clock, logger, 250, Math.random, false, config.DELIVERY_LEASE_SECONDS * 1000);

const counts = async () => {
  const res = await database.db.execute(sql`select status, count(*)::int as n from deliveries group by status`);
  return Object.fromEntries((res as unknown as { rows: { status: string; n: number }[] }).rows.map((r) => [r.status, r.n]));
};

async function seed(kind: string) {
  const [admin] = await database.db.select().from(users).where(eq(users.role, 'admin')).limit(1);
  const ctx = { db: database.db, now: clock.now(), actor: toActor(admin!) };
  if (kind === 'incident') await createIncident(ctx, { title: 'Checkout failing', severity: 1, message: 'Payments fail for some customers.' });
  if (kind === 'maintenance') {
    const at = new Date(ctx.now.getTime() + 2 * 3_600_000);
    await scheduleMaintenance(ctx, { title: 'Database upgrade', body: 'A short read-only period.', kind: 'unplanned', reason: 'Security fix', scheduled_for: at, scheduled_until: new Date(at.getTime() + 3_600_000) });
  }
}

process.stdout.write('ready\n');
if (mode === 'run') {
  if (process.env.WORKER_SEED) await seed(process.env.WORKER_SEED);
  for (;;) {
    await dispatcher.drain();
    await new Promise((r) => setTimeout(r, 20));
  }
}
const deadline = Date.now() + 60_000;
for (;;) {
  await dispatcher.drain();
  const c = await counts();
  if (!c.pending || Date.now() > deadline) {
    process.stdout.write(`${JSON.stringify(c)}\n`);
    break;
  }
  await new Promise((r) => setTimeout(r, 50));
}
for (const ch of channels) ch.close?.();
await database.close();
process.exit(0);

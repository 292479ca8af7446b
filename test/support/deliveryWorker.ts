// A Beacon delivery process for the crash tests: the real outbox dispatcher and the real channel
// registry against DATABASE_URL (PostgreSQL) or DATA_DIR (embedded PGlite on disk).
//   WORKER_MODE=run    fan out and deliver until killed (the test sends SIGKILL mid-batch);
//   WORKER_MODE=drain  the restart: deliver until nothing is pending, print the delivery counts, exit.
// CLOCK_OFFSET_MS moves the injected clock forward: the restart happens "later", after any lease
// the killed process held has run out (the tests never sleep through one).
import { sql } from 'drizzle-orm';
import type { Clock } from '../../server/clock.js';
import { loadConfig } from '../../server/config.js';
import { openDatabase } from '../../server/db/client.js';
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
const deps: AppDeps = { config, database, clock, logger, sessionSecret: 'crash-test-secret-that-is-long-enough-0123456789' };
const channels = deliveryChannels(deps);
const dispatcher = new OutboxDispatcher(database.db, [], channels, clock, logger);

const counts = async () => {
  const res = await database.db.execute(sql`select status, count(*)::int as n from deliveries group by status`);
  return Object.fromEntries((res as unknown as { rows: { status: string; n: number }[] }).rows.map((r) => [r.status, r.n]));
};

process.stdout.write('ready\n');
if (mode === 'run') {
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

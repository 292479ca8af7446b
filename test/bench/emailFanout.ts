import { deriveKey } from '../../server/secretsKey.js';
// On-demand benchmark (not part of `npm test`): one incident e-mailed to 10 000 confirmed subscribers
// through the real dispatcher, the pooled nodemailer transport and a loopback SMTP server.
// Run: npm run bench:email   (DATABASE_URL=postgres://… to measure on PostgreSQL instead of PGlite)
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import type { AppDeps } from '../../server/deps.js';
import { systemClock } from '../../server/clock.js';
import { loadConfig } from '../../server/config.js';
import { openDatabase, runMigrations } from '../../server/db/client.js';
import { subscribers, users } from '../../server/db/schema.js';
import { createIncident } from '../../server/domain/incidents/createIncident.js';
import { toActor } from '../../server/domain/staff/userPresenterFields.js';
import { createLogger } from '../../server/logger.js';
import { OutboxDispatcher } from '../../server/notify/dispatcher.js';
import { emailChannels } from '../../server/notify/emailChannel.js';

const N = Number(process.env.BENCH_SUBSCRIBERS ?? 10_000);

let received = 0;
let notify: (() => void) | null = null;
const smtp = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  logger: false,
  closeTimeout: 100,
  onData(stream, _session, callback) {
    stream.on('data', () => {});
    stream.on('end', () => {
      received += 1;
      if (received >= N) notify?.();
      callback();
    });
  },
});
await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', () => r()));
const port = (smtp.server.address() as AddressInfo).port;

const database = await openDatabase({ databaseUrl: process.env.DATABASE_URL, dataDir: 'memory://' });
await runMigrations(database);
const db = database.db;
const config = loadConfig({ NODE_ENV: 'production', SMTP_URL: `smtp://127.0.0.1:${port}`, MAIL_FROM: 'Status <status@example.com>', PUBLIC_URL: 'https://status.example.com' });
const logger = createLogger('warn');
const deps: AppDeps = { config, database, clock: systemClock, logger, sessionSecret: 'bench-secret-that-is-long-enough-0123456789', secretsKey: deriveKey('bench-secret-that-is-long-enough-0123456789', 'bench') };

const now = new Date();
const [user] = await db.insert(users).values({ email: `bench-${Date.now()}@example.com`, name: 'Bench', role: 'admin', createdAt: now, updatedAt: now }).returning();
const stamp = Date.now();
for (let i = 0; i < N; i += 1000) {
  const batch = Array.from({ length: Math.min(1000, N - i) }, (_, j) => ({ email: `sub${stamp}-${i + j}@example.com`, confirmedAt: now, createdAt: now, updatedAt: now }));
  await db.insert(subscribers).values(batch);
}
console.log(`${N} confirmed subscribers on ${database.driver}; filing one incident …`);

const channels = emailChannels(deps);
const dispatcher = new OutboxDispatcher(db, [], channels, systemClock, logger);
const allArrived = new Promise<void>((r) => (notify = r));
const started = performance.now();
await createIncident({ db, now: new Date(), actor: toActor(user!) }, { title: 'Checkout failing', severity: 1, message: 'Payments fail for some customers.' });
let fanOutMs = 0;
const drained = (async () => {
  await dispatcher.drain();
  fanOutMs = performance.now() - started;
})();
await Promise.race([allArrived, drained.then(() => allArrived)]);
const seconds = (performance.now() - started) / 1000;
await drained;
console.log(`${received} of ${N} messages arrived in ${seconds.toFixed(2)} s (${Math.round(received / seconds)} msg/s; dispatcher drain ${(fanOutMs / 1000).toFixed(2)} s)`);

for (const ch of channels) ch.close?.();
await new Promise<void>((r) => smtp.close(() => r()));
await database.close();
process.exit(received >= N ? 0 : 1);

import path from 'node:path';
import { systemClock } from './clock.js';
import { ConfigError, loadConfig, type Config } from './config.js';
import { openDatabase, runMigrations, type Database } from './db/client.js';
import { DataDirLockedError, lockDataDir } from './db/dataDirLock.js';
import { loadSessionSecret } from './domain/sessionSecret.js';
import { loadSecretsKey } from './secretsKey.js';
import { bootstrapAdmin } from './domain/staff/bootstrapAdmin.js';
import { createLogger } from './logger.js';
import { seedDemoComponents } from './domain/components/seedDemoComponents.js';
import { createRuntime } from './runtime.js';

// Composition root: config → database + migrations → app → listen; graceful shutdown.
async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(78);
    }
    throw e;
  }
  const logger = createLogger(config.LOG_LEVEL);

  let releaseLock = () => {};
  if (!config.DATABASE_URL) {
    try {
      releaseLock = lockDataDir(config.DATA_DIR);
    } catch (e) {
      if (e instanceof DataDirLockedError) {
        logger.fatal(e.message);
        console.error(e.message);
        process.exit(73);
      }
      throw e;
    }
  }

  let database: Database;
  try {
    database = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR });
    await runMigrations(database);
  } catch (e) {
    releaseLock();
    logger.fatal({ err: e }, 'could not open or migrate the database');
    process.exit(1);
  }
  logger.info(
    { driver: database.driver, dataDir: database.driver === 'pglite' ? path.resolve(config.DATA_DIR) : undefined },
    'database ready',
  );

  const clock = systemClock;
  const sessionSecret = await loadSessionSecret(database.db, config.SESSION_SECRET, clock.now());
  const ctx = { db: database.db, now: clock.now(), actor: null };
  const outcome = await bootstrapAdmin(ctx, { email: config.BOOTSTRAP_ADMIN_EMAIL, password: config.BOOTSTRAP_ADMIN_PASSWORD });
  if (outcome.kind === 'admin_created') logger.info({ email: outcome.email }, 'created the first admin from BOOTSTRAP_ADMIN_EMAIL');
  if (outcome.kind === 'setup_link') {
    // The link is one-time and expires in 24 h; it is the only way in on a fresh install.
    logger.warn(
      `No staff account exists yet. Create the first admin at ${config.publicUrl}/console/setup?token=${outcome.token} ` +
        '(one-time link, valid 24 hours; restart Beacon for a new one), or set BOOTSTRAP_ADMIN_EMAIL and BOOTSTRAP_ADMIN_PASSWORD.',
    );
  }

  if (config.DEMO_DATA && (await seedDemoComponents(database.db, clock.now()))) {
    logger.info('seeded demo components (set DEMO_DATA=false to start empty)');
  }

  const { key: secretsKey, insideDatabase } = loadSecretsKey(config, sessionSecret);
  if (insideDatabase) {
    logger.warn('SECRETS_KEY is not set: two-factor seeds are encrypted with a key derived from the session secret kept in the database; set SECRETS_KEY (or SESSION_SECRET) to keep the key outside it');
  }
  const runtime = createRuntime({ config, database, clock, logger, sessionSecret, secretsKey });
  const server = runtime.server;
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.PORT, config.HOST, () => resolve());
  });
  await runtime.startBackground();
  logger.info(`Beacon listening on http://${config.HOST}:${config.PORT} (console: ${config.publicUrl}/console)`);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: no new connections, finishing requests in flight');
    const force = setTimeout(() => {
      logger.warn('in-flight requests did not finish in 10 s; closing anyway');
      server.closeAllConnections();
    }, 10_000);
    force.unref();
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    await runtime.stop();
    await closed;
    await database.close();
    releaseLock();
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});

import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { systemClock } from './clock.js';
import { ConfigError, loadConfig } from './config.js';
import { describeDatabaseUrl, openDatabase, runMigrations, type Database } from './db/client.js';
import { lockDataDir } from './db/dataDirLock.js';
import { loadSessionSecret } from './domain/sessionSecret.js';
import { loadSecretsKey } from './secretsKey.js';
import { bootstrapAdmin } from './domain/staff/bootstrapAdmin.js';
import { createLogger } from './logger.js';
import { seedDemoComponents } from './domain/components/seedDemoComponents.js';
import type { Runtime } from './runtime.js';
import { StopRequested, type Lifecycle } from './lifecycle.js';
import { EXIT, StartupError } from './startupError.js';

/**
 * Composition root: config → DATA_DIR lock → database + migrations → app → listen → background
 * work. Each step is followed by a checkpoint (a signal stops start-up there); whatever was acquired
 * is released on the way out, on failure or stop alike. Returns the graceful shutdown.
 */
export async function startBeacon(lifecycle: Lifecycle): Promise<(signal: string) => Promise<void>> {
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) throw new StartupError(EXIT.badConfig, e.message);
    throw e;
  }
  const logger = createLogger(config.LOG_LEVEL);

  let releaseLock = () => {};
  let database: Database | null = null;
  let runtime: Runtime | null = null;
  let listening = false;
  const stop = async () => {
    if (listening && runtime) {
      const server = runtime.server;
      const force = setTimeout(() => {
        logger.warn('in-flight requests did not finish in 10 s; closing anyway');
        server.closeAllConnections();
      }, 10_000);
      force.unref();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      await runtime.stop();
      await closed;
      clearTimeout(force);
    } else {
      await runtime?.stop();
    }
    await database?.close();
    releaseLock();
  };

  // The HTTP app, socket.io and the jobs (most of start-up's module loading) load while the database
  // opens; nothing else waits for them before createRuntime.
  const runtimeModule = import('./runtime.js');
  runtimeModule.catch(() => {}); // a failure is reported where it is awaited
  try {
    if (!config.DATABASE_URL) releaseLock = lockDataDir(config.DATA_DIR);
    lifecycle.checkpoint();
    database = await openAndMigrate(config);
    lifecycle.checkpoint();
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
    lifecycle.checkpoint();

    const { createRuntime } = await runtimeModule;
    runtime = createRuntime({ config, database, clock, logger, sessionSecret, secretsKey });
    const server = runtime.server;
    server.keepAliveTimeout = 65_000;
    await listen(server, config.PORT, config.HOST);
    listening = true;
    const port = (server.address() as AddressInfo).port;
    // /healthz answers from here on; /readyz stays 503 until the background work below has started.
    logger.info({ port }, 'HTTP port open; starting background work');
    lifecycle.checkpoint();
    await runtime.startBackground();
    lifecycle.checkpoint();
    logger.info(`Beacon listening on http://${config.HOST}:${port} (console: ${config.publicUrl}/console)`);
    // Start-up leaves tens of MB of garbage (migrations, first renders) that V8 keeps until allocation
    // forces a collection, which an idle server never does. `npm start` passes --expose-gc for this.
    const gc = (globalThis as { gc?: () => void }).gc;
    if (gc) setTimeout(gc, 1_000).unref();
  } catch (e) {
    await stop().catch((err) => logger.error({ err }, 'could not release what start-up had acquired'));
    if (e instanceof StopRequested) logger.info({ signal: e.signal }, 'stopped during start-up');
    throw e;
  }

  return async (signal) => {
    logger.info({ signal }, 'shutting down: no new connections, finishing requests in flight');
    await stop();
    logger.info('stopped');
  };
}

/** Opens the database and migrates it; a database that refuses or stays silent fails in bounded time. */
async function openAndMigrate(config: ReturnType<typeof loadConfig>): Promise<Database> {
  const url = config.DATABASE_URL;
  const name = url ? `database ${describeDatabaseUrl(url)}` : `embedded database in DATA_DIR ${path.resolve(config.DATA_DIR)}`;
  let database: Database;
  try {
    database = await openDatabase({
      databaseUrl: url,
      dataDir: config.DATA_DIR,
      connectTimeoutMs: config.DATABASE_CONNECT_TIMEOUT_MS,
      statementTimeoutMs: config.DATABASE_STATEMENT_TIMEOUT_MS,
    });
  } catch (e) {
    throw new StartupError(EXIT.databaseFailed, `Could not open the ${name}: ${oneLine(e)}`);
  }
  try {
    await database.ping();
  } catch (e) {
    await database.close().catch(() => {});
    const reason = /timeout/i.test(oneLine(e))
      ? `it accepted the connection but did not answer within ${config.DATABASE_CONNECT_TIMEOUT_MS} ms (DATABASE_CONNECT_TIMEOUT_MS)`
      : oneLine(e);
    throw new StartupError(url ? EXIT.databaseUnavailable : EXIT.databaseFailed, `Could not reach the ${name}: ${reason}`);
  }
  try {
    await runMigrations(database);
  } catch (e) {
    await database.close().catch(() => {});
    throw new StartupError(EXIT.databaseFailed, `Could not migrate the ${name}: ${oneLine(e)}`);
  }
  return database;
}

function listen(server: Runtime['server'], port: number, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const failed = (e: NodeJS.ErrnoException) => {
      if (e.code === 'EADDRINUSE') reject(new StartupError(EXIT.portInUse, `Port ${port} on ${host} is already in use (another Beacon or another program); stop it or set PORT.`));
      else reject(new StartupError(EXIT.cannotListen, `Cannot listen on ${host}:${port} (${e.code ?? e.message}); check HOST and PORT (ports below 1024 need privileges).`));
    };
    server.once('error', failed);
    server.listen(port, host, () => {
      server.off('error', failed);
      resolve();
    });
  });
}

function oneLine(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  const msg = err?.message || err?.code || String(e);
  return msg.replace(/\s+/g, ' ').trim();
}

import type { Clock } from './clock.js';
import type { Config } from './config.js';
import type { Database } from './db/client.js';
import type { Logger } from './logger.js';

/** What every part of the app is built from; its own module so routes and channels need not import app.ts. */
export interface AppDeps {
  config: Config;
  database: Database;
  clock: Clock;
  logger: Logger;
  /** From SESSION_SECRET or generated once and kept in the database. */
  sessionSecret: string;
  /** AES-256 key for secrets at rest (TOTP seeds); see server/secretsKey.ts. */
  secretsKey: Buffer;
}

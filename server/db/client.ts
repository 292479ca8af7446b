import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import type { PgDatabase } from 'drizzle-orm/pg-core';
import * as schema from './schema.js';
import { ROOT } from '../paths.js';
import { initEmbeddedDataDir, PGLITE_START_PARAMS } from './embeddedInit.js';

export type Db = PgDatabase<any, typeof schema>;
/** A database handle or an open transaction: verbs accept either. */
export type Executor = Db;

// The .sql files are not compiled: dist/ reads them from the sources.
export const migrationsFolder = path.join(ROOT, 'server', 'db', 'migrations');

export interface Database {
  db: Db;
  driver: 'pglite' | 'postgres';
  url?: string;
  /** Pool figures for /metrics (PostgreSQL only). */
  poolStats?: () => { total: number; idle: number; waiting: number };
  /** The embedded engine's WebAssembly heap in bytes, for /metrics (PGlite only): it grows, never shrinks. */
  embeddedHeapBytes?: () => number;
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** The URL without its password, for messages and logs: postgres://user@host:port/db. */
export function describeDatabaseUrl(url: string): string {
  try {
    const u = new URL(url);
    u.password = '';
    u.search = '';
    return u.toString();
  } catch {
    return 'DATABASE_URL (unparsable)';
  }
}

export interface DatabaseOptions {
  databaseUrl?: string;
  dataDir?: string;
  /** PostgreSQL: give up on a connection that is not ready for queries after this long. */
  connectTimeoutMs?: number;
  /** PostgreSQL: the server cancels longer statements; the client gives up 5 s later (a server that went silent). */
  statementTimeoutMs?: number;
}

/**
 * `DATABASE_URL` → PostgreSQL; otherwise embedded PGlite in `dataDir` (`memory://` for tests).
 * The PostgreSQL client is loaded only with DATABASE_URL: the embedded default's start-up does not pay for it.
 */
export async function openDatabase(opts: DatabaseOptions): Promise<Database> {
  if (opts.databaseUrl) {
    const [{ default: pg }, { drizzle: drizzlePg }] = await Promise.all([import('pg'), import('drizzle-orm/node-postgres')]);
    // Without timeouts a server that accepts connections and never answers hangs every caller forever.
    const statementTimeout = opts.statementTimeoutMs ?? 30_000;
    const pool = new pg.Pool({
      connectionString: opts.databaseUrl,
      max: 10,
      connectionTimeoutMillis: opts.connectTimeoutMs ?? 10_000,
      statement_timeout: statementTimeout,
      query_timeout: statementTimeout + 5_000,
    });
    // An idle client whose server went away emits 'error' on the pool; unhandled, it would crash us.
    pool.on('error', () => {});
    const db = drizzlePg(pool, { schema }) as unknown as Db;
    return {
      db,
      driver: 'postgres',
      url: opts.databaseUrl,
      poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
      ping: async () => void (await pool.query('select 1')),
      close: () => pool.end(),
    };
  }
  const dir = opts.dataDir ?? 'memory://';
  if (!dir.startsWith('memory://')) fs.mkdirSync(dir, { recursive: true });
  const memory = dir.startsWith('memory://');
  const pgdata = path.join(dir, 'pgdata');
  if (!memory) await initEmbeddedDataDir(pgdata);
  const { drizzle: drizzlePglite } = await import('drizzle-orm/pglite');
  const client = new PGlite(memory ? undefined : pgdata, { startParams: PGLITE_START_PARAMS });
  await client.waitReady;
  const db = drizzlePglite(client, { schema }) as unknown as Db;
  return {
    db,
    driver: 'pglite',
    embeddedHeapBytes: () => client.Module.HEAPU8.byteLength,
    ping: async () => void (await client.query('select 1')),
    close: () => client.close(),
  };
}

// A fixed key so concurrent instances on one PostgreSQL server migrate one at a time.
const MIGRATION_LOCK = 4_211_977;

export async function runMigrations(database: Database): Promise<void> {
  if (database.driver === 'pglite') {
    const { migrate: migratePglite } = await import('drizzle-orm/pglite/migrator');
    await migratePglite(database.db as any, { migrationsFolder });
    return;
  }
  const { migrate: migratePg } = await import('drizzle-orm/node-postgres/migrator');
  await database.db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${MIGRATION_LOCK})`);
    await migratePg(tx as any, { migrationsFolder });
  });
}

import crypto from 'node:crypto';
import pg from 'pg';
import { sql } from 'drizzle-orm';
import { openDatabase, runMigrations, type Database } from '../../server/db/client.js';

// One database per test run (starting PGlite costs seconds); tests isolate by truncating tables.
// TEST_DATABASE_URL=postgres://…/postgres runs the suite on a real server in a fresh database.
let shared: Promise<Database> | null = null;
let createdDb: { adminUrl: string; name: string } | null = null;

async function create(): Promise<Database> {
  const adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) {
    const database = await openDatabase({ dataDir: 'memory://' });
    await runMigrations(database);
    return database;
  }
  const name = `beacon_test_${process.pid}_${crypto.randomBytes(3).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  createdDb = { adminUrl, name };
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const database = await openDatabase({ databaseUrl: url.toString() });
  await runMigrations(database);
  return database;
}

export function testDatabase(): Promise<Database> {
  shared ??= create();
  return shared;
}

export function testDatabaseUrl(): string | undefined {
  if (!createdDb) return undefined;
  const url = new URL(createdDb.adminUrl);
  url.pathname = `/${createdDb.name}`;
  return url.toString();
}

export async function truncateAll(database: Database): Promise<void> {
  const res = await database.db.execute(
    sql`select tablename from pg_tables where schemaname = 'public'`,
  );
  const tables = (res as unknown as { rows: { tablename: string }[] }).rows.map((r) => `"${r.tablename}"`);
  if (!tables.length) return;
  // On PostgreSQL a previous test's server may still be rebuilding its snapshot (LISTEN/NOTIFY reads
  // many tables); the truncate's exclusive locks can then deadlock with it, and the server picks one
  // side to fail. The truncate simply goes again.
  for (let attempt = 1; ; attempt++) {
    try {
      await database.db.execute(sql.raw(`truncate ${tables.join(', ')} restart identity cascade`));
      return;
    } catch (err) {
      const code = (err as { cause?: { code?: string } }).cause?.code ?? (err as { code?: string }).code;
      if (code !== '40P01' || attempt >= 5) throw err;
    }
  }
}

export async function closeTestDatabase(): Promise<void> {
  if (!shared) return;
  const database = await shared;
  await database.close();
  shared = null;
  if (createdDb) {
    const admin = new pg.Client({ connectionString: createdDb.adminUrl });
    await admin.connect();
    await admin.query(`drop database if exists ${createdDb.name} with (force)`);
    await admin.end();
    createdDb = null;
  }
}

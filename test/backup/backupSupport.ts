import crypto from 'node:crypto';
import pg from 'pg';
import { sql } from 'drizzle-orm';
import { openDatabase, type Database } from '../../server/db/client.js';

export const PASSPHRASE = 'drill passphrase for tests 0123';

/** The PostgreSQL server the drill restores into (the suite's own when it runs on PostgreSQL). */
const ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** A new, empty PostgreSQL database (never migrated), dropped by `drop()`. */
export async function freshPostgres(): Promise<{ database: Database; url: string; drop(): Promise<void> }> {
  const name = `beacon_restore_${process.pid}_${crypto.randomBytes(3).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  const database = await openDatabase({ databaseUrl: url.toString() });
  return {
    database,
    url: url.toString(),
    drop: async () => {
      await database.close();
      const a = new pg.Client({ connectionString: ADMIN_URL });
      await a.connect();
      await a.query(`drop database if exists ${name} with (force)`);
      await a.end();
    },
  };
}

/** Every public table's rows as sorted JSON text (UTC), plus the migrations applied: equal means equal data. */
export async function contents(database: Database): Promise<Record<string, string[]>> {
  return database.db.transaction(async (tx) => {
    await tx.execute(sql`set local timezone = 'UTC'`);
    const out: Record<string, string[]> = {};
    const tables = (await tx.execute(sql`select tablename from pg_tables where schemaname = 'public' order by tablename`)) as unknown as { rows: { tablename: string }[] };
    for (const { tablename } of tables.rows) {
      const r = (await tx.execute(sql.raw(`select row_to_json(t)::text as j from "${tablename}" t`))) as unknown as { rows: { j: string }[] };
      out[tablename] = r.rows.map((x) => x.j).sort();
    }
    const m = (await tx.execute(sql`select hash, created_at::text as c from drizzle.__drizzle_migrations order by created_at`)) as unknown as { rows: { hash: string; c: string }[] };
    out['drizzle.__drizzle_migrations'] = m.rows.map((x) => `${x.c} ${x.hash}`);
    return out;
  });
}

import { readMigrationFiles } from 'drizzle-orm/migrator';
import { sql } from 'drizzle-orm';
import fs from 'node:fs';
import path from 'node:path';
import type { Executor } from '../db/client.js';
import { migrationsFolder } from '../db/client.js';

/** A schema version: a migration's tag and its journal time (what drizzle records in the database). */
export interface SchemaVersion {
  tag: string;
  when: number;
}

interface JournalEntry {
  tag: string;
  when: number;
}

/** The migrations this Beacon knows, oldest first. */
export function knownVersions(): SchemaVersion[] {
  const journal = JSON.parse(fs.readFileSync(path.join(migrationsFolder, 'meta', '_journal.json'), 'utf8')) as { entries: JournalEntry[] };
  return journal.entries.map((e) => ({ tag: e.tag, when: e.when })).sort((a, b) => a.when - b.when);
}

/** The last migration applied to a database, or null for one never migrated. */
export async function currentVersion(tx: Executor): Promise<SchemaVersion | null> {
  const exists = await rows<{ t: string | null }>(tx, sql`select to_regclass('drizzle.__drizzle_migrations')::text as t`);
  if (!exists[0]?.t) return null;
  const last = await rows<{ created_at: string | number }>(tx, sql`select created_at from drizzle.__drizzle_migrations order by created_at desc limit 1`);
  if (!last[0]) return null;
  const when = Number(last[0].created_at);
  const known = knownVersions().find((v) => v.when === when);
  return { tag: known?.tag ?? `unknown-${when}`, when };
}

/**
 * Applies the migrations up to and including `upTo` (all when omitted) inside the caller's
 * transaction — drizzle's own migrator opens a transaction of its own, which a restore cannot allow.
 */
export async function migrateWithin(tx: Executor, upTo?: number): Promise<void> {
  await tx.execute(sql`create schema if not exists drizzle`);
  await tx.execute(sql`create table if not exists drizzle.__drizzle_migrations (id serial primary key, hash text not null, created_at bigint)`);
  const current = await currentVersion(tx);
  for (const m of readMigrationFiles({ migrationsFolder })) {
    if (current && m.folderMillis <= current.when) continue;
    if (upTo !== undefined && m.folderMillis > upTo) continue;
    for (const stmt of m.sql) if (stmt.trim()) await tx.execute(sql.raw(stmt));
    await tx.execute(sql`insert into drizzle.__drizzle_migrations (hash, created_at) values (${m.hash}, ${m.folderMillis})`);
  }
}

/** Rows of a raw query on either driver. */
export async function rows<T>(tx: Executor, query: ReturnType<typeof sql>): Promise<T[]> {
  const res = (await tx.execute(query)) as unknown as { rows: T[] };
  return res.rows;
}

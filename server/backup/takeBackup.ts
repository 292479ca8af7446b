import { sql } from 'drizzle-orm';
import type { Database } from '../db/client.js';
import { BACKUP_FORMAT, BACKUP_FORMAT_VERSION, type BackupHeader } from './format.js';
import { currentVersion, rows } from './schemaVersion.js';

export class BackupError extends Error {}

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * A consistent snapshot of every table of the public schema, in one REPEATABLE READ read-only
 * transaction, rendered by PostgreSQL itself (row_to_json) so PGlite and PostgreSQL write the same.
 */
export async function takeBackup(database: Database, now: Date): Promise<{ header: BackupHeader; data: Uint8Array }> {
  return database.db.transaction(
    async (tx) => {
      // Timestamps render in UTC whatever the server's TimeZone is.
      await tx.execute(sql`set local timezone = 'UTC'`);
      const version = await currentVersion(tx as any);
      if (!version) throw new BackupError('The database has no schema yet (never migrated): nothing to back up.');
      const tables = (await rows<{ tablename: string }>(tx as any, sql`select tablename from pg_tables where schemaname = 'public' order by tablename`)).map((r) => r.tablename);
      const seqs = await rows<{ name: string; last: string | null }>(tx as any, sql`select sequencename as name, last_value::text as last from pg_sequences where schemaname = 'public' order by sequencename`);
      const body: string[] = [];
      const counts: Record<string, number> = {};
      for (const table of tables) {
        const found = await rows<{ j: string }>(tx as any, sql.raw(`select row_to_json(t)::text as j from ${ident(table)} t`));
        counts[table] = found.length;
        const name = JSON.stringify(table);
        for (const r of found) body.push(`{"t":${name},"r":${r.j}}`);
      }
      const header: BackupHeader = {
        format: BACKUP_FORMAT,
        version: BACKUP_FORMAT_VERSION,
        schema: version,
        taken_at: now.toISOString(),
        source: database.driver,
        tables: counts,
        sequences: Object.fromEntries(seqs.map((s) => [s.name, [s.last, s.last !== null]])),
      };
      const text = [JSON.stringify(header), ...body, JSON.stringify({ end: true, rows: body.length })].join('\n') + '\n';
      return { header, data: new TextEncoder().encode(text) };
    },
    { isolationLevel: 'repeatable read', accessMode: 'read only' },
  );
}

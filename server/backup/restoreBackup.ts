import { sql } from 'drizzle-orm';
import type { Database, Executor } from '../db/client.js';
import { applyLedgerSince, ledgerSince, mergeLedger } from '../domain/privacy/deletionLedger.js';
import '../domain/privacy/reapplyHandlers.js';
import { emailHash } from '../domain/privacy/subjectHash.js';
import { decrypt } from './encryption.js';
import { ledgerLinesSince, type LedgerLine } from './ledgerFile.js';
import { BackupFormatError, parseBackup, type BackupHeader } from './format.js';
import { currentVersion, knownVersions, migrateWithin, rows } from './schemaVersion.js';

export class RestoreRefusedError extends Error {}

export interface RestoreResult {
  header: BackupHeader;
  rows: number;
  /** Deletions recorded after the backup, applied again. */
  reapplied: number;
}

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;
const BATCH = 1000;

/** Decrypts and checks a backup without touching any database. */
export async function openBackup(file: Uint8Array, passphrase: string) {
  const plain = await decrypt(file, passphrase);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(plain);
  } catch {
    throw new BackupFormatError('This is not a Beacon backup (not UTF-8 text).');
  }
  const parsed = parseBackup(text);
  const known = knownVersions();
  const latest = known.at(-1)!;
  const { schema } = parsed.header;
  if (schema.when > latest.when) {
    throw new RestoreRefusedError(`This backup comes from a newer Beacon (schema ${schema.tag}; this one knows up to ${latest.tag}). Restore it with that release or a newer one.`);
  }
  if (!known.some((v) => v.when === schema.when)) throw new RestoreRefusedError(`This backup's schema version ${schema.tag} is not one this Beacon knows.`);
  return parsed;
}

/**
 * Restores a backup into `target` in ONE transaction — any error (bad file, non-empty target,
 * a row that does not fit) leaves it exactly as it was. The target is migrated to the backup's
 * schema version, filled, migrated to this Beacon's latest, and every deletion recorded after
 * the backup (in the backup's ledger or in the ledger of the database it replaces) is applied again.
 */
/**
 * `sessionSecret`: SESSION_SECRET when configured; otherwise the one kept in the restored database keys the ledger's hashes.
 * `ledger`: the ledger file kept with the backups (ledgerFile.ts); its entries newer than the backup are merged too,
 * which is what applies them again when the database was lost and the target is a fresh one.
 */
export async function restoreBackup(target: Database, file: Uint8Array, passphrase: string, opts: { force?: boolean; sessionSecret?: string; ledger?: LedgerLine[] } = {}): Promise<RestoreResult> {
  const { header, rows: data } = await openBackup(file, passphrase);
  const takenAt = new Date(header.taken_at);
  return target.db.transaction(async (t) => {
    const tx = t as unknown as Executor;
    await tx.execute(sql`set local timezone = 'UTC'`);
    const existing = (await rows<{ tablename: string }>(tx, sql`select tablename from pg_tables where schemaname = 'public' order by tablename`)).map((r) => r.tablename);
    const filled: string[] = [];
    for (const table of existing) {
      const [r] = await rows<{ any: boolean }>(tx, sql.raw(`select exists (select 1 from ${ident(table)}) as any`));
      if (r?.any) filled.push(table);
    }
    if (filled.length && !opts.force) {
      throw new RestoreRefusedError(`The target database is not empty (rows in ${filled.slice(0, 5).join(', ')}${filled.length > 5 ? ', …' : ''}); pass --force to replace its contents.`);
    }
    // Deletions the replaced database recorded after the backup must survive the replacement.
    const carried = existing.includes('deletion_ledger') && (await currentVersion(tx)) ? await ledgerSince(tx, takenAt) : [];
    await wipe(tx, existing);
    await migrateWithin(tx, header.schema.when);
    const tables = (await rows<{ tablename: string }>(tx, sql`select tablename from pg_tables where schemaname = 'public'`)).map((r) => r.tablename).sort();
    const expected = Object.keys(header.tables).sort();
    if (tables.join() !== expected.join()) {
      throw new RestoreRefusedError(`The backup's tables (${expected.join(', ')}) do not match schema ${header.schema.tag} (${tables.join(', ')}).`);
    }
    let total = 0;
    for (const table of await insertOrder(tx, tables)) {
      const list = data.get(table)!;
      for (let i = 0; i < list.length; i += BATCH) {
        const json = `[${list.slice(i, i + BATCH).join(',')}]`;
        await tx.execute(sql`insert into ${sql.raw(ident(table))} select * from json_populate_recordset(null::${sql.raw(ident(table))}, ${json}::json)`);
      }
      total += list.length;
    }
    for (const [name, [last, called]] of Object.entries(header.sequences)) {
      const reg = `public.${ident(name)}`;
      if (called && last !== null) await tx.execute(sql`select setval(${reg}::regclass, ${last}::bigint, true)`);
      else await tx.execute(sql`select setval(${reg}::regclass, 1, false)`);
    }
    await migrateWithin(tx);
    await mergeLedger(tx, carried);
    await mergeLedger(tx, ledgerLinesSince(opts.ledger ?? [], takenAt));
    const [kept] = await rows<{ value: unknown }>(tx, sql`select value from settings where key = 'session_secret'`);
    const secret = opts.sessionSecret ?? (typeof kept?.value === 'string' ? kept.value : null);
    const hashOf = (email: string) => {
      if (!secret) throw new RestoreRefusedError('The deletion ledger names people by a hash keyed with the session secret: set SESSION_SECRET to restore.');
      return emailHash(secret, email);
    };
    const reapplied = await applyLedgerSince(tx, takenAt, { hashOf, now: new Date() });
    return { header, rows: total, reapplied };
  });
}

/** Drops Beacon's tables, sequences and migration record so the backup's schema can be built afresh. */
async function wipe(tx: Executor, tables: string[]): Promise<void> {
  if (tables.length) await tx.execute(sql.raw(`drop table ${tables.map((t) => `public.${ident(t)}`).join(', ')} cascade`));
  const seqs = await rows<{ name: string }>(tx, sql`select sequencename as name from pg_sequences where schemaname = 'public'`);
  if (seqs.length) await tx.execute(sql.raw(`drop sequence ${seqs.map((s) => `public.${ident(s.name)}`).join(', ')} cascade`));
  await tx.execute(sql`drop schema if exists drizzle cascade`);
}

/** Parents before children, following the foreign keys (a table referring to itself is one statement). */
async function insertOrder(tx: Executor, tables: string[]): Promise<string[]> {
  const fks = await rows<{ child: string; parent: string }>(
    tx,
    sql`select c.relname as child, p.relname as parent from pg_constraint k join pg_class c on c.oid = k.conrelid join pg_class p on p.oid = k.confrelid join pg_namespace n on n.oid = c.relnamespace where k.contype = 'f' and n.nspname = 'public'`,
  );
  const order: string[] = [];
  const done = new Set<string>();
  const visit = (t: string, path: Set<string>) => {
    if (done.has(t) || path.has(t)) return;
    path.add(t);
    for (const fk of fks) if (fk.child === t && fk.parent !== t) visit(fk.parent, path);
    done.add(t);
    order.push(t);
  };
  for (const t of tables) visit(t, new Set());
  return order;
}

import fs from 'node:fs';
import path from 'node:path';
import { asc } from 'drizzle-orm';
import type { Db, Executor } from '../db/client.js';
import { deletionLedger } from '../db/schema.js';
import type { AppDeps } from '../deps.js';

/**
 * A copy of the deletion ledger kept next to the backups (BACKUP_DIR/deletion-ledger.jsonl), so a
 * restore into a fresh database — the old one lost — still applies again the deletions made after
 * the backup. One JSON line per entry; keyed hashes only, never personal data.
 */
export const LEDGER_FILE_NAME = 'deletion-ledger.jsonl';

export interface LedgerLine {
  id: number;
  kind: string;
  subject_hash: string;
  requested_at: string;
  applied_at: string;
}

export class LedgerFileError extends Error {}

export const ledgerFilePath = (backupDir: string) => path.join(backupDir, LEDGER_FILE_NAME);

// The same entry is the same (kind, subject, time) — ids differ between a database and its restore.
const keyOf = (l: { kind: string; subject_hash: string; applied_at: string }) => `${l.kind}\u0000${l.subject_hash}\u0000${l.applied_at}`;

/**
 * The entries of a ledger file; a missing file holds none. A torn last line (a crash mid-append) is
 * skipped; a broken line elsewhere means the file is not a ledger, and that is said.
 */
export function readLedgerFile(file: string): LedgerLine[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
  const lines = text.split('\n');
  const out: LedgerLine[] = [];
  lines.forEach((line, i) => {
    if (!line.trim()) return;
    const entry = parseLine(line);
    if (entry) out.push(entry);
    else if (i < lines.length - 1) throw new LedgerFileError(`${file} line ${i + 1} is not a deletion ledger entry`);
  });
  return out;
}

function parseLine(line: string): LedgerLine | null {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return null;
  }
  const e = v as Partial<LedgerLine>;
  const isTime = (s: unknown) => typeof s === 'string' && !Number.isNaN(Date.parse(s));
  if (!e || typeof e !== 'object' || typeof e.kind !== 'string' || typeof e.subject_hash !== 'string' || !isTime(e.requested_at) || !isTime(e.applied_at)) return null;
  return { id: Number(e.id), kind: e.kind, subject_hash: e.subject_hash, requested_at: e.requested_at!, applied_at: e.applied_at! };
}

/** Entries of the file newer than a backup, in the shape the restore merges into its ledger. */
export function ledgerLinesSince(lines: LedgerLine[], takenAt: Date) {
  return lines
    .filter((l) => new Date(l.applied_at).getTime() > takenAt.getTime())
    .map((l) => ({ kind: l.kind, subjectHash: l.subject_hash, requestedAt: new Date(l.requested_at), appliedAt: new Date(l.applied_at) }));
}

// One sync at a time per file in this process; concurrent callers share the running one's tail.
const running = new Map<string, Promise<number>>();

/**
 * Appends every database ledger entry the file does not hold yet (and fsyncs); returns how many.
 * Called right after a deletion commits, before each backup and at start-up — so an entry whose
 * append was lost to a crash after its commit is written by the next of these.
 */
export function syncLedgerFile(db: Db | Executor, backupDir: string): Promise<number> {
  const file = ledgerFilePath(backupDir);
  const prev = running.get(file) ?? Promise.resolve(0);
  const next = prev.catch(() => 0).then(() => appendMissing(db, file));
  running.set(file, next);
  void next.finally(() => running.get(file) === next && running.delete(file)).catch(() => {});
  return next;
}

async function appendMissing(db: Db | Executor, file: string): Promise<number> {
  const rows = await db.select().from(deletionLedger).orderBy(asc(deletionLedger.id));
  const known = new Set(readLedgerFile(file).map(keyOf));
  const missing: LedgerLine[] = rows
    .map((r) => ({ id: r.id, kind: r.kind, subject_hash: r.subjectHash, requested_at: r.requestedAt.toISOString(), applied_at: r.appliedAt.toISOString() }))
    .filter((l) => !known.has(keyOf(l)));
  if (!missing.length) return 0;
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const fd = fs.openSync(file, 'a+', 0o600);
  try {
    // A torn last line from a crash mid-append is cut off (its entry is among `missing`, written again).
    const whole = wholeLinesLength(fd);
    if (whole < fs.fstatSync(fd).size) fs.ftruncateSync(fd, whole);
    fs.writeSync(fd, missing.map((l) => JSON.stringify(l)).join('\n') + '\n');
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  return missing.length;
}

/** Bytes up to and including the file's last newline. */
function wholeLinesLength(fd: number): number {
  const size = fs.fstatSync(fd).size;
  const buf = Buffer.alloc(4096);
  for (let end = size; end > 0; ) {
    const start = Math.max(0, end - buf.length);
    const n = fs.readSync(fd, buf, 0, end - start, start);
    const i = buf.subarray(0, n).lastIndexOf(0x0a);
    if (i >= 0) return start + i + 1;
    end = start;
  }
  return 0;
}

/**
 * After a deletion has committed: copy it to the ledger file when backups are configured (without a
 * passphrase there are no backups to restore). A failure is logged, not thrown — the deletion is done,
 * and the next backup or start-up writes the missing entry.
 */
export async function mirrorDeletionLedger(deps: Pick<AppDeps, 'config' | 'database' | 'logger'>): Promise<void> {
  if (!deps.config.BACKUP_PASSPHRASE) return;
  try {
    await syncLedgerFile(deps.database.db, deps.config.backupDir);
  } catch (err) {
    deps.logger.error({ err }, 'could not append to the deletion ledger file; the next backup or start-up will');
  }
}

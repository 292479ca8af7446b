/**
 * The backup format, the same from PGlite and PostgreSQL: UTF-8 JSON lines.
 *   line 1: the header (below)
 *   then one line per row: {"t": table, "r": row as PostgreSQL's row_to_json renders it}
 *   last line: {"end": true, "rows": total}
 * The whole is encrypted as an OpenPGP symmetric message (AES-256), so `gpg --decrypt` reads it.
 */
export const BACKUP_FORMAT = 'beacon-backup';
export const BACKUP_FORMAT_VERSION = 1;

export interface BackupHeader {
  format: typeof BACKUP_FORMAT;
  version: number;
  /** The last migration applied to the database backed up (its tag and journal time). */
  schema: { tag: string; when: number };
  taken_at: string;
  /** Which store it came from, for people; restore does not care. */
  source: 'pglite' | 'postgres';
  tables: Record<string, number>;
  /** Sequences of the public schema: [last_value, is_called]. */
  sequences: Record<string, [string | null, boolean]>;
}

export interface ParsedBackup {
  header: BackupHeader;
  rows: Map<string, string[]>;
}

export class BackupFormatError extends Error {}

/** Parses and checks a decrypted backup: header, every line, the row counts and the end marker. */
export function parseBackup(text: string): ParsedBackup {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  let header: BackupHeader;
  try {
    header = JSON.parse(lines[0] ?? '');
  } catch {
    throw new BackupFormatError('This is not a Beacon backup (no header line).');
  }
  if (header?.format !== BACKUP_FORMAT) throw new BackupFormatError('This is not a Beacon backup (unknown format).');
  if (header.version !== BACKUP_FORMAT_VERSION) {
    throw new BackupFormatError(`This backup has format version ${header.version}; this Beacon reads version ${BACKUP_FORMAT_VERSION}. Restore it with a Beacon of the same or a newer release.`);
  }
  const rows = new Map<string, string[]>(Object.keys(header.tables).map((t) => [t, []]));
  let ended = false;
  for (let i = 1; i < lines.length; i++) {
    let line: { t?: string; r?: unknown; end?: boolean; rows?: number };
    try {
      line = JSON.parse(lines[i]!);
    } catch {
      throw new BackupFormatError(`The backup is damaged: line ${i + 1} is not JSON.`);
    }
    if (line.end) {
      if (i !== lines.length - 1) throw new BackupFormatError('The backup is damaged: data after its end.');
      ended = true;
      break;
    }
    const list = line.t !== undefined ? rows.get(line.t) : undefined;
    if (!list || typeof line.r !== 'object' || line.r === null) throw new BackupFormatError(`The backup is damaged: line ${i + 1} names no table of its header.`);
    list.push(JSON.stringify(line.r));
  }
  if (!ended) throw new BackupFormatError('The backup is incomplete (it has no end marker).');
  for (const [table, count] of Object.entries(header.tables)) {
    const got = rows.get(table)!.length;
    if (got !== count) throw new BackupFormatError(`The backup is damaged: table ${table} has ${got} rows, its header says ${count}.`);
  }
  return { header, rows };
}

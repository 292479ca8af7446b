import fs from 'node:fs';
import path from 'node:path';
import { retention, type BackupEntry } from './retention.js';

/** Backup files are named after the time they were taken: beacon-20261202T080000123Z.jsonl.gpg */
const NAME = /^beacon-(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(\d{3})Z\.jsonl\.gpg$/;

export function backupFileName(takenAt: Date): string {
  return `beacon-${takenAt.toISOString().replace(/[-:.]/g, '')}.jsonl.gpg`;
}

export function parseBackupFileName(name: string): Date | null {
  const m = NAME.exec(name);
  if (!m) return null;
  const [, y, mo, d, h, mi, s, ms] = m;
  return new Date(`${y}-${mo}-${d}T${h}:${mi}:${s}.${ms}Z`);
}

export interface BackupFile extends BackupEntry {
  path: string;
  size: number;
}

/** The backups in `dir`, oldest first; other files are none of our business. */
export function listBackups(dir: string): BackupFile[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return []; // missing, or not a directory: no backups (taking one reports why)
  }
  const out: BackupFile[] = [];
  for (const name of names) {
    const takenAt = parseBackupFileName(name);
    if (!takenAt) continue;
    const file = path.join(dir, name);
    out.push({ name, takenAt, path: file, size: fs.statSync(file).size });
  }
  return out.sort((a, b) => a.takenAt.getTime() - b.takenAt.getTime());
}

/** Writes via a temporary file and a rename, so a crash never leaves a half backup under a backup's name. */
export function writeBackupFile(dir: string, takenAt: Date, data: Uint8Array): BackupFile {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const name = backupFileName(takenAt);
  const file = path.join(dir, name);
  const tmp = `${file}.partial`;
  const fd = fs.openSync(tmp, 'w', 0o600);
  try {
    fs.writeSync(fd, data);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
  return { name, takenAt, path: file, size: data.byteLength };
}

/** Deletes the backups the retention tiers no longer keep; returns their names. */
export function pruneBackups(dir: string, now: Date): string[] {
  const { remove } = retention(listBackups(dir), now);
  for (const b of remove) fs.rmSync((b as BackupFile).path, { force: true });
  return remove.map((b) => b.name);
}

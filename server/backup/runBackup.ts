import type { Database } from '../db/client.js';
import { pruneBackups, writeBackupFile, type BackupFile } from './backupFiles.js';
import { encrypt } from './encryption.js';
import { syncLedgerFile } from './ledgerFile.js';
import { takeBackup } from './takeBackup.js';

export interface BackupSettings {
  dir: string;
  passphrase: string;
}

/**
 * One backup: bring the ledger file up to date (an append lost to a crash is healed here), snapshot,
 * encrypt, write to BACKUP_DIR, then prune by the retention tiers.
 */
export async function runBackup(database: Database, settings: BackupSettings, now: Date): Promise<{ file: BackupFile; pruned: string[]; rows: number }> {
  await syncLedgerFile(database.db, settings.dir);
  const { header, data } = await takeBackup(database, now);
  const file = writeBackupFile(settings.dir, now, await encrypt(data, settings.passphrase));
  const pruned = pruneBackups(settings.dir, now);
  return { file, pruned, rows: Object.values(header.tables).reduce((a, b) => a + b, 0) };
}

// `npm run backup`: one encrypted backup into BACKUP_DIR, then pruning (README "Backups and restore").
import path from 'node:path';
import { configOrExit, failWith, type Fail } from './cliSupport.js';
import { openDatabase, describeDatabaseUrl } from '../db/client.js';
import { DataDirLockedError, lockDataDir } from '../db/dataDirLock.js';
import { runBackup } from '../backup/runBackup.js';

const fail: Fail = failWith('backup');

async function main() {
  const config = configOrExit(fail);
  if (!config.BACKUP_PASSPHRASE) fail('BACKUP_PASSPHRASE is not set; backups are encrypted and need a passphrase (at least 12 characters). Nothing was written.', 78);
  let release = () => {};
  if (!config.DATABASE_URL) {
    try {
      release = lockDataDir(config.DATA_DIR);
    } catch (e) {
      if (e instanceof DataDirLockedError) {
        fail(
          `Beacon is running on DATA_DIR ${path.resolve(config.DATA_DIR)}, and the embedded database allows one process only. ` +
            'While it runs, it takes backups itself on BACKUP_SCHEDULE (when BACKUP_PASSPHRASE is set in its environment); ' +
            'or stop Beacon and run `npm run backup` again.',
          73,
        );
      }
      throw e;
    }
  }
  const database = await openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR });
  try {
    const started = Date.now();
    const { file, pruned, rows } = await runBackup(database, { dir: config.backupDir, passphrase: config.BACKUP_PASSPHRASE }, new Date());
    const from = config.DATABASE_URL ? describeDatabaseUrl(config.DATABASE_URL) : path.resolve(config.DATA_DIR);
    process.stdout.write(`Backed up ${from}: ${rows} rows, ${file.size} bytes in ${Date.now() - started} ms → ${file.path}\n`);
    if (pruned.length) process.stdout.write(`Pruned ${pruned.length} old backup(s): ${pruned.join(', ')}\n`);
  } finally {
    await database.close();
    release();
  }
}

main().catch((e) => fail((e as Error).message ?? String(e)));

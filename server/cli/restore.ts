// `npm run restore -- FILE [--to DATABASE_URL] [--force] [--ledger FILE]` (README "Backups and restore").
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { configOrExit, failWith, type Fail } from './cliSupport.js';
import { describeDatabaseUrl, openDatabase } from '../db/client.js';
import { DataDirLockedError, lockDataDir } from '../db/dataDirLock.js';
import { restoreBackup } from '../backup/restoreBackup.js';
import { ledgerFilePath, readLedgerFile, type LedgerLine } from '../backup/ledgerFile.js';

const fail: Fail = failWith('restore');

async function main() {
  let args;
  try {
    args = parseArgs({ allowPositionals: true, options: { to: { type: 'string' }, force: { type: 'boolean', default: false }, ledger: { type: 'string' } } });
  } catch (e) {
    fail(`${(e as Error).message}\nusage: npm run restore -- FILE [--to DATABASE_URL] [--force] [--ledger FILE]`, 64);
  }
  const file = args.positionals[0];
  if (!file || args.positionals.length > 1) fail('usage: npm run restore -- FILE [--to DATABASE_URL] [--force] [--ledger FILE]', 64);
  const config = configOrExit(fail);
  if (!config.BACKUP_PASSPHRASE) fail('BACKUP_PASSPHRASE is not set; it must be the passphrase the backup was made with.', 78);
  let bytes: Uint8Array;
  try {
    bytes = fs.readFileSync(file);
  } catch (e) {
    fail(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, 66);
  }
  // The deletion ledger kept with the backups: deletions made after this backup, even if the database is lost.
  const ledgerFile = args.values.ledger ?? ledgerFilePath(config.backupDir);
  if (args.values.ledger && !fs.existsSync(ledgerFile)) fail(`cannot read ${ledgerFile}: ENOENT`, 66);
  let ledger: LedgerLine[];
  try {
    ledger = readLedgerFile(ledgerFile);
  } catch (e) {
    fail(`cannot read the deletion ledger ${ledgerFile}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, 66);
  }
  const url = args.values.to ?? config.DATABASE_URL;
  if (url && !/^postgres(ql)?:\/\//.test(url)) fail('--to must be a PostgreSQL URL (postgres://…)', 64);
  let release = () => {};
  if (!url) {
    try {
      release = lockDataDir(config.DATA_DIR);
    } catch (e) {
      if (e instanceof DataDirLockedError) fail(`Beacon is running on DATA_DIR ${path.resolve(config.DATA_DIR)}; stop it before restoring into it.`, 73);
      throw e;
    }
  }
  const database = await openDatabase({ databaseUrl: url, dataDir: config.DATA_DIR, statementTimeoutMs: 3_600_000 });
  try {
    const started = Date.now();
    const result = await restoreBackup(database, bytes, config.BACKUP_PASSPHRASE, { force: args.values.force, sessionSecret: config.SESSION_SECRET, ledger });
    const into = url ? describeDatabaseUrl(url) : path.resolve(config.DATA_DIR);
    process.stdout.write(
      `Restored ${result.rows} rows from the backup of ${result.header.taken_at} (schema ${result.header.schema.tag}) into ${into} in ${Date.now() - started} ms; ` +
        `${result.reapplied} later deletion(s) applied again (ledger file ${fs.existsSync(ledgerFile) ? `${ledgerFile}, ${ledger.length} entries` : `${ledgerFile} not found`}).\n`,
    );
  } finally {
    await database.close();
    release();
  }
}

main().catch((e) => fail(`${(e as Error).message ?? String(e)} Nothing was changed.`));

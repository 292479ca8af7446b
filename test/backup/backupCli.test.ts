import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { openDatabase, runMigrations } from '../../server/db/client.js';
import { components } from '../../server/db/schema.js';
import { lockDataDir } from '../../server/db/dataDirLock.js';
import { listBackups } from '../../server/backup/backupFiles.js';
import { contents, freshPostgres, PASSPHRASE } from './backupSupport.js';
import { startBeacon, waitFor } from '../support/beaconProcess.js';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../..');

/** Runs `npm run backup|restore` the way npm does (node --import tsx), with only the env given. */
async function cli(script: 'backup' | 'restore', args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', `server/cli/${script}.ts`, ...args], { cwd: ROOT, env: { PATH: process.env.PATH!, LOG_LEVEL: 'silent', ...env }, timeout: 120_000 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

describe('npm run backup / npm run restore (the commands)', function () {
  this.timeout(180_000);
  let dir: string;
  let dataDir: string;
  let backupDir: string;
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'beacon-cli-'));
    dataDir = path.join(dir, 'data');
    backupDir = path.join(dir, 'backups');
    // A stopped embedded Beacon with some data.
    const db = await openDatabase({ dataDir });
    await runMigrations(db);
    const now = new Date();
    await db.db.insert(components).values({ name: 'Web app', createdAt: now, updatedAt: now });
    await db.close();
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('refuses without BACKUP_PASSPHRASE, writing nothing', async () => {
    const r = await cli('backup', [], { DATA_DIR: dataDir, BACKUP_DIR: backupDir });
    expect(r.code).to.equal(78);
    expect(r.stderr).to.match(/BACKUP_PASSPHRASE is not set/);
    expect(listBackups(backupDir)).to.deep.equal([]);
    const rr = await cli('restore', ['nothing.gpg'], { DATA_DIR: dataDir });
    expect(rr.code).to.equal(78);
    expect(rr.stderr).to.match(/BACKUP_PASSPHRASE is not set/);
  });

  it('refuses while a Beacon holds the embedded DATA_DIR, pointing to the schedule', async () => {
    const release = lockDataDir(dataDir); // this (node) process stands in for a running Beacon
    try {
      const r = await cli('backup', [], { DATA_DIR: dataDir, BACKUP_DIR: backupDir, BACKUP_PASSPHRASE: PASSPHRASE });
      expect(r.code).to.equal(73);
      expect(r.stderr).to.match(/Beacon is running on DATA_DIR .* BACKUP_SCHEDULE/);
      expect(listBackups(backupDir)).to.deep.equal([]);
    } finally {
      release();
    }
  });

  it('backs up a stopped embedded Beacon and restores it into PostgreSQL (moving to a server), refusing a second time without --force', async () => {
    const r = await cli('backup', [], { DATA_DIR: dataDir, BACKUP_DIR: backupDir, BACKUP_PASSPHRASE: PASSPHRASE });
    expect(r.code, r.stderr).to.equal(0);
    const [file] = listBackups(backupDir);
    expect(r.stdout).to.include(file!.path);
    const pg = await freshPostgres();
    try {
      const env = { DATA_DIR: path.join(dir, 'unused'), BACKUP_PASSPHRASE: PASSPHRASE };
      const ok = await cli('restore', [file!.path, '--to', pg.url], env);
      expect(ok.code, ok.stderr).to.equal(0);
      expect(ok.stdout).to.match(/Restored \d+ rows .* 0 later deletion/);
      expect((await contents(pg.database)).components!.join()).to.include('Web app');
      const again = await cli('restore', [file!.path, '--to', pg.url], env);
      expect(again.code).to.equal(1);
      expect(again.stderr).to.match(/not empty .*--force.*Nothing was changed/);
      const wrong = await cli('restore', [file!.path, '--to', pg.url, '--force'], { ...env, BACKUP_PASSPHRASE: 'a different passphrase' });
      expect(wrong.stderr).to.match(/wrong BACKUP_PASSPHRASE/);
      const forced = await cli('restore', [file!.path, '--to', pg.url, '--force'], env);
      expect(forced.code, forced.stderr).to.equal(0);
    } finally {
      await pg.drop();
    }
  });

  it('a running Beacon backs up on BACKUP_SCHEDULE, while `npm run backup` on its DATA_DIR refuses', async () => {
    const liveDir = path.join(dir, 'live');
    const liveBackups = path.join(dir, 'live-backups');
    const beacon = startBeacon({ DATA_DIR: liveDir, BACKUP_DIR: liveBackups, BACKUP_PASSPHRASE: PASSPHRASE, BACKUP_SCHEDULE: '*/2 * * * * *' });
    try {
      await beacon.waitForOutput('HTTP port open');
      await waitFor('a scheduled backup', () => listBackups(liveBackups).length > 0, 60_000);
      const r = await cli('backup', [], { DATA_DIR: liveDir, BACKUP_DIR: liveBackups, BACKUP_PASSPHRASE: PASSPHRASE });
      expect(r.code).to.equal(73);
      expect(r.stderr).to.match(/Beacon is running on DATA_DIR/);
    } finally {
      await beacon.kill();
    }
  });
});

import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { eq } from 'drizzle-orm';
import { openDatabase, runMigrations, type Database } from '../../server/db/client.js';
import { deletionLedger, subscriberSuppressions, subscribers, users } from '../../server/db/schema.js';
import { runBackup } from '../../server/backup/runBackup.js';
import { LEDGER_FILE_NAME, readLedgerFile } from '../../server/backup/ledgerFile.js';
import { recordDeletion } from '../../server/domain/privacy/deletionLedger.js';
import { emailHash } from '../../server/domain/privacy/subjectHash.js';
import { subscriberLinks } from '../../server/domain/subscribers/links.js';
import { startBeacon } from '../support/beaconProcess.js';
import { Client } from '../support/client.js';
import { staff } from '../support/factories.js';
import { startTestServer, TEST_SECRET } from '../support/server.js';
import { freshPostgres, PASSPHRASE } from './backupSupport.js';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../..');

/** `npm run restore` as npm runs it (node --import tsx), with only the env given. */
async function restoreCli(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'server/cli/restore.ts', ...args], { cwd: ROOT, env: { PATH: process.env.PATH!, LOG_LEVEL: 'silent', ...env }, timeout: 120_000 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

async function stateOf(database: Database, subscriberEmail: string, staffId: string) {
  const subs = await database.db.select({ email: subscribers.email }).from(subscribers);
  const [user] = await database.db.select({ email: users.email, name: users.name }).from(users).where(eq(users.id, staffId));
  const suppressed = await database.db.select({ h: subscriberSuppressions.emailHash }).from(subscriberSuppressions);
  return {
    subscriberThere: subs.some((s) => s.email === subscriberEmail),
    staffEmail: user?.email,
    suppressed: suppressed.map((s) => s.h),
    ledger: (await database.db.select({ kind: deletionLedger.kind }).from(deletionLedger)).map((r) => r.kind).sort(),
  };
}

describe('deletion ledger file kept with the backups (a restore into a fresh database still applies later deletions)', function () {
  this.timeout(240_000);
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'beacon-ledger-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('data → backup → a subscriber and a staff account deleted → database lost → restored into fresh PostgreSQL and PGlite with both deleted again', async () => {
    const backupDir = path.join(dir, 'backups');
    const s = await startTestServer({ env: { BACKUP_DIR: backupDir, BACKUP_PASSPHRASE: PASSPHRASE } });
    let staffId: string;
    let staffEmail: string;
    const subscriberEmail = 'ann@example.com';
    let backupPath: string;
    try {
      const admin = await staff('admin');
      const leaving = await staff('regular');
      staffId = leaving.actor.id;
      staffEmail = leaving.email;
      const now = s.clock.now();
      const [sub] = await s.deps.database.db.insert(subscribers).values({ email: subscriberEmail, componentIds: null, confirmedAt: now, createdAt: now, updatedAt: now }).returning();
      backupPath = (await s.runtime.backups.backupNow()).path;
      s.clock.advance(60_000);

      // After the backup: Ann unsubscribes (which deletes her) and an admin deletes a staff account.
      const unsub = subscriberLinks('', TEST_SECRET, sub!.id).unsubscribe;
      const res = await new Client(s.baseUrl).request('POST', unsub, 'List-Unsubscribe=One-Click', { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' });
      expect(res.status).to.equal(200);
      expect((await new Client(s.baseUrl, admin.token).delete(`/api/v1/users/${staffId}`)).status).to.equal(204);

      // Both are in the file next to the backups, right after their commits: keyed hashes, no addresses.
      const file = path.join(backupDir, LEDGER_FILE_NAME);
      const lines = readLedgerFile(file);
      expect(lines.map((l) => [l.kind, l.subject_hash])).to.deep.equal([
        ['subscriber', emailHash(TEST_SECRET, subscriberEmail)],
        ['staff', emailHash(TEST_SECRET, staffEmail)],
      ]);
      expect(lines.every((l) => new Date(l.applied_at) > new Date(now))).to.equal(true);
      const text = fs.readFileSync(file, 'utf8');
      expect(text).not.to.include('@');
      expect(text.trimEnd().split('\n').map((l) => Object.keys(JSON.parse(l)).sort())).to.deep.equal([
        ['applied_at', 'id', 'kind', 'requested_at', 'subject_hash'],
        ['applied_at', 'id', 'kind', 'requested_at', 'subject_hash'],
      ]);
    } finally {
      await s.close();
    }

    // The database is lost. A fresh PostgreSQL database, restored with the ledger file from BACKUP_DIR.
    const env = { BACKUP_PASSPHRASE: PASSPHRASE, SESSION_SECRET: TEST_SECRET, BACKUP_DIR: backupDir, DATA_DIR: path.join(dir, 'unused') };
    const pg = await freshPostgres();
    try {
      const r = await restoreCli([backupPath!, '--to', pg.url], env);
      expect(r.code, r.stderr).to.equal(0);
      expect(r.stdout).to.match(/; 2 later deletion\(s\) applied again \(ledger file .*deletion-ledger\.jsonl, 2 entries\)/);
      const after = await stateOf(pg.database, subscriberEmail, staffId!);
      expect(after.subscriberThere).to.equal(false);
      expect(after.staffEmail).to.equal(`${staffId!}@deleted.invalid`);
      expect(after.suppressed).to.include(emailHash(TEST_SECRET, subscriberEmail));
      // The restored ledger holds both, so a later restore from this database keeps them.
      expect(after.ledger).to.deep.equal(['staff', 'subscriber']);
    } finally {
      await pg.drop();
    }

    // A fresh embedded DATA_DIR, with the ledger file copied elsewhere and named with --ledger.
    const copy = path.join(dir, 'ledger-copy.jsonl');
    fs.copyFileSync(path.join(backupDir, LEDGER_FILE_NAME), copy);
    const dataDir = path.join(dir, 'fresh-data');
    const lr = await restoreCli([backupPath!, '--ledger', copy], { ...env, BACKUP_DIR: path.join(dir, 'empty'), DATA_DIR: dataDir });
    expect(lr.code, lr.stderr).to.equal(0);
    expect(lr.stdout).to.match(/; 2 later deletion\(s\) applied again/);
    const lite = await openDatabase({ dataDir });
    try {
      const after = await stateOf(lite, subscriberEmail, staffId!);
      expect(after.subscriberThere).to.equal(false);
      expect(after.staffEmail).to.equal(`${staffId!}@deleted.invalid`);
      expect(after.ledger).to.deep.equal(['staff', 'subscriber']);
    } finally {
      await lite.close();
    }

    // Without the file the backup alone brings both people back: the file is what closes the gap.
    const bare = path.join(dir, 'bare-data');
    const nr = await restoreCli([backupPath!], { ...env, BACKUP_DIR: path.join(dir, 'empty'), DATA_DIR: bare });
    expect(nr.code, nr.stderr).to.equal(0);
    expect(nr.stdout).to.match(/; 0 later deletion\(s\) applied again \(ledger file .* not found\)/);
    const old = await openDatabase({ dataDir: bare });
    try {
      expect((await stateOf(old, subscriberEmail, staffId!)).subscriberThere).to.equal(true);
    } finally {
      await old.close();
    }

    // A --ledger that is not there is refused rather than silently ignored.
    const missing = await restoreCli([backupPath!, '--ledger', path.join(dir, 'nope.jsonl')], { ...env, DATA_DIR: path.join(dir, 'other') });
    expect(missing.code).to.equal(66);
    expect(missing.stderr).to.match(/cannot read .*nope\.jsonl/);
  });

  it('an entry committed but never appended (crash between commit and append) is appended by the next backup, after a torn line', async () => {
    const s = await startTestServer();
    try {
      const database = s.deps.database;
      const backupDir = path.join(dir, 'backups');
      const at = new Date('2026-11-29T12:05:00.000Z');
      const hash = emailHash(TEST_SECRET, 'gone@example.com');
      // The deletion commits; the process dies before its append (the file ends in a torn line).
      await database.db.transaction((tx) => recordDeletion(tx as any, { kind: 'subscriber', subjectHash: hash }, at));
      fs.mkdirSync(backupDir, { recursive: true });
      const file = path.join(backupDir, LEDGER_FILE_NAME);
      fs.writeFileSync(file, '{"id":7,"kind":"subscr');
      expect(readLedgerFile(file)).to.deep.equal([]);

      await runBackup(database, { dir: backupDir, passphrase: PASSPHRASE }, new Date('2026-11-29T13:00:00.000Z'));
      const lines = readLedgerFile(file);
      expect(lines.map((l) => [l.kind, l.subject_hash, l.applied_at])).to.deep.equal([['subscriber', hash, at.toISOString()]]);
      // Appended once: the next backup finds it there and writes nothing more.
      await runBackup(database, { dir: backupDir, passphrase: PASSPHRASE }, new Date('2026-11-29T14:00:00.000Z'));
      expect(readLedgerFile(file)).to.have.length(1);
    } finally {
      await s.close();
    }
  });

  it('a Beacon starting with backups configured appends entries missing from the file (real process)', async () => {
    const dataDir = path.join(dir, 'data');
    const backupDir = path.join(dir, 'backups');
    const db = await openDatabase({ dataDir });
    const hash = emailHash(TEST_SECRET, 'crashed@example.com');
    try {
      await runMigrations(db);
      await db.db.transaction((tx) => recordDeletion(tx as any, { kind: 'staff', subjectHash: hash }, new Date('2026-11-30T09:00:00.000Z')));
    } finally {
      await db.close();
    }
    const beacon = startBeacon({ DATA_DIR: dataDir, BACKUP_DIR: backupDir, BACKUP_PASSPHRASE: PASSPHRASE, SESSION_SECRET: TEST_SECRET, BACKUP_SCHEDULE: '0 0 1 1 *' });
    try {
      await beacon.waitForOutput('Beacon listening');
      expect(readLedgerFile(path.join(backupDir, LEDGER_FILE_NAME)).map((l) => [l.kind, l.subject_hash])).to.deep.equal([['staff', hash]]);
    } finally {
      await beacon.kill();
    }
  });
});

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { eq, like } from 'drizzle-orm';
import { outboxEvents } from '../../server/db/schema.js';
import { listBackups } from '../../server/backup/backupFiles.js';
import { Client, signInAs } from '../support/client.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { startSmtp, type FakeSmtp } from '../support/smtp.js';
import { PASSPHRASE } from './backupSupport.js';

const NOW = '2026-12-02T08:00:00.000Z';

describe('backups of a running Beacon: console, /metrics and staff alerts', function () {
  this.timeout(60_000);
  let s: TestServer;
  let dir: string;
  let smtp: FakeSmtp;
  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'beacon-backups-'));
    smtp = await startSmtp();
    s = await startTestServer({ now: NOW, env: { BACKUP_PASSPHRASE: PASSPHRASE, BACKUP_DIR: path.join(dir, 'b'), SMTP_URL: smtp.url, BACKUP_MAX_AGE_MINUTES: '120' } });
  });
  afterEach(async () => {
    await s.close();
    await smtp.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const alerts = () => s.deps.database.db.select().from(outboxEvents).where(like(outboxEvents.type, 'backup.%'));

  it('an admin sees the backups with age and size and takes one with "Back up now"', async () => {
    const { c } = await signInAs(s.baseUrl, 'admin');
    expect((await c.get('/console/backups', { accept: 'text/html' })).text).to.include('No backups yet.');
    const res = await c.form('/console/backups', {});
    expect(res.status, res.text).to.equal(303);
    expect(res.headers.get('location')).to.equal('/console/backups?done=backup_taken');
    const files = listBackups(path.join(dir, 'b'));
    expect(files).to.have.length(1);
    s.clock.advance(15 * 60_000);
    const page = (await c.get('/console/backups?done=backup_taken', { accept: 'text/html' })).text;
    expect(page).to.include('Backup written.');
    expect(page).to.include(files[0]!.name);
    expect(page).to.match(/Last backup: <strong>15 minutes ago<\/strong>, [\d.]+ KB/);
    const metrics = (await new Client(s.baseUrl).get('/metrics')).text;
    expect(metrics).to.match(/^beacon_backup_last_success_age_seconds 900$/m);
    expect(metrics).to.match(new RegExp(`^beacon_backup_last_success_size_bytes ${files[0]!.size}$`, 'm'));
  });

  it('regular staff and observers cannot see or take backups', async () => {
    for (const role of ['regular', 'observer'] as const) {
      const { c } = await signInAs(s.baseUrl, role);
      expect((await c.get('/console/backups', { accept: 'text/html' })).status).to.equal(403);
      expect((await c.form('/console/backups', {}, '/console/tokens')).status).to.equal(403);
    }
    expect(listBackups(path.join(dir, 'b'))).to.deep.equal([]);
  });

  it('a failing backup alerts admins by e-mail once, until a backup succeeds', async () => {
    const { c } = await signInAs(s.baseUrl, 'admin');
    await signInAs(s.baseUrl, 'regular');
    // A real fault: BACKUP_DIR is a file, so the backup cannot be written.
    fs.writeFileSync(path.join(dir, 'b'), 'in the way');
    const first = await c.form('/console/backups', {});
    expect(first.status).to.equal(503);
    expect(first.text).to.match(/The backup failed: .*(EEXIST|ENOTDIR)/);
    await s.runtime.backups.backupNow().catch(() => {});
    expect((await alerts()).map((e) => e.type)).to.deep.equal(['backup.failed']);
    await s.runtime.dispatcher.drain();
    await s.runtime.dispatcher.drain();
    expect(smtp.messages.map((m) => m.subject)).to.deep.equal(['[Beacon] Backup failed']);
    expect(smtp.recipients).to.have.length(1); // the admin, not the regular member
    expect(smtp.messages[0]!.text).to.match(/EEXIST|ENOTDIR/);
    expect((await c.get('/console/backups', { accept: 'text/html' })).text).to.include('The last backup failed');

    // Fixed: the next backup succeeds and closes the alert; a later failure alerts again.
    fs.rmSync(path.join(dir, 'b'));
    await s.runtime.backups.backupNow();
    fs.rmSync(path.join(dir, 'b'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'b'), 'in the way again');
    await s.runtime.backups.backupNow().catch(() => {});
    expect((await alerts()).map((e) => e.type)).to.deep.equal(['backup.failed', 'backup.failed']);
  });

  it('an overdue backup alerts once, and not before BACKUP_MAX_AGE_MINUTES', async () => {
    await s.runtime.backups.backupNow();
    s.clock.advance(120 * 60_000);
    expect(await s.runtime.backups.checkOverdue()).to.equal(false);
    s.clock.advance(60_000);
    expect(await s.runtime.backups.checkOverdue()).to.equal(true);
    s.clock.advance(60 * 60_000);
    expect(await s.runtime.backups.checkOverdue()).to.equal(false);
    const events = await alerts();
    expect(events.map((e) => e.type)).to.deep.equal(['backup.overdue']);
    expect(events[0]!.payload).to.deep.include({ max_age_minutes: 120, last_backup_at: NOW });
    await s.deps.database.db.delete(outboxEvents).where(eq(outboxEvents.type, 'backup.overdue'));
  });
});

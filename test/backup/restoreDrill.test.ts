import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { sql } from 'drizzle-orm';
import { openDatabase, type Database } from '../../server/db/client.js';
import { subscribers } from '../../server/db/schema.js';
import { runBackup } from '../../server/backup/runBackup.js';
import { restoreBackup } from '../../server/backup/restoreBackup.js';
import { recordDeletion } from '../../server/domain/privacy/deletionLedger.js';
import { emailHash } from '../../server/domain/privacy/subjectHash.js';
import { Client } from '../support/client.js';
import { component } from '../support/components.js';
import { testDatabase } from '../support/db.js';
import { staff } from '../support/factories.js';
import { startTestServer } from '../support/server.js';
import { contents, freshPostgres, PASSPHRASE } from './backupSupport.js';

const NOW = '2026-11-29T12:00:00.000Z';

/** Some of everything: components, incidents with updates and milestones, maintenance, subscribers. */
async function createData(): Promise<void> {
  const s = await startTestServer({ now: NOW });
  try {
    const api = new Client(s.baseUrl, (await staff('admin')).token);
    const web = await component('Web app');
    await component('API', { description: 'The "public" API — ünïcode' });
    const inc = await api.post('/api/v1/incidents', { title: 'Checkout fails', severity: 1, message: 'We are investigating.', components: [{ id: web.id, status: 'major_outage' }] });
    expect(inc.status, inc.text).to.equal(201);
    const id = inc.body.id ?? inc.body.incident?.id;
    s.clock.advance(60_000);
    expect((await api.post(`/api/v1/incidents/${id}/milestones`, { milestone: 'work_start' })).status).to.be.oneOf([200, 201]);
    expect((await api.post(`/api/v1/incidents/${id}/updates`, { status: 'identified', message: 'A bad deploy.' })).status).to.be.oneOf([200, 201]);
    expect((await api.post('/api/v1/incidents', { title: 'Slow search', severity: 3, message: 'Looking.' })).status).to.equal(201);
    const now = s.clock.now();
    await s.deps.database.db.insert(subscribers).values([
      { email: 'ann@example.com', componentIds: [web.id], confirmedAt: now, createdAt: now, updatedAt: now },
      { email: 'Bob@Example.com', componentIds: null, createdAt: now, updatedAt: now },
    ]);
  } finally {
    await s.close();
  }
}

async function summaryOf(database: Database): Promise<unknown> {
  const s = await startTestServer({ now: NOW, database });
  try {
    const res = await new Client(s.baseUrl).get('/api/v2/summary.json');
    expect(res.status).to.equal(200);
    return res.body;
  } finally {
    await s.close();
  }
}

const SECRET = 'restore-drill-session-secret-0123456789abcdef';

describe('restore drill (backup → gpg → restore on the other store → same data and same summary.json)', function () {
  this.timeout(180_000);
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'beacon-drill-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('round-trips through PostgreSQL and PGlite, and the real gpg opens the backup', async () => {
    const source = await testDatabase();
    await createData();
    const original = await contents(source);
    expect(original.incidents).to.have.length(2);
    expect(original.subscribers).to.have.length(2);
    const summary = await summaryOf(source);

    const { file } = await runBackup(source, { dir: path.join(dir, 'backups'), passphrase: PASSPHRASE }, new Date());
    // No Beacon needed to read a backup: GnuPG opens it with the passphrase alone.
    const gnupgHome = fs.mkdtempSync(path.join(dir, 'gnupg-'));
    const plain = execFileSync('gpg', ['--homedir', gnupgHome, '--batch', '--quiet', '--pinentry-mode', 'loopback', '--passphrase', PASSPHRASE, '--decrypt', file.path], { stdio: ['ignore', 'pipe', 'pipe'] }).toString();
    const lines = plain.trimEnd().split('\n');
    const header = JSON.parse(lines[0]!);
    expect(header).to.include({ format: 'beacon-backup', version: 1 });
    expect(header.tables.incidents).to.equal(2);
    expect(JSON.parse(lines.at(-1)!)).to.deep.equal({ end: true, rows: lines.length - 2 });
    expect(plain).to.include('ann@example.com');
    expect(() => execFileSync('gpg', ['--homedir', gnupgHome, '--batch', '--quiet', '--pinentry-mode', 'loopback', '--passphrase', 'not the passphrase', '--decrypt', file.path], { stdio: 'pipe' })).to.throw();

    // Into a fresh PostgreSQL database.
    const pgTarget = await freshPostgres();
    try {
      const result = await restoreBackup(pgTarget.database, fs.readFileSync(file.path), PASSPHRASE);
      expect(result.rows).to.equal(lines.length - 2);
      expect(await contents(pgTarget.database)).to.deep.equal(original);
      expect(await summaryOf(pgTarget.database)).to.deep.equal(summary);
      // Sequences continue after the restored rows rather than colliding with them.
      const ids = (await pgTarget.database.db.execute(sql`select max(id)::int as m from outbox_events`)) as unknown as { rows: { m: number | null }[] };
      const next = (await pgTarget.database.db.execute(sql`insert into outbox_events (type, payload, created_at) values ('x', '{}', now()) returning id`)) as unknown as { rows: { id: string | number }[] };
      expect(Number(next.rows[0]!.id)).to.be.greaterThan(ids.rows[0]!.m ?? 0);
      await pgTarget.database.db.execute(sql`delete from outbox_events where type = 'x'`);

      // And from PostgreSQL back into an embedded PGlite DATA_DIR.
      const back = await runBackup(pgTarget.database, { dir: path.join(dir, 'backups2'), passphrase: PASSPHRASE }, new Date());
      const lite = await openDatabase({ dataDir: path.join(dir, 'data') });
      try {
        await restoreBackup(lite, fs.readFileSync(back.file.path), PASSPHRASE);
        expect(await contents(lite)).to.deep.equal(original);
        expect(await summaryOf(lite)).to.deep.equal(summary);
      } finally {
        await lite.close();
      }
    } finally {
      await pgTarget.drop();
    }
  });

  it('applies again a deletion recorded after the backup, when the restore replaces that database', async () => {
    const source = await testDatabase();
    await createData();
    const takenAt = new Date();
    const { file } = await runBackup(source, { dir, passphrase: PASSPHRASE }, takenAt);
    // After the backup, Ann asks to be deleted: the row goes, the ledger keeps only a hash.
    await source.db.transaction(async (tx) => {
      await tx.delete(subscribers).where(sql`lower(${subscribers.email}) = 'ann@example.com'`);
      await recordDeletion(tx as any, { kind: 'subscriber', subjectHash: emailHash(SECRET, 'Ann@Example.com') }, new Date(takenAt.getTime() + 1000));
    });
    const result = await restoreBackup(source, fs.readFileSync(file.path), PASSPHRASE, { force: true, sessionSecret: SECRET });
    expect(result.reapplied).to.equal(1);
    const left = await source.db.select({ email: subscribers.email }).from(subscribers);
    expect(left.map((r) => r.email)).to.deep.equal(['Bob@Example.com']);
    // The ledger survives the restore, so a later restore of the same backup deletes Ann again.
    const ledger = (await source.db.execute(sql`select kind, subject_hash from deletion_ledger`)) as unknown as { rows: unknown[] };
    expect(ledger.rows).to.deep.equal([{ kind: 'subscriber', subject_hash: emailHash(SECRET, 'ann@example.com') }]);
    expect(JSON.stringify(ledger.rows)).not.to.include('ann@');
  });
});

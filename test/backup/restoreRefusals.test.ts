import { expect } from 'chai';
import { components, subscribers } from '../../server/db/schema.js';
import { encrypt, DecryptError } from '../../server/backup/encryption.js';
import { BackupFormatError } from '../../server/backup/format.js';
import { takeBackup } from '../../server/backup/takeBackup.js';
import { restoreBackup, RestoreRefusedError } from '../../server/backup/restoreBackup.js';
import { component } from '../support/components.js';
import { testDatabase } from '../support/db.js';
import { contents, PASSPHRASE } from './backupSupport.js';

/** A backup of the shared database as it is now, plaintext (to alter) and encrypted. */
async function backupNow(): Promise<{ text: string; file: Uint8Array }> {
  const { data } = await takeBackup(await testDatabase(), new Date());
  return { text: new TextDecoder().decode(data), file: await encrypt(data, PASSPHRASE) };
}

describe('restore refuses bad input and leaves the target unchanged', function () {
  this.timeout(60_000);
  let backup: { text: string; file: Uint8Array };
  let before: Record<string, string[]>;

  beforeEach(async () => {
    await component('Backed-up component');
    backup = await backupNow();
    // The target is the same database, changed after the backup: any restore would show.
    const db = (await testDatabase()).db;
    await db.update(components).set({ name: 'Changed after the backup' });
    const now = new Date();
    await db.insert(subscribers).values({ email: 'later@example.com', createdAt: now, updatedAt: now });
    before = await contents(await testDatabase());
  });

  const attempt = async (file: Uint8Array, opts: { force?: boolean; passphrase?: string } = {}) => {
    let error: unknown = null;
    try {
      await restoreBackup(await testDatabase(), file, opts.passphrase ?? PASSPHRASE, { force: opts.force ?? true });
    } catch (e) {
      error = e;
    }
    expect(await contents(await testDatabase())).to.deep.equal(before);
    return error as Error;
  };

  it('a wrong passphrase', async () => {
    const e = await attempt(backup.file, { passphrase: 'not the right passphrase' });
    expect(e).to.be.instanceOf(DecryptError);
    expect(e.message).to.match(/wrong BACKUP_PASSPHRASE/);
  });

  it('a truncated file', async () => {
    const e = await attempt(backup.file.slice(0, Math.floor(backup.file.length * 0.7)));
    expect(e).to.be.instanceOf(DecryptError);
  });

  it('a tampered file (one byte flipped in the ciphertext)', async () => {
    const bad = backup.file.slice();
    const i = Math.floor(bad.length * 0.6);
    bad[i] = bad[i]! ^ 0x01;
    const e = await attempt(bad);
    expect(e).to.be.instanceOf(DecryptError);
    expect(e.message).to.match(/truncated or has been altered|damaged/);
  });

  it('a backup from a newer schema', async () => {
    const lines = backup.text.split('\n');
    const header = JSON.parse(lines[0]!);
    header.schema = { tag: '9999_from_the_future', when: header.schema.when + 1_000_000 };
    lines[0] = JSON.stringify(header);
    const e = await attempt(await encrypt(new TextEncoder().encode(lines.join('\n')), PASSPHRASE));
    expect(e).to.be.instanceOf(RestoreRefusedError);
    expect(e.message).to.match(/newer Beacon \(schema 9999_from_the_future/);
  });

  it('a backup whose rows do not match its header', async () => {
    const lines = backup.text.trimEnd().split('\n');
    lines.splice(1, 1);
    const e = await attempt(await encrypt(new TextEncoder().encode(lines.join('\n') + '\n'), PASSPHRASE));
    expect(e).to.be.instanceOf(BackupFormatError);
  });

  it('a non-empty target without --force', async () => {
    const e = await attempt(backup.file, { force: false });
    expect(e).to.be.instanceOf(RestoreRefusedError);
    expect(e.message).to.match(/not empty .*--force/);
  });

  it('a row that does not fit fails mid-restore, and the wipe before it is rolled back', async () => {
    // Encrypted with the right passphrase and well-formed, but a NOT NULL column is null.
    const text = backup.text.replace(/"name":"Backed-up component"/, '"name":null');
    expect(text).not.to.equal(backup.text);
    const e = await attempt(await encrypt(new TextEncoder().encode(text), PASSPHRASE), { force: true });
    expect(e).to.be.an('error');
    expect(e.message).to.match(/null|not-null/i);
  });

  it('the same backup restores with --force (the refusals above were not the backup itself)', async () => {
    await restoreBackup(await testDatabase(), backup.file, PASSPHRASE, { force: true });
    const after = await contents(await testDatabase());
    expect(after.components!.join()).to.include('Backed-up component');
    expect(after.subscribers).to.deep.equal([]);
  });
});

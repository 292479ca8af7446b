import { expect } from 'chai';
import { retention, type BackupEntry } from '../../server/backup/retention.js';
import { backupFileName, parseBackupFileName } from '../../server/backup/backupFiles.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const at = (iso: string): BackupEntry => ({ name: iso, takenAt: new Date(iso) });
const names = (list: BackupEntry[]) => list.map((b) => b.name);

describe('backup retention tiers (pure)', () => {
  const now = new Date('2026-12-02T08:30:00Z'); // a Wednesday

  it('keeps every backup of the last 2 days', () => {
    const list = [at('2026-12-02T08:00:00Z'), at('2026-12-01T13:00:00Z'), at('2026-11-30T08:30:00Z'), at('2026-11-30T09:00:00Z')];
    expect(names(retention(list, now).remove)).to.deep.equal([]);
  });

  it('after 2 days keeps only the first backup of each day, for 7 days', () => {
    const list = [at('2026-11-28T00:00:00Z'), at('2026-11-28T01:00:00Z'), at('2026-11-28T23:00:00Z')];
    expect(names(retention(list, now).keep)).to.deep.equal(['2026-11-28T00:00:00Z']);
  });

  it('after 7 days keeps the first of each ISO week (Monday) for 30 days', () => {
    // 2026-11-16 is a Monday; the 17th is the same week, not its first.
    const list = [at('2026-11-16T00:00:00Z'), at('2026-11-17T00:00:00Z'), at('2026-11-23T05:00:00Z')];
    expect(names(retention(list, now).keep)).to.deep.equal(['2026-11-16T00:00:00Z', '2026-11-23T05:00:00Z']);
  });

  it('after 30 days keeps the first of each month for 90 days, and nothing older than 90 days', () => {
    const list = [at('2026-08-01T00:00:00Z'), at('2026-09-01T00:00:00Z'), at('2026-09-07T00:00:00Z'), at('2026-10-01T00:00:00Z'), at('2026-10-05T00:00:00Z')];
    // Aug 1 is 123 days old (a monthly, but past 90); Sep 1 is 92 days old — gone too.
    expect(names(retention(list, now).keep)).to.deep.equal(['2026-10-01T00:00:00Z']);
  });

  it('hourly backups pruned after each one for 120 days leave exactly the tiers', () => {
    let kept: BackupEntry[] = [];
    const start = Date.parse('2026-01-01T00:00:00Z');
    const end = start + 120 * DAY;
    for (let t = start; t <= end; t += HOUR) {
      kept.push({ name: String(t), takenAt: new Date(t) });
      kept = retention(kept, new Date(t)).keep;
    }
    const clock = new Date(end);
    const ages = kept.map((b) => (end - b.takenAt.getTime()) / DAY);
    expect(Math.max(...ages)).to.be.at.most(90);
    expect(kept.filter((b) => end - b.takenAt.getTime() <= 2 * DAY)).to.have.length(49); // every hour, 48 h + now
    // One per day between 2 and 7 days old.
    const dailies = kept.filter((b) => end - b.takenAt.getTime() > 2 * DAY && end - b.takenAt.getTime() <= 7 * DAY);
    expect(dailies.map((b) => b.takenAt.toISOString().slice(11))).to.satisfy((x: string[]) => x.every((h) => h === '00:00:00.000Z'));
    expect(dailies).to.have.length(5);
    // Every first-of-month within 90 days survived.
    for (const m of ['2026-02-01', '2026-03-01', '2026-04-01', '2026-05-01']) {
      const first = new Date(`${m}T00:00:00Z`);
      if (clock.getTime() - first.getTime() <= 90 * DAY) expect(kept.some((b) => b.takenAt.getTime() === first.getTime()), m).to.equal(true);
    }
    expect(kept.length).to.be.lessThan(49 + 5 + 4 + 3 + 1);
  });

  it('file names carry the time taken, to the millisecond', () => {
    const t = new Date('2026-12-02T08:00:00.123Z');
    expect(backupFileName(t)).to.equal('beacon-20261202T080000123Z.jsonl.gpg');
    expect(parseBackupFileName(backupFileName(t))!.toISOString()).to.equal(t.toISOString());
    expect(parseBackupFileName('notes.txt')).to.equal(null);
    expect(parseBackupFileName('beacon-20261202T080000123Z.jsonl.gpg.partial')).to.equal(null);
  });
});

import { expect } from 'chai';
import { dueNotices, isStale, lifecycleNotices, nextNoticeAt, type NoticeSubject } from '../../../server/domain/maintenance/notices.js';

const FOR = new Date('2026-12-06T03:00:00Z');
const UNTIL = new Date('2026-12-06T06:30:00Z');
const m = (over: Partial<NoticeSubject> = {}): NoticeSubject => ({
  status: 'scheduled',
  scheduledFor: FOR,
  scheduledUntil: UNTIL,
  scheduledAt: new Date('2026-11-29T12:00:00Z'),
  ...over,
});
const kinds = (ns: { kind: string }[]) => ns.map((n) => n.kind);
const iso = (ns: { kind: string; instant: Date }[]) => ns.map((n) => `${n.kind}@${n.instant.toISOString()}`);

describe('maintenance lifecycle notices', () => {
  it('a week ahead: reminder 24 h before, in-app 30 min before, start, completion', () => {
    expect(iso(lifecycleNotices(m()))).to.deep.equal([
      'reminder_24h@2026-12-05T03:00:00.000Z',
      'in_app_30m@2026-12-06T02:30:00.000Z',
      'started@2026-12-06T03:00:00.000Z',
      'completed@2026-12-06T06:30:00.000Z',
    ]);
  });

  it('each notice is due from its instant on, not a millisecond before', () => {
    expect(dueNotices(m(), new Date('2026-12-05T02:59:59.999Z'))).to.deep.equal([]);
    expect(kinds(dueNotices(m(), new Date('2026-12-05T03:00:00Z')))).to.deep.equal(['reminder_24h']);
    expect(kinds(dueNotices(m(), new Date('2026-12-06T02:30:00Z')))).to.deep.equal(['reminder_24h', 'in_app_30m']);
    expect(kinds(dueNotices(m(), new Date('2026-12-06T06:30:00Z')))).to.deep.equal(['reminder_24h', 'in_app_30m', 'started', 'completed']);
  });

  it('no 24 h reminder when scheduled exactly 24 h (or less) ahead; no in-app notice when scheduled within 30 min', () => {
    expect(kinds(lifecycleNotices(m({ scheduledAt: new Date('2026-12-05T03:00:00Z') })))).to.deep.equal(['in_app_30m', 'started', 'completed']);
    expect(kinds(lifecycleNotices(m({ scheduledAt: new Date('2026-12-05T02:59:59.999Z') })))).to.include('reminder_24h');
    expect(kinds(lifecycleNotices(m({ scheduledAt: new Date('2026-12-06T02:40:00Z') })))).to.deep.equal(['started', 'completed']);
  });

  it('verifying holds completion and warns of overrun 15 min after scheduled_until', () => {
    const v = m({ status: 'verifying' });
    expect(kinds(dueNotices(v, new Date('2026-12-06T06:44:59.999Z')))).to.not.include('overrun');
    expect(kinds(dueNotices(v, new Date('2026-12-06T06:45:00Z')))).to.deep.equal(['reminder_24h', 'in_app_30m', 'started', 'overrun']);
    expect(kinds(dueNotices(v, new Date('2026-12-07T00:00:00Z')))).to.not.include('completed');
  });

  it('completed and cancelled maintenance get nothing more', () => {
    expect(dueNotices(m({ status: 'completed' }), new Date('2027-01-01T00:00:00Z'))).to.deep.equal([]);
    expect(dueNotices(m({ status: 'cancelled' }), new Date('2027-01-01T00:00:00Z'))).to.deep.equal([]);
    expect(nextNoticeAt(m({ status: 'cancelled' }), new Date('2026-11-29T12:00:00Z'))).to.equal(null);
  });

  it('nextNoticeAt is the first instant strictly after now', () => {
    expect(nextNoticeAt(m(), new Date('2026-11-29T12:00:00Z'))!.toISOString()).to.equal('2026-12-05T03:00:00.000Z');
    expect(nextNoticeAt(m(), new Date('2026-12-05T03:00:00Z'))!.toISOString()).to.equal('2026-12-06T02:30:00.000Z');
    expect(nextNoticeAt(m(), new Date('2026-12-06T03:00:00Z'))!.toISOString()).to.equal('2026-12-06T06:30:00.000Z');
    expect(nextNoticeAt(m(), new Date('2026-12-06T06:30:00Z'))).to.equal(null);
  });

  it('pre-start notices overtaken by a later due notice are stale (recorded, not announced)', () => {
    const due = dueNotices(m(), new Date('2026-12-06T03:10:00Z'));
    expect(due.filter((n) => isStale(n, due)).map((n) => n.kind)).to.deep.equal(['reminder_24h', 'in_app_30m']);
    const late = dueNotices(m(), new Date('2026-12-06T02:45:00Z'));
    expect(late.filter((n) => !isStale(n, late)).map((n) => n.kind)).to.deep.equal(['in_app_30m']);
  });
});

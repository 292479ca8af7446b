import { expect } from 'chai';
import { activeNotices, nextNoticeBoundary, noticePhase } from '../../../server/domain/notices/activeNotices.js';

const at = (s: string) => new Date(`2026-12-01T${s}Z`);
const n = (id: string, publish: string, expire: string | null) => ({ id, publishAt: at(publish), expireAt: expire ? at(expire) : null });

describe('activeNotices', () => {
  const a = n('a', '10:00:00', '12:00:00');
  const b = n('b', '11:00:00', null);
  const c = n('c', '13:00:00', '14:00:00');
  const rows = [a, b, c];
  const ids = (now: string) => activeNotices(rows, at(now)).map((x) => x.id);

  it('is active exactly at publish_at and inactive exactly at expire_at', () => {
    expect(ids('09:59:59.999')).to.deep.equal([]);
    expect(ids('10:00:00')).to.deep.equal(['a']);
    expect(ids('11:59:59.999')).to.deep.equal(['a', 'b']);
    expect(ids('12:00:00')).to.deep.equal(['b']);
    expect(ids('13:00:00')).to.deep.equal(['b', 'c']);
    expect(ids('14:00:00')).to.deep.equal(['b']);
  });

  it('treats a missing expire_at as open-ended', () => {
    expect(activeNotices([b], new Date('2099-01-01T00:00:00Z'))).to.deep.equal([b]);
  });

  it('names each phase', () => {
    expect(noticePhase(a, at('09:00:00'))).to.equal('scheduled');
    expect(noticePhase(a, at('10:00:00'))).to.equal('active');
    expect(noticePhase(a, at('12:00:00'))).to.equal('expired');
    expect(noticePhase(b, at('23:00:00'))).to.equal('active');
  });
});

describe('nextNoticeBoundary', () => {
  const rows = [n('a', '10:00:00', '12:00:00'), n('b', '11:00:00', null), n('c', '13:00:00', '14:00:00')];
  const next = (now: string) => nextNoticeBoundary(rows, at(now))?.toISOString() ?? null;

  it('returns the next publish_at or expire_at strictly after now', () => {
    expect(next('09:00:00')).to.equal(at('10:00:00').toISOString());
    expect(next('10:00:00')).to.equal(at('11:00:00').toISOString());
    expect(next('11:30:00')).to.equal(at('12:00:00').toISOString());
    expect(next('12:00:00')).to.equal(at('13:00:00').toISOString());
    expect(next('13:00:00')).to.equal(at('14:00:00').toISOString());
  });

  it('is null when nothing changes any more (or there are no notices)', () => {
    expect(next('14:00:00')).to.equal(null);
    expect(nextNoticeBoundary([], at('10:00:00'))).to.equal(null);
  });

  it('agrees with activeNotices: the set changes at the boundary and not before', () => {
    const now = at('10:30:00');
    const boundary = nextNoticeBoundary(rows, now)!;
    const before = activeNotices(rows, new Date(boundary.getTime() - 1)).map((x) => x.id);
    expect(activeNotices(rows, now).map((x) => x.id)).to.deep.equal(before);
    expect(activeNotices(rows, boundary).map((x) => x.id)).to.not.deep.equal(before);
  });
});

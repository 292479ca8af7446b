import { expect } from 'chai';
import { uptimeDays, type StatusInterval } from '../../../server/domain/public/uptime.js';

const NOW = new Date('2026-11-29T12:00:00Z');
const MIN = 60_000;
// 89 whole days before today plus 12 hours of today, in minutes.
const FULL_MEASURED_MIN = 89 * 1440 + 720;
const pct = (measuredMin: number, downMin: number) => Math.floor(((measuredMin - downMin) / measuredMin) * 10000) / 100;
const iv = (status: string, from: string, minutes: number): StatusInterval => {
  const f = new Date(from);
  return { status, from: f, to: new Date(f.getTime() + minutes * MIN) };
};
const day = (r: ReturnType<typeof uptimeDays>, date: string) => {
  const d = r.days.find((x) => x.date === date);
  if (!d) throw new Error(`no day ${date}`);
  return d;
};

describe('uptimeDays (90-day bars)', () => {
  it('returns 90 days, oldest first, the last being today (UTC)', () => {
    const r = uptimeDays([], [], NOW, 90);
    expect(r.days).to.have.length(90);
    expect(r.days[0]!.date).to.equal('2026-09-01');
    expect(r.days[89]!.date).to.equal('2026-11-29');
    for (let i = 1; i < r.days.length; i++) {
      expect(Date.parse(r.days[i]!.date) - Date.parse(r.days[i - 1]!.date)).to.equal(86_400_000);
    }
    expect(r.days.every((d) => d.level === 'operational')).to.equal(true);
    expect(r.uptime_pct).to.equal(100);
  });

  it('today is the UTC date, even late in the evening in a western time zone', () => {
    const r = uptimeDays([], [], new Date('2026-11-30T00:30:00Z'), 90);
    expect(r.days[89]!.date).to.equal('2026-11-30');
    expect(r.days[0]!.date).to.equal('2026-09-02');
  });

  it('a 60-minute major outage yesterday: level, minutes, and exact uptime', () => {
    const r = uptimeDays([iv('major_outage', '2026-11-28T10:00:00Z', 60)], [], NOW, 90);
    const y = day(r, '2026-11-28');
    expect(y.level).to.equal('major_outage');
    expect(y.outage_minutes).to.deep.equal({ major: 60, partial: 0, degraded: 0, maintenance: 0 });
    expect(day(r, '2026-11-27').level).to.equal('operational');
    expect(day(r, '2026-11-29').level).to.equal('operational');
    expect(r.uptime_pct).to.equal(pct(FULL_MEASURED_MIN, 60));
    expect(r.uptime_pct).to.equal(99.95);
  });

  it('uptime is floored to 2 decimals, not rounded', () => {
    // (128880 − 70) / 128880 = 99.9456…% → 99.94 (rounding would give 99.95)
    const r = uptimeDays([iv('major_outage', '2026-11-28T10:00:00Z', 70)], [], NOW, 90);
    expect(r.uptime_pct).to.equal(99.94);
  });

  it('only the part of an interval inside the day counts toward that day', () => {
    const r = uptimeDays([iv('major_outage', '2026-11-27T23:30:00Z', 60)], [], NOW, 90);
    expect(day(r, '2026-11-27').outage_minutes.major).to.equal(30);
    expect(day(r, '2026-11-28').outage_minutes.major).to.equal(30);
    expect(day(r, '2026-11-28').level).to.equal('major_outage');
    // The end is exclusive: an interval ending at midnight does not touch the next day.
    const r2 = uptimeDays([iv('major_outage', '2026-11-27T23:00:00Z', 60)], [], NOW, 90);
    expect(day(r2, '2026-11-28').level).to.equal('operational');
    expect(day(r2, '2026-11-27').outage_minutes.major).to.equal(60);
  });

  it('a partial outage counts 30 % of its time as downtime; degraded counts none', () => {
    const r = uptimeDays([iv('partial_outage', '2026-11-28T10:00:00Z', 100)], [], NOW, 90);
    const y = day(r, '2026-11-28');
    expect(y.level).to.equal('partial_outage');
    expect(y.outage_minutes.partial).to.equal(100);
    expect(r.uptime_pct).to.equal(pct(FULL_MEASURED_MIN, 30));
    expect(r.uptime_pct).to.equal(99.97);

    const d = uptimeDays([iv('degraded_performance', '2026-11-28T10:00:00Z', 300)], [], NOW, 90);
    expect(day(d, '2026-11-28').level).to.equal('degraded_performance');
    expect(day(d, '2026-11-28').outage_minutes.degraded).to.equal(300);
    expect(d.uptime_pct).to.equal(100);
  });

  it('the worst status of the day sets its level', () => {
    const r = uptimeDays(
      [iv('degraded_performance', '2026-11-28T01:00:00Z', 60), iv('partial_outage', '2026-11-28T03:00:00Z', 10), iv('under_maintenance', '2026-11-28T05:00:00Z', 60)],
      [],
      NOW,
      90,
    );
    expect(day(r, '2026-11-28').level).to.equal('partial_outage');
  });

  it('maintenance shows as under_maintenance and is not downtime', () => {
    const r = uptimeDays([iv('under_maintenance', '2026-11-28T02:00:00Z', 120)], [], NOW, 90);
    const y = day(r, '2026-11-28');
    expect(y.level).to.equal('under_maintenance');
    expect(y.outage_minutes).to.deep.equal({ major: 0, partial: 0, degraded: 0, maintenance: 120 });
    expect(r.uptime_pct).to.equal(100);
  });

  it('maintenance time leaves the measured time', () => {
    // Measured only today (start date today): 12 h = 720 min; minus 120 min maintenance = 600.
    const r = uptimeDays([iv('under_maintenance', '2026-11-29T01:00:00Z', 120), iv('major_outage', '2026-11-29T05:00:00Z', 60)], [], NOW, 90, '2026-11-29');
    expect(r.uptime_pct).to.equal(pct(600, 60));
    expect(r.uptime_pct).to.equal(90);
  });

  it('days before the start date are no_data and excluded from the measurement', () => {
    const r = uptimeDays([iv('major_outage', '2026-11-27T10:00:00Z', 60), iv('major_outage', '2026-11-28T10:00:00Z', 60)], [], NOW, 90, '2026-11-28');
    expect(r.days).to.have.length(90);
    expect(r.days.slice(0, 88).every((d) => d.level === 'no_data')).to.equal(true);
    expect(day(r, '2026-11-27').level).to.equal('no_data');
    expect(day(r, '2026-11-28').level).to.equal('major_outage');
    expect(day(r, '2026-11-29').level).to.equal('operational');
    // measured = 1440 (28th) + 720 (29th today); only the 28th's hour is down.
    expect(r.uptime_pct).to.equal(pct(2160, 60));
    expect(r.uptime_pct).to.equal(97.22);
  });

  it('lists incidents on every day they overlap, and zero-length ones on their day', () => {
    const incidents = [
      { id: 'a', name: 'Across midnight', from: new Date('2026-11-26T23:00:00Z'), to: new Date('2026-11-27T01:00:00Z') },
      { id: 'b', name: 'Instant', from: new Date('2026-11-25T10:00:00Z'), to: new Date('2026-11-25T10:00:00Z') },
      { id: 'c', name: 'Ongoing', from: new Date('2026-11-28T20:00:00Z'), to: NOW },
    ];
    const r = uptimeDays([], incidents, NOW, 90);
    const ids = (date: string) => day(r, date).incidents.map((i) => i.id);
    expect(ids('2026-11-24')).to.deep.equal([]);
    expect(ids('2026-11-25')).to.deep.equal(['b']);
    expect(ids('2026-11-26')).to.deep.equal(['a']);
    expect(ids('2026-11-27')).to.deep.equal(['a']);
    expect(ids('2026-11-28')).to.deep.equal(['c']);
    expect(ids('2026-11-29')).to.deep.equal(['c']);
    expect(day(r, '2026-11-26').incidents).to.deep.equal([{ id: 'a', name: 'Across midnight' }]);
  });
});

describe('uptimeDays from a start date (a new install)', () => {
  it('days before the start date are "no data", the percentage covers only the days since, and `since` names the start', () => {
    // Started yesterday; a 60-minute major outage today.
    const r = uptimeDays([iv('major_outage', '2026-11-29T01:00:00Z', 60)], [], NOW, 90, '2026-11-28');
    expect(r.days.filter((d) => d.level === 'no_data')).to.have.length(88);
    expect(day(r, '2026-11-27').level).to.equal('no_data');
    expect(day(r, '2026-11-28').level).to.equal('operational');
    expect(r.since).to.equal('2026-11-28');
    // Measured: all of yesterday and 12 hours of today, not 89.5 days.
    expect(r.uptime_pct).to.equal(pct(1440 + 720, 60));
  });

  it('a start date before the window: no "since", all 90 days count', () => {
    const r = uptimeDays([], [], NOW, 90, '2026-01-01');
    expect(r.since).to.equal(null);
    expect(r.days.some((d) => d.level === 'no_data')).to.equal(false);
  });
});

import { expect } from 'chai';
import {
  DEFAULT_WINDOW_RULES,
  fittingOccurrences,
  nearestOccurrences,
  nextOccurrences,
  occurrenceContaining,
  parseRule,
  validatePlannedSlot,
  validateRules,
  type WindowOccurrence,
  type WindowRule,
} from '../../../server/domain/maintenance/windows.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const iso = (s: string) => new Date(s);
const span = (o: WindowOccurrence) => [o.startsAt.toISOString(), o.endsAt.toISOString()];

// --- Independent DST calendar (US rules since 2007), computed without the code under test. ---
function nthSunday(year: number, monthIndex: number, n: number): number {
  const firstWeekday = new Date(Date.UTC(year, monthIndex, 1)).getUTCDay(); // 0 = Sunday
  return 1 + ((7 - firstWeekday) % 7) + 7 * (n - 1);
}
const pad = (n: number) => String(n).padStart(2, '0');
/** ISO instant for a UTC calendar date offset by `dayDelta` days, at hh:00Z. */
function utcAt(year: number, monthIndex: number, day: number, dayDelta: number, hour: number): string {
  return new Date(Date.UTC(year, monthIndex, day + dayDelta, hour)).toISOString();
}

const TUE = DEFAULT_WINDOW_RULES[0]!;
const SAT = DEFAULT_WINDOW_RULES[1]!;

describe('maintenance windows', () => {
  describe('DST calendar helper (sanity check of the test oracle)', () => {
    it('matches the published US transition dates 2026-2030', () => {
      const got = [2026, 2027, 2028, 2029, 2030].map((y) => [nthSunday(y, 2, 2), nthSunday(y, 10, 1)]);
      expect(got).to.deep.equal([[8, 1], [14, 7], [12, 5], [11, 4], [10, 3]]);
    });
  });

  for (const year of [2026, 2027, 2028, 2029, 2030]) {
    describe(`US DST transitions in ${year}`, () => {
      const spring = nthSunday(year, 2, 2); // Sunday in March, 02:00 EST -> 03:00 EDT
      const fall = nthSunday(year, 10, 1); // Sunday in November, 02:00 EDT -> 01:00 EST

      it(`spring-forward Saturday window (Sat Mar ${spring - 1}) is 22:00 EST -> 03:00 EDT, 4 h`, () => {
        const [occ] = nextOccurrences(DEFAULT_WINDOW_RULES, iso(utcAt(year, 2, spring, -2, 12)), 1);
        expect(span(occ!)).to.deep.equal([utcAt(year, 2, spring, 0, 3), utcAt(year, 2, spring, 0, 7)]);
        expect(occ!.endsAt.getTime() - occ!.startsAt.getTime()).to.equal(4 * HOUR);
        expect(occ!.rule).to.deep.equal(SAT);
        // The transition instant (02:00 EST = 07:00Z) is the window's end.
        expect(occ!.endsAt.toISOString()).to.equal(utcAt(year, 2, spring, 0, 7));
      });

      it('Tuesday windows around spring-forward are 4 h in EST before and EDT after', () => {
        const before = nextOccurrences(DEFAULT_WINDOW_RULES, iso(utcAt(year, 2, spring, -6, 12)), 1)[0]!;
        expect(span(before)).to.deep.equal([utcAt(year, 2, spring, -4, 3), utcAt(year, 2, spring, -4, 7)]);
        const after = nextOccurrences(DEFAULT_WINDOW_RULES, iso(utcAt(year, 2, spring, 1, 12)), 1)[0]!;
        expect(span(after)).to.deep.equal([utcAt(year, 2, spring, 3, 2), utcAt(year, 2, spring, 3, 6)]);
        expect([before.rule, after.rule]).to.deep.equal([TUE, TUE]);
      });

      it(`fall-back Saturday window (Sat ${fall === 1 ? 'Oct 31' : `Nov ${fall - 1}`}) is 22:00 EDT -> 02:00 EST, 5 h`, () => {
        const [occ] = nextOccurrences(DEFAULT_WINDOW_RULES, iso(utcAt(year, 10, fall, -2, 12)), 1);
        expect(span(occ!)).to.deep.equal([utcAt(year, 10, fall, 0, 2), utcAt(year, 10, fall, 0, 7)]);
        expect(occ!.endsAt.getTime() - occ!.startsAt.getTime()).to.equal(5 * HOUR);
        expect(occ!.rule).to.deep.equal(SAT);
        // Straddles the transition instant 02:00 EDT = 06:00Z.
        const transition = iso(utcAt(year, 10, fall, 0, 6)).getTime();
        expect(occ!.startsAt.getTime()).to.be.below(transition);
        expect(occ!.endsAt.getTime()).to.be.above(transition);
      });

      it('Tuesday windows around fall-back are 4 h in EDT before and EST after', () => {
        const before = nextOccurrences(DEFAULT_WINDOW_RULES, iso(utcAt(year, 10, fall, -6, 12)), 1)[0]!;
        expect(span(before)).to.deep.equal([utcAt(year, 10, fall, -4, 2), utcAt(year, 10, fall, -4, 6)]);
        const after = nextOccurrences(DEFAULT_WINDOW_RULES, iso(utcAt(year, 10, fall, 1, 12)), 1)[0]!;
        expect(span(after)).to.deep.equal([utcAt(year, 10, fall, 3, 3), utcAt(year, 10, fall, 3, 7)]);
      });
    });
  }

  it('over 2026-2030 every window is 4 h except exactly the five fall-back Saturdays (5 h)', () => {
    const occs = nextOccurrences(DEFAULT_WINDOW_RULES, iso('2026-01-01T00:00:00Z'), 522);
    const last = occs[occs.length - 1]!;
    expect(last.startsAt.getUTCFullYear()).to.equal(2031);
    const fiveHour = occs.filter((o) => o.endsAt.getTime() - o.startsAt.getTime() === 5 * HOUR);
    expect(fiveHour.map((o) => o.startsAt.toISOString())).to.deep.equal(
      [2026, 2027, 2028, 2029, 2030].map((y) => utcAt(y, 10, nthSunday(y, 10, 1), 0, 2)),
    );
    const others = occs.filter((o) => !fiveHour.includes(o));
    expect(others.every((o) => o.endsAt.getTime() - o.startsAt.getTime() === 4 * HOUR)).to.equal(true);
  });

  describe('ordinary windows', () => {
    it('Tue 2026-12-01 22:00 EST is 2026-12-02T03:00Z -> 07:00Z', () => {
      const [occ] = nextOccurrences(DEFAULT_WINDOW_RULES, iso('2026-12-01T12:00:00Z'), 1);
      expect(span(occ!)).to.deep.equal(['2026-12-02T03:00:00.000Z', '2026-12-02T07:00:00.000Z']);
    });
    it('Tue 2026-07-14 22:00 EDT is 2026-07-15T02:00Z -> 06:00Z', () => {
      const [occ] = nextOccurrences(DEFAULT_WINDOW_RULES, iso('2026-07-14T12:00:00Z'), 1);
      expect(span(occ!)).to.deep.equal(['2026-07-15T02:00:00.000Z', '2026-07-15T06:00:00.000Z']);
    });
    it('Sat 2026-06-13 22:00 EDT and Sat 2027-01-09 22:00 EST', () => {
      expect(span(nextOccurrences(DEFAULT_WINDOW_RULES, iso('2026-06-12T00:00:00Z'), 1)[0]!)).to.deep.equal([
        '2026-06-14T02:00:00.000Z',
        '2026-06-14T06:00:00.000Z',
      ]);
      expect(span(nextOccurrences(DEFAULT_WINDOW_RULES, iso('2027-01-08T00:00:00Z'), 1)[0]!)).to.deep.equal([
        '2027-01-10T03:00:00.000Z',
        '2027-01-10T07:00:00.000Z',
      ]);
    });
  });

  describe('nextOccurrences', () => {
    it('returns `count` merged occurrences in chronological order', () => {
      const occs = nextOccurrences(DEFAULT_WINDOW_RULES, iso('2026-12-01T12:00:00Z'), 4);
      expect(occs.map((o) => o.startsAt.toISOString())).to.deep.equal([
        '2026-12-02T03:00:00.000Z', // Tue Dec 1
        '2026-12-06T03:00:00.000Z', // Sat Dec 5
        '2026-12-09T03:00:00.000Z', // Tue Dec 8
        '2026-12-13T03:00:00.000Z', // Sat Dec 12
      ]);
      expect(occs.map((o) => o.rule.weekday)).to.deep.equal([2, 6, 2, 6]);
    });
    it('includes a window in progress at `from`, including one starting exactly at `from`', () => {
      expect(nextOccurrences(DEFAULT_WINDOW_RULES, iso('2026-12-02T06:59:59.999Z'), 1)[0]!.startsAt.toISOString()).to.equal(
        '2026-12-02T03:00:00.000Z',
      );
      expect(nextOccurrences(DEFAULT_WINDOW_RULES, iso('2026-12-02T03:00:00Z'), 1)[0]!.startsAt.toISOString()).to.equal(
        '2026-12-02T03:00:00.000Z',
      );
    });
    it('excludes a window that ends exactly at `from`', () => {
      const [occ] = nextOccurrences(DEFAULT_WINDOW_RULES, iso('2026-12-02T07:00:00Z'), 1);
      expect(occ!.startsAt.toISOString()).to.equal('2026-12-06T03:00:00.000Z');
    });
    it('de-duplicates identical rules and merges rules from different zones', () => {
      const london: WindowRule = { weekday: 3, start: '10:00', end: '12:00', zone: 'Europe/London' };
      const occs = nextOccurrences([SAT, TUE, { ...TUE }, london], iso('2026-12-01T12:00:00Z'), 3);
      expect(occs.map(span)).to.deep.equal([
        ['2026-12-02T03:00:00.000Z', '2026-12-02T07:00:00.000Z'],
        ['2026-12-02T10:00:00.000Z', '2026-12-02T12:00:00.000Z'],
        ['2026-12-06T03:00:00.000Z', '2026-12-06T07:00:00.000Z'],
      ]);
    });
    it('returns [] for count 0 and throws on invalid rules', () => {
      expect(nextOccurrences(DEFAULT_WINDOW_RULES, iso('2026-12-01T00:00:00Z'), 0)).to.deep.equal([]);
      expect(() => nextOccurrences([{ ...TUE, zone: 'Mars/Olympus' }], iso('2026-12-01T00:00:00Z'), 1)).to.throw(RangeError);
    });
  });

  describe('occurrenceContaining / nearestOccurrences', () => {
    it('finds the containing window with inclusive boundaries, and null otherwise', () => {
      const occ = occurrenceContaining(DEFAULT_WINDOW_RULES, iso('2026-12-02T03:00:00Z'), iso('2026-12-02T07:00:00Z'));
      expect(span(occ!)).to.deep.equal(['2026-12-02T03:00:00.000Z', '2026-12-02T07:00:00.000Z']);
      expect(occurrenceContaining(DEFAULT_WINDOW_RULES, iso('2026-12-02T03:00:00Z'), iso('2026-12-02T03:00:00Z'))).to.equal(null);
      expect(occurrenceContaining(DEFAULT_WINDOW_RULES, iso('2026-12-02T02:59:00Z'), iso('2026-12-02T04:00:00Z'))).to.equal(null);
    });
    it('nearestOccurrences skips a window already in progress', () => {
      const near = nearestOccurrences(DEFAULT_WINDOW_RULES, iso('2026-12-02T04:00:00Z'), 2);
      expect(near.map((o) => o.startsAt.toISOString())).to.deep.equal(['2026-12-06T03:00:00.000Z', '2026-12-09T03:00:00.000Z']);
    });
  });

  describe('fittingOccurrences / suggestions that fit the work', () => {
    it('offers only windows long enough: 5 h of work fits the fall-back Saturday (5 real hours) and nothing else that year', () => {
      const fit = fittingOccurrences(DEFAULT_WINDOW_RULES, iso('2026-10-20T12:00:00Z'), 5 * HOUR, 3);
      expect(fit.map(span)).to.deep.equal([
        ['2026-11-01T02:00:00.000Z', '2026-11-01T07:00:00.000Z'], // Sat 31 Oct 22:00 EDT → Sun 02:00 EST
        ['2027-11-07T02:00:00.000Z', '2027-11-07T07:00:00.000Z'], // the next fall-back Saturday
      ]);
      expect(fittingOccurrences(DEFAULT_WINDOW_RULES, iso('2026-10-20T12:00:00Z'), 4 * HOUR, 2).map((o) => o.startsAt.toISOString()))
        .to.deep.equal(['2026-10-21T02:00:00.000Z', '2026-10-25T02:00:00.000Z']);
      expect(fittingOccurrences(DEFAULT_WINDOW_RULES, iso('2026-10-20T12:00:00Z'), 6 * HOUR, 3)).to.deep.equal([]);
    });

    it('a window error suggests only windows that hold the requested duration', () => {
      const now = iso('2026-10-20T12:00:00Z');
      // Thu 22 Oct 22:00 → Fri 03:00 EDT: 5 hours, outside any window.
      const r = validatePlannedSlot(DEFAULT_WINDOW_RULES, { scheduledFor: iso('2026-10-23T02:00:00Z'), scheduledUntil: iso('2026-10-23T07:00:00Z'), now });
      if (r.ok || r.code !== 'outside_maintenance_window') throw new Error(`unexpected ${JSON.stringify(r)}`);
      expect(r.details.nearest[0]).to.deep.equal({ starts_at: '2026-11-01T02:00:00.000Z', ends_at: '2026-11-01T07:00:00.000Z' });
      for (const n of r.details.nearest) expect(Date.parse(n.ends_at) - Date.parse(n.starts_at)).to.be.at.least(5 * HOUR);
      expect(r.message).to.include('The next window long enough for 5 hours is Sat 31 Oct 2026 22:00 EDT');
      // Longer than any window: no suggestion, and the message says what to do instead.
      const long = validatePlannedSlot(DEFAULT_WINDOW_RULES, { scheduledFor: iso('2026-10-23T02:00:00Z'), scheduledUntil: iso('2026-10-23T09:00:00Z'), now });
      if (long.ok || long.code !== 'outside_maintenance_window') throw new Error(`unexpected ${JSON.stringify(long)}`);
      expect(long.details.nearest).to.deep.equal([]);
      expect(long.message).to.include('No window in the coming year is long enough for 7 hours');
    });
  });

  describe('validatePlannedSlot', () => {
    // Tue 2026-12-01 window: 22:00 EST (03:00Z Dec 2) -> 02:00 EST (07:00Z). `now` is well ahead of notice.
    const now = iso('2026-11-20T00:00:00Z');
    const check = (from: string, until: string, at: Date = now, minNoticeMs?: number) =>
      validatePlannedSlot(DEFAULT_WINDOW_RULES, { scheduledFor: iso(from), scheduledUntil: iso(until), now: at, minNoticeMs });

    it('rejects 21:59 local as outside_maintenance_window with the nearest windows', () => {
      const r = check('2026-12-02T02:59:00Z', '2026-12-02T04:00:00Z');
      if (r.ok || r.code !== 'outside_maintenance_window') throw new Error(`unexpected ${JSON.stringify(r)}`);
      expect(r.details.nearest).to.deep.equal([
        { starts_at: '2026-12-02T03:00:00.000Z', ends_at: '2026-12-02T07:00:00.000Z' },
        { starts_at: '2026-12-06T03:00:00.000Z', ends_at: '2026-12-06T07:00:00.000Z' },
        { starts_at: '2026-12-09T03:00:00.000Z', ends_at: '2026-12-09T07:00:00.000Z' },
      ]);
      expect(r.message).to.match(/21:59 EST/).and.to.match(/22:00 EST/);
    });
    it('accepts a start at exactly 22:00 local', () => {
      const r = check('2026-12-02T03:00:00Z', '2026-12-02T04:00:00Z');
      if (!r.ok) throw new Error(`unexpected ${JSON.stringify(r)}`);
      expect(span(r.occurrence)).to.deep.equal(['2026-12-02T03:00:00.000Z', '2026-12-02T07:00:00.000Z']);
    });
    it('accepts ending exactly at the window end and rejects one minute past it', () => {
      expect(check('2026-12-02T06:00:00Z', '2026-12-02T07:00:00Z').ok).to.equal(true);
      const r = check('2026-12-02T06:00:00Z', '2026-12-02T07:01:00Z');
      expect(r.ok ? 'ok' : r.code).to.equal('outside_maintenance_window');
    });
    it('rejects a Thursday slot, suggesting the Saturday window', () => {
      const r = check('2026-12-04T03:00:00Z', '2026-12-04T04:00:00Z'); // Thu 22:00 EST
      if (r.ok || r.code !== 'outside_maintenance_window') throw new Error(`unexpected ${JSON.stringify(r)}`);
      expect(r.details.nearest[0]).to.deep.equal({ starts_at: '2026-12-06T03:00:00.000Z', ends_at: '2026-12-06T07:00:00.000Z' });
    });
    it('rejects a slot spanning two windows', () => {
      const r = check('2026-12-02T03:00:00Z', '2026-12-06T04:00:00Z');
      expect(r.ok ? 'ok' : r.code).to.equal('outside_maintenance_window');
    });
    it('honours DST-shaped windows: full 5 h fall-back and spring-forward ending 03:00 EDT', () => {
      const at = iso('2026-10-01T00:00:00Z');
      expect(check('2026-11-01T02:00:00Z', '2026-11-01T07:00:00Z', at).ok).to.equal(true);
      expect(check('2026-11-01T02:00:00Z', '2026-11-01T07:01:00Z', at).ok).to.equal(false);
      const at2 = iso('2027-03-01T00:00:00Z');
      expect(check('2027-03-14T03:00:00Z', '2027-03-14T07:00:00Z', at2).ok).to.equal(true);
      expect(check('2027-03-14T02:59:00Z', '2027-03-14T07:00:00Z', at2).ok).to.equal(false);
      expect(check('2027-03-14T03:00:00Z', '2027-03-14T07:01:00Z', at2).ok).to.equal(false);
    });
    it('rejects an empty or inverted range as invalid_range', () => {
      for (const r of [check('2026-12-02T04:00:00Z', '2026-12-02T04:00:00Z'), check('2026-12-02T05:00:00Z', '2026-12-02T04:00:00Z')]) {
        expect(r.ok ? 'ok' : r.code).to.equal('invalid_range');
      }
    });

    describe('24-hour notice', () => {
      const slotStart = iso('2026-12-02T03:00:00Z');
      it('accepts exactly 24 h ahead', () => {
        expect(check('2026-12-02T03:00:00Z', '2026-12-02T04:00:00Z', new Date(slotStart.getTime() - DAY)).ok).to.equal(true);
      });
      it('rejects 24 h minus 1 ms with earliest_allowed_start', () => {
        const at = new Date(slotStart.getTime() - DAY + 1);
        const r = check('2026-12-02T03:00:00Z', '2026-12-02T04:00:00Z', at);
        if (r.ok || r.code !== 'insufficient_notice') throw new Error(`unexpected ${JSON.stringify(r)}`);
        expect(r.details.earliest_allowed_start).to.equal('2026-12-02T03:00:00.001Z');
        expect(r.message).to.match(/24 hours/).and.to.match(/EST/);
      });
      it('points earliest_allowed_start at the next window when now + 24 h is outside one', () => {
        const r = check('2026-12-02T03:00:00Z', '2026-12-02T04:00:00Z', iso('2026-12-02T02:00:00Z'));
        if (r.ok || r.code !== 'insufficient_notice') throw new Error(`unexpected ${JSON.stringify(r)}`);
        expect(r.details.earliest_allowed_start).to.equal('2026-12-06T03:00:00.000Z');
      });
      it('checks the window before notice, suggesting only windows after now + 24 h', () => {
        const r = check('2026-12-04T03:00:00Z', '2026-12-04T04:00:00Z', iso('2026-12-02T05:00:00Z'));
        if (r.ok || r.code !== 'outside_maintenance_window') throw new Error(`unexpected ${JSON.stringify(r)}`);
        expect(r.details.nearest.map((n) => n.starts_at)).to.deep.equal([
          '2026-12-06T03:00:00.000Z',
          '2026-12-09T03:00:00.000Z',
          '2026-12-13T03:00:00.000Z',
        ]);
      });
      it('respects a custom minNoticeMs', () => {
        expect(check('2026-12-02T03:00:00Z', '2026-12-02T04:00:00Z', iso('2026-12-02T02:00:00Z'), HOUR).ok).to.equal(true);
      });
    });
  });

  describe('validateRules / parseRule', () => {
    it('accepts the defaults', () => {
      expect(validateRules(DEFAULT_WINDOW_RULES)).to.deep.equal([]);
    });
    it('catches an unknown zone', () => {
      const errs = validateRules([{ ...TUE, zone: 'Mars/Olympus' }]);
      expect(errs).to.have.length(1);
      expect(errs[0]).to.match(/rule 1: zone/);
    });
    it('catches bad weekdays', () => {
      for (const weekday of [0, 8, 2.5, '2']) {
        const errs = validateRules([{ ...TUE, weekday }]);
        expect(errs, String(weekday)).to.have.length(1);
        expect(errs[0]).to.match(/weekday/);
      }
    });
    it('catches bad HH:MM times and zero-length windows', () => {
      for (const start of ['24:00', '7:00', '22:60', 'x']) {
        expect(validateRules([{ ...TUE, start }])[0], start).to.match(/start must be/);
      }
      expect(validateRules([SAT, { ...TUE, end: '2:00' }])).to.deep.equal([
        'rule 2: end must be a 24-hour time "HH:MM", got "2:00"',
      ]);
      expect(validateRules([{ ...TUE, end: '22:00' }])[0]).to.match(/zero-length/);
    });
    it('parseRule returns a clean rule or the errors', () => {
      expect(parseRule({ ...TUE, extra: 1 })).to.deep.equal({ ok: true, rule: TUE });
      const bad = parseRule({ weekday: 9, start: '22:00', end: '02:00', zone: 'Nowhere' });
      expect(bad.ok).to.equal(false);
      if (!bad.ok) expect(bad.errors).to.have.length(2);
    });
  });
});

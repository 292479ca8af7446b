import { expect } from 'chai';
import { DateTime } from 'luxon';
import {
  DEFAULT_SLA_POLICY,
  computeSla,
  impactOf,
  milestones,
  nearestDeadline,
  reachedAt,
  timerFor,
  validatePolicy,
  warningInstants,
  type Sla,
  type SlaFacts,
  type SlaGoals,
  type SlaPolicy,
} from '../../../server/domain/incidents/sla.js';

// Literal constants (not imported) so a changed rule cannot silently change the expectation too.
const MIN = 60_000;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const iso = (s: string) => new Date(s);
const plus = (d: Date, ms: number) => new Date(d.getTime() + ms);
const ZONE = 'America/New_York';
const nyWall = (d: Date) => DateTime.fromJSDate(d, { zone: ZONE }).toFormat("yyyy-MM-dd'T'HH:mm ZZZZ");

const goals = (sev: 1 | 2 | 3 | 4): SlaGoals => DEFAULT_SLA_POLICY[`${sev}`];
const open = (reportedAt: Date, extra: Partial<SlaFacts> = {}): SlaFacts => ({
  reportedAt,
  workStartAt: null,
  temporaryFixAt: null,
  finalFixAt: null,
  ...extra,
});
const dueIsos = (sla: Sla) => milestones.map((m) => sla[m].due_at?.toISOString() ?? null);
const states = (sla: Sla) => milestones.map((m) => sla[m].state);

const R = iso('2026-03-10T12:00:00.000Z');

describe('incident SLA rules (sla.ts)', () => {
  describe('default policy deadlines from a fixed reported_at', () => {
    it('severity 1: work start 1 h, temporary fix 4 h, final fix 7 h', () => {
      const sla = computeSla(goals(1), open(R), R);
      expect(dueIsos(sla)).to.deep.equal([
        '2026-03-10T13:00:00.000Z',
        '2026-03-10T16:00:00.000Z',
        '2026-03-10T19:00:00.000Z',
      ]);
      expect(milestones.map((m) => sla[m].goal_ms)).to.deep.equal([1 * HOUR, 4 * HOUR, 7 * HOUR]);
    });

    it('severity 2: work start 2 h, temporary fix 48 h, final fix 14 d', () => {
      expect(dueIsos(computeSla(goals(2), open(R), R))).to.deep.equal([
        '2026-03-10T14:00:00.000Z',
        '2026-03-12T12:00:00.000Z',
        '2026-03-24T12:00:00.000Z',
      ]);
    });

    it('severity 3: work start 72 h, temporary fix 7 d, final fix 30 d', () => {
      expect(dueIsos(computeSla(goals(3), open(R), R))).to.deep.equal([
        '2026-03-13T12:00:00.000Z',
        '2026-03-17T12:00:00.000Z',
        '2026-04-09T12:00:00.000Z',
      ]);
    });

    it('severity 4: no commitment — every timer is "none" with no due date, whatever happens', () => {
      for (const now of [R, plus(R, 365 * DAY)]) {
        const sla = computeSla(goals(4), open(R), now);
        expect(states(sla)).to.deep.equal(['none', 'none', 'none']);
        expect(dueIsos(sla)).to.deep.equal([null, null, null]);
        expect(milestones.map((m) => sla[m].goal_ms)).to.deep.equal([null, null, null]);
      }
      const reached = computeSla(goals(4), open(R, { workStartAt: plus(R, 5 * DAY), finalFixAt: plus(R, 90 * DAY) }), plus(R, 100 * DAY));
      expect(states(reached)).to.deep.equal(['none', 'none', 'none']);
      // The reached instant is still recorded even without a goal.
      expect(reached.work_start.met_at?.toISOString()).to.equal('2026-03-15T12:00:00.000Z');
      expect(reached.temporary_fix.met_at?.toISOString()).to.equal('2026-06-08T12:00:00.000Z');
    });

    it('impact follows severity', () => {
      expect([1, 2, 3, 4].map(impactOf)).to.deep.equal(['critical', 'major', 'minor', 'none']);
    });
  });

  describe('timer states', () => {
    const due = iso('2026-03-10T13:00:00.000Z'); // sev1 work start

    it('is pending before the deadline', () => {
      expect(computeSla(goals(1), open(R), plus(due, -1)).work_start.state).to.equal('pending');
      expect(computeSla(goals(1), open(R), R).work_start.state).to.equal('pending');
    });

    it('is still pending exactly at the deadline', () => {
      expect(computeSla(goals(1), open(R), due).work_start.state).to.equal('pending');
    });

    it('is breached 1 ms after the deadline when not reached', () => {
      const sla = computeSla(goals(1), open(R), plus(due, 1));
      expect(sla.work_start.state).to.equal('breached');
      expect(sla.work_start.met_at).to.equal(null);
      // The later goals are unaffected.
      expect(sla.temporary_fix.state).to.equal('pending');
      expect(sla.final_fix.state).to.equal('pending');
    });

    it('is met when reached before or exactly at the deadline, and stays met later', () => {
      const later = plus(R, 30 * DAY);
      for (const at of [plus(R, 1), plus(R, 59 * MIN), due]) {
        const t = computeSla(goals(1), open(R, { workStartAt: at }), later).work_start;
        expect(t.state, at.toISOString()).to.equal('met');
        expect(t.met_at?.toISOString()).to.equal(at.toISOString());
      }
    });

    it('is breached when reached 1 ms after the deadline, even if "now" is still before it', () => {
      const late = plus(due, 1);
      expect(computeSla(goals(1), open(R, { workStartAt: late }), plus(R, 30 * DAY)).work_start.state).to.equal('breached');
      // Reaching is what decides, not the clock (a back-dated "now" must not turn it pending).
      expect(computeSla(goals(1), open(R, { workStartAt: late }), R).work_start.state).to.equal('breached');
    });

    it('timerFor agrees at the boundary for any goal', () => {
      const goal = 48 * HOUR;
      const d = plus(R, goal);
      expect(timerFor(goal, R, null, d).state).to.equal('pending');
      expect(timerFor(goal, R, null, plus(d, 1)).state).to.equal('breached');
      expect(timerFor(goal, R, d, plus(d, DAY)).state).to.equal('met');
      expect(timerFor(goal, R, plus(d, 1), plus(d, DAY)).state).to.equal('breached');
      expect(timerFor(goal, R, null, R).due_at?.toISOString()).to.equal('2026-03-12T12:00:00.000Z');
      expect(timerFor(null, R, d, d)).to.deep.equal({ goal_ms: null, due_at: null, met_at: d, state: 'none' });
    });
  });

  describe('temporary fix falls back to the final fix', () => {
    it('a missing temporary fix counts as reached at the final fix (met when the final fix is in time)', () => {
      const ff = plus(R, 3 * HOUR);
      const sla = computeSla(goals(1), open(R, { workStartAt: plus(R, 10 * MIN), finalFixAt: ff }), plus(R, DAY));
      expect(sla.temporary_fix.met_at?.toISOString()).to.equal('2026-03-10T15:00:00.000Z');
      expect(states(sla)).to.deep.equal(['met', 'met', 'met']);
      expect(reachedAt(open(R, { finalFixAt: ff })).temporary_fix?.toISOString()).to.equal('2026-03-10T15:00:00.000Z');
    });

    it('a final fix after the temporary-fix deadline breaches the temporary fix but can meet the final fix', () => {
      const sla = computeSla(goals(1), open(R, { workStartAt: plus(R, 10 * MIN), finalFixAt: plus(R, 5 * HOUR) }), plus(R, DAY));
      expect(states(sla)).to.deep.equal(['met', 'breached', 'met']);
      expect(sla.temporary_fix.met_at?.toISOString()).to.equal('2026-03-10T17:00:00.000Z');
    });

    it('a recorded temporary fix takes precedence over the final fix', () => {
      const sla = computeSla(
        goals(1),
        open(R, { workStartAt: plus(R, 10 * MIN), temporaryFixAt: plus(R, 2 * HOUR), finalFixAt: plus(R, 5 * HOUR) }),
        plus(R, DAY),
      );
      expect(sla.temporary_fix.met_at?.toISOString()).to.equal('2026-03-10T14:00:00.000Z');
      expect(states(sla)).to.deep.equal(['met', 'met', 'met']);
    });

    it('without either fix the temporary fix is not reached', () => {
      expect(reachedAt(open(R, { workStartAt: plus(R, MIN) })).temporary_fix).to.equal(null);
      expect(computeSla(goals(1), open(R), plus(R, 4 * HOUR + 1)).temporary_fix.state).to.equal('breached');
    });
  });

  describe('calendar edge cases (elapsed time, 24×7)', () => {
    it('across a month end: sev3 reported 2026-01-31T20:00Z', () => {
      const r = iso('2026-01-31T20:00:00.000Z');
      expect(dueIsos(computeSla(goals(3), open(r), r))).to.deep.equal([
        '2026-02-03T20:00:00.000Z', // 72 h
        '2026-02-07T20:00:00.000Z', // 7 d
        '2026-03-02T20:00:00.000Z', // 30 d across a 28-day February
      ]);
    });

    it('across a leap day: sev3 reported 2028-02-28T20:00Z (vs. the same date in 2026)', () => {
      const leap = iso('2028-02-28T20:00:00.000Z');
      expect(dueIsos(computeSla(goals(3), open(leap), leap))).to.deep.equal([
        '2028-03-02T20:00:00.000Z',
        '2028-03-06T20:00:00.000Z',
        '2028-03-29T20:00:00.000Z',
      ]);
      const common = iso('2026-02-28T20:00:00.000Z');
      expect(dueIsos(computeSla(goals(3), open(common), common))).to.deep.equal([
        '2026-03-03T20:00:00.000Z',
        '2026-03-07T20:00:00.000Z',
        '2026-03-30T20:00:00.000Z',
      ]);
    });

    it('across a year end: sev2 final fix 14 d from 2026-12-25T10:00Z', () => {
      const r = iso('2026-12-25T10:00:00.000Z');
      expect(computeSla(goals(2), open(r), r).final_fix.due_at?.toISOString()).to.equal('2027-01-08T10:00:00.000Z');
    });

    it('across the spring DST change: 14 d = 336 real hours, so the New York wall clock moves 10:00 EST → 11:00 EDT', () => {
      const r = iso('2026-03-01T15:00:00.000Z');
      const due = computeSla(goals(2), open(r), r).final_fix.due_at!;
      expect(due.toISOString()).to.equal('2026-03-15T15:00:00.000Z');
      expect(due.getTime() - r.getTime()).to.equal(336 * HOUR);
      expect(nyWall(r)).to.equal('2026-03-01T10:00 EST');
      expect(nyWall(due)).to.equal('2026-03-15T11:00 EDT');
    });

    it('across the autumn DST change: the wall clock moves back an hour', () => {
      const r = iso('2026-10-25T14:00:00.000Z'); // 10:00 EDT
      const due = computeSla(goals(3), open(r), r).temporary_fix.due_at!;
      expect(due.toISOString()).to.equal('2026-11-01T14:00:00.000Z');
      expect(nyWall(r)).to.equal('2026-10-25T10:00 EDT');
      expect(nyWall(due)).to.equal('2026-11-01T09:00 EST');
    });

    it('a 1 h goal straddling the spring-forward gap is one real hour (01:30 EST → 03:30 EDT)', () => {
      const r = iso('2026-03-08T06:30:00.000Z');
      const due = computeSla(goals(1), open(r), r).work_start.due_at!;
      expect(due.toISOString()).to.equal('2026-03-08T07:30:00.000Z');
      expect(nyWall(r)).to.equal('2026-03-08T01:30 EST');
      expect(nyWall(due)).to.equal('2026-03-08T03:30 EDT');
    });

    it('a 1 h goal straddling the fall-back overlap is one real hour (01:30 EDT → 01:30 EST)', () => {
      const r = iso('2026-11-01T05:30:00.000Z');
      const due = computeSla(goals(1), open(r), r).work_start.due_at!;
      expect(due.toISOString()).to.equal('2026-11-01T06:30:00.000Z');
      expect(nyWall(r)).to.equal('2026-11-01T01:30 EDT');
      expect(nyWall(due)).to.equal('2026-11-01T01:30 EST');
    });
  });

  describe('warningInstants', () => {
    const flat = (ws: ReturnType<typeof warningInstants>) =>
      ws.map((w) => [w.goal, w.level, w.at.toISOString(), w.dueAt.toISOString()]);

    it('sev1 work start: 50 % at 30 min, 80 % at 48 min, breach at 60 min', () => {
      const ws = warningInstants(goals(1), open(R)).filter((w) => w.goal === 'work_start');
      expect(flat(ws)).to.deep.equal([
        ['work_start', '50', '2026-03-10T12:30:00.000Z', '2026-03-10T13:00:00.000Z'],
        ['work_start', '80', '2026-03-10T12:48:00.000Z', '2026-03-10T13:00:00.000Z'],
        ['work_start', 'breach', '2026-03-10T13:00:00.000Z', '2026-03-10T13:00:00.000Z'],
      ]);
    });

    it('all sev1 instants, sorted by time with goals interleaved', () => {
      expect(flat(warningInstants(goals(1), open(R)))).to.deep.equal([
        ['work_start', '50', '2026-03-10T12:30:00.000Z', '2026-03-10T13:00:00.000Z'],
        ['work_start', '80', '2026-03-10T12:48:00.000Z', '2026-03-10T13:00:00.000Z'],
        ['work_start', 'breach', '2026-03-10T13:00:00.000Z', '2026-03-10T13:00:00.000Z'],
        ['temporary_fix', '50', '2026-03-10T14:00:00.000Z', '2026-03-10T16:00:00.000Z'],
        ['temporary_fix', '80', '2026-03-10T15:12:00.000Z', '2026-03-10T16:00:00.000Z'],
        ['final_fix', '50', '2026-03-10T15:30:00.000Z', '2026-03-10T19:00:00.000Z'],
        ['temporary_fix', 'breach', '2026-03-10T16:00:00.000Z', '2026-03-10T16:00:00.000Z'],
        ['final_fix', '80', '2026-03-10T17:36:00.000Z', '2026-03-10T19:00:00.000Z'],
        ['final_fix', 'breach', '2026-03-10T19:00:00.000Z', '2026-03-10T19:00:00.000Z'],
      ]);
    });

    it('omits reached goals', () => {
      const ws = warningInstants(goals(1), open(R, { workStartAt: plus(R, 5 * MIN) }));
      expect(ws.map((w) => w.goal)).to.not.include('work_start');
      expect(ws).to.have.length(6);
      expect(ws[0]!.at.toISOString()).to.equal('2026-03-10T14:00:00.000Z');
    });

    it('a final fix reaches the temporary fix too, so nothing is left to warn about', () => {
      expect(warningInstants(goals(1), open(R, { workStartAt: plus(R, MIN), finalFixAt: plus(R, HOUR) }))).to.deep.equal([]);
      const onlyTemp = warningInstants(goals(1), open(R, { workStartAt: plus(R, MIN), temporaryFixAt: plus(R, HOUR) }));
      expect(onlyTemp.map((w) => `${w.goal}:${w.level}`)).to.deep.equal(['final_fix:50', 'final_fix:80', 'final_fix:breach']);
    });

    it('sev4 has no warnings', () => {
      expect(warningInstants(goals(4), open(R))).to.deep.equal([]);
    });

    it('returns instants in non-decreasing order for every severity', () => {
      for (const sev of [1, 2, 3] as const) {
        const ats = warningInstants(goals(sev), open(R)).map((w) => w.at.getTime());
        expect(ats, `sev${sev}`).to.have.length(9);
        expect(ats).to.deep.equal([...ats].sort((a, b) => a - b));
      }
    });
  });

  describe('nearestDeadline', () => {
    it('is the earliest pending due date', () => {
      expect(nearestDeadline(computeSla(goals(1), open(R), R))?.toISOString()).to.equal('2026-03-10T13:00:00.000Z');
    });

    it('skips reached goals', () => {
      const sla = computeSla(goals(1), open(R, { workStartAt: plus(R, 5 * MIN) }), R);
      expect(nearestDeadline(sla)?.toISOString()).to.equal('2026-03-10T16:00:00.000Z');
    });

    it('skips already-breached goals', () => {
      const sla = computeSla(goals(1), open(R), plus(R, HOUR + 1));
      expect(sla.work_start.state).to.equal('breached');
      expect(nearestDeadline(sla)?.toISOString()).to.equal('2026-03-10T16:00:00.000Z');
    });

    it('is null when nothing is pending or there are no goals', () => {
      expect(nearestDeadline(computeSla(goals(1), open(R), plus(R, 8 * HOUR)))).to.equal(null);
      expect(nearestDeadline(computeSla(goals(1), open(R, { workStartAt: R, finalFixAt: plus(R, HOUR) }), R))).to.equal(null);
      expect(nearestDeadline(computeSla(goals(4), open(R), R))).to.equal(null);
    });
  });

  describe('validatePolicy', () => {
    const withSev = (sev: '1' | '2' | '3' | '4', g: SlaGoals): SlaPolicy => ({ ...DEFAULT_SLA_POLICY, [sev]: g });

    it('accepts the default policy, equal goals and all-none', () => {
      expect(validatePolicy(DEFAULT_SLA_POLICY)).to.deep.equal([]);
      expect(validatePolicy(withSev('1', { work_start: HOUR, temporary_fix: HOUR, final_fix: HOUR }))).to.deep.equal([]);
      expect(validatePolicy(withSev('2', { work_start: null, temporary_fix: null, final_fix: null }))).to.deep.equal([]);
    });

    it('flags goals that decrease from work start to final fix', () => {
      const errors = validatePolicy(withSev('2', { work_start: 2 * HOUR, temporary_fix: HOUR, final_fix: DAY }));
      expect(errors).to.have.length(1);
      expect(errors[0]).to.include('severity 2');
    });

    it('compares across a "none" goal in between', () => {
      const errors = validatePolicy(withSev('3', { work_start: 5 * HOUR, temporary_fix: null, final_fix: 4 * HOUR }));
      expect(errors).to.have.length(1);
      expect(errors[0]).to.include('severity 3');
    });

    it('flags a final fix shorter than the temporary fix', () => {
      const errors = validatePolicy(withSev('1', { work_start: HOUR, temporary_fix: 7 * HOUR, final_fix: 4 * HOUR }));
      expect(errors).to.have.length(1);
      expect(errors[0]).to.include('severity 1');
    });
  });
});

import { expect } from 'chai';
import { DEFAULT_SLA_POLICY, type SlaGoals } from '../../../server/domain/incidents/sla.js';
import {
  slaReport,
  slaReportCsv,
  type ReportIncident,
  type SeverityRow,
} from '../../../server/domain/incidents/slaReport.js';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY_MS = 24 * HOUR;
const R = new Date('2026-03-10T12:00:00.000Z');
const at = (ms: number) => new Date(R.getTime() + ms);

function incident(severity: 1 | 2 | 3 | 4, f: { ws?: number; tf?: number; ff?: number; goals?: SlaGoals } = {}): ReportIncident {
  return {
    severity,
    reportedAt: R,
    workStartAt: f.ws === undefined ? null : at(f.ws),
    temporaryFixAt: f.tf === undefined ? null : at(f.tf),
    finalFixAt: f.ff === undefined ? null : at(f.ff),
    goals: f.goals ?? DEFAULT_SLA_POLICY[`${severity}`],
  };
}
const row = (rows: SeverityRow[], sev: number) => rows.find((r) => r.severity === sev)!;

describe('SLA report (slaReport.ts)', () => {
  it('always returns four rows, severities 1..4 in order, even for no incidents', () => {
    const rows = slaReport([], R);
    expect(rows.map((r) => r.severity)).to.deep.equal([1, 2, 3, 4]);
    for (const r of rows) {
      expect(r.count).to.equal(0);
      for (const m of ['work_start', 'temporary_fix', 'final_fix'] as const) {
        expect(r.goals[m]).to.deep.equal({ met: 0, breached: 0, pending: 0, attainment_pct: null });
        expect(r.time_to[m]).to.deep.equal({ median_ms: null, p90_ms: null, samples: 0 });
      }
    }
  });

  it('counts incidents per severity', () => {
    const rows = slaReport([incident(3), incident(1), incident(3), incident(4), incident(3)], R);
    expect(rows.map((r) => [r.severity, r.count])).to.deep.equal([[1, 1], [2, 0], [3, 3], [4, 1]]);
  });

  describe('10 sev1 incidents with work start at 10, 20, …, 100 min', () => {
    const set = Array.from({ length: 10 }, (_, i) => incident(1, { ws: (i + 1) * 10 * MIN }));
    // Shuffle so the implementation has to sort.
    const shuffled = [set[6]!, set[2]!, set[9]!, set[0]!, set[4]!, set[8]!, set[1]!, set[7]!, set[3]!, set[5]!];
    const rows = slaReport(shuffled, at(2 * HOUR));
    const sev1 = row(rows, 1);

    it('median is 50 min and p90 is 90 min (nearest rank)', () => {
      expect(sev1.time_to.work_start).to.deep.equal({ median_ms: 50 * MIN, p90_ms: 90 * MIN, samples: 10 });
    });

    it('work start: ≤ 60 min met (60 exactly at due), 70..100 breached → 60 %', () => {
      expect(sev1.count).to.equal(10);
      expect(sev1.goals.work_start).to.deep.equal({ met: 6, breached: 4, pending: 0, attainment_pct: 60 });
    });

    it('unreached later goals are pending, excluded from attainment, with no time-to samples', () => {
      expect(sev1.goals.temporary_fix).to.deep.equal({ met: 0, breached: 0, pending: 10, attainment_pct: null });
      expect(sev1.goals.final_fix).to.deep.equal({ met: 0, breached: 0, pending: 10, attainment_pct: null });
      expect(sev1.time_to.temporary_fix).to.deep.equal({ median_ms: null, p90_ms: null, samples: 0 });
    });

    it('the other severities are empty', () => {
      expect(rows.filter((r) => r.severity !== 1).map((r) => r.count)).to.deep.equal([0, 0, 0]);
    });

    it('does not reorder the caller’s array', () => {
      expect(shuffled[0]!.workStartAt!.getTime() - R.getTime()).to.equal(70 * MIN);
    });
  });

  describe('attainment', () => {
    it('excludes pending goals: 1 met, 1 breached, 1 pending → 50 %', () => {
      const rows = slaReport(
        [
          incident(2, { ws: 30 * MIN }), // met
          incident(2, { ws: 3 * HOUR }), // breached (reached after 2 h)
          { ...incident(2), reportedAt: at(HOUR) }, // reported 1 h later: still pending at now
        ],
        at(2 * HOUR + 30 * MIN),
      );
      expect(row(rows, 2).goals.work_start).to.deep.equal({ met: 1, breached: 1, pending: 1, attainment_pct: 50 });
    });

    it('counts an unreached goal past its deadline as breached', () => {
      const rows = slaReport([incident(1, { ws: 10 * MIN }), incident(1)], at(HOUR + 1));
      expect(row(rows, 1).goals.work_start).to.deep.equal({ met: 1, breached: 1, pending: 0, attainment_pct: 50 });
    });

    it('rounds to 1 decimal: 2 of 3 → 66.7, 1 of 3 → 33.3, 1 of 8 → 12.5', () => {
      const now = at(10 * HOUR);
      const two = slaReport([incident(1, { ws: MIN }), incident(1, { ws: 2 * MIN }), incident(1)], now);
      expect(row(two, 1).goals.work_start.attainment_pct).to.equal(66.7);
      const one = slaReport([incident(1, { ws: MIN }), incident(1), incident(1)], now);
      expect(row(one, 1).goals.work_start.attainment_pct).to.equal(33.3);
      const eighth = slaReport([incident(1, { ws: MIN }), ...Array.from({ length: 7 }, () => incident(1))], now);
      expect(row(eighth, 1).goals.work_start.attainment_pct).to.equal(12.5);
    });

    it('depends on "now" only for unreached goals', () => {
      const set = [incident(1, { ws: 10 * MIN }), incident(1)];
      expect(row(slaReport(set, at(HOUR)), 1).goals.work_start).to.deep.equal({ met: 1, breached: 0, pending: 1, attainment_pct: 100 });
      expect(row(slaReport(set, at(HOUR + 1)), 1).goals.work_start).to.deep.equal({ met: 1, breached: 1, pending: 0, attainment_pct: 50 });
    });

    it('uses each incident’s own goals', () => {
      const strict: SlaGoals = { work_start: 5 * MIN, temporary_fix: HOUR, final_fix: 2 * HOUR };
      const rows = slaReport([incident(1, { ws: 10 * MIN, goals: strict }), incident(1, { ws: 10 * MIN })], at(10 * MIN));
      expect(row(rows, 1).goals.work_start).to.deep.equal({ met: 1, breached: 1, pending: 0, attainment_pct: 50 });
    });

    it('a missing temporary fix is judged at the final fix', () => {
      const rows = slaReport(
        [incident(1, { ws: MIN, ff: 3 * HOUR }), incident(1, { ws: MIN, ff: 5 * HOUR }), incident(1, { ws: MIN, tf: HOUR, ff: 6 * HOUR })],
        at(DAY_MS),
      );
      expect(row(rows, 1).goals.temporary_fix).to.deep.equal({ met: 2, breached: 1, pending: 0, attainment_pct: 66.7 });
      expect(row(rows, 1).goals.final_fix).to.deep.equal({ met: 3, breached: 0, pending: 0, attainment_pct: 100 });
    });

    it('sev4 has no goals: nothing counted, attainment null, but time-to is still measured', () => {
      const rows = slaReport([incident(4, { ws: 10 * MIN, ff: 20 * MIN }), incident(4)], at(400 * DAY_MS));
      const sev4 = row(rows, 4);
      expect(sev4.count).to.equal(2);
      for (const m of ['work_start', 'temporary_fix', 'final_fix'] as const) {
        expect(sev4.goals[m], m).to.deep.equal({ met: 0, breached: 0, pending: 0, attainment_pct: null });
      }
      expect(sev4.time_to.work_start).to.deep.equal({ median_ms: 10 * MIN, p90_ms: 10 * MIN, samples: 1 });
      expect(sev4.time_to.temporary_fix).to.deep.equal({ median_ms: 20 * MIN, p90_ms: 20 * MIN, samples: 1 });
    });
  });

  describe('time to milestone (nearest-rank percentiles)', () => {
    it('4 samples 10/20/30/40 min: median is the 2nd (20, not 25), p90 the 4th (40, not 37)', () => {
      const rows = slaReport([40, 10, 30, 20].map((m) => incident(3, { ws: m * MIN })), at(DAY_MS));
      expect(row(rows, 3).time_to.work_start).to.deep.equal({ median_ms: 20 * MIN, p90_ms: 40 * MIN, samples: 4 });
    });

    it('3 samples 5/1/3 min: median 3, p90 5; 1 sample: both equal it', () => {
      const three = slaReport([5, 1, 3].map((m) => incident(2, { ws: m * MIN })), at(DAY_MS));
      expect(row(three, 2).time_to.work_start).to.deep.equal({ median_ms: 3 * MIN, p90_ms: 5 * MIN, samples: 3 });
      const one = slaReport([incident(2, { ws: 7 * MIN })], at(DAY_MS));
      expect(row(one, 2).time_to.work_start).to.deep.equal({ median_ms: 7 * MIN, p90_ms: 7 * MIN, samples: 1 });
    });

    it('70 samples 1..70 min: p90 is exactly the 63rd (no floating-point rank drift)', () => {
      const rows = slaReport(Array.from({ length: 70 }, (_, i) => incident(3, { ws: (i + 1) * MIN })), at(DAY_MS));
      expect(row(rows, 3).time_to.work_start).to.deep.equal({ median_ms: 35 * MIN, p90_ms: 63 * MIN, samples: 70 });
    });

    it('is measured from each incident’s own reported_at and only over incidents that reached it', () => {
      const a = incident(2, { ws: 30 * MIN });
      const b = { ...incident(2), reportedAt: at(HOUR), workStartAt: at(HOUR + 10 * MIN) };
      const rows = slaReport([a, b, incident(2)], at(DAY_MS));
      expect(row(rows, 2).time_to.work_start).to.deep.equal({ median_ms: 10 * MIN, p90_ms: 30 * MIN, samples: 2 });
    });

    it('temporary fix time falls back to the final fix', () => {
      const rows = slaReport([incident(2, { ws: MIN, ff: 10 * HOUR }), incident(2, { ws: MIN, tf: 2 * HOUR, ff: 30 * HOUR })], at(DAY_MS));
      const t = row(rows, 2).time_to;
      expect(t.temporary_fix).to.deep.equal({ median_ms: 2 * HOUR, p90_ms: 10 * HOUR, samples: 2 });
      expect(t.final_fix).to.deep.equal({ median_ms: 10 * HOUR, p90_ms: 30 * HOUR, samples: 2 });
    });
  });

  describe('next update on time', () => {
    it('counts each decided promise per severity: kept if the next update came by then, missed if later or overdue; running ones not at all', () => {
      const u = (min: number, next: number | null) => ({ createdAt: at(min * MIN), nextUpdateAt: next === null ? null : at(next * MIN) });
      const rows = slaReport(
        [
          { ...incident(1, {}), updates: [u(0, 30), u(25, 55), u(70, 100), u(90, null)] }, // kept, missed, kept
          { ...incident(1, {}), updates: [u(0, 30)] }, // overdue at 60 min: missed
          { ...incident(2, {}), updates: [u(0, 120)] }, // still running at 60 min: not counted
          incident(3, {}), // no updates known: nothing
        ],
        at(60 * MIN),
      );
      expect(row(rows, 1).next_update).to.deep.equal({ kept: 2, missed: 2, on_time_pct: 50 });
      expect(row(rows, 2).next_update).to.deep.equal({ kept: 0, missed: 0, on_time_pct: null });
      expect(row(rows, 3).next_update).to.deep.equal({ kept: 0, missed: 0, on_time_pct: null });
    });
  });

  describe('CSV', () => {
    const HEADER =
      'severity,count,' +
      'work_start_met,work_start_breached,work_start_pending,work_start_attainment_pct,work_start_median_minutes,work_start_p90_minutes,' +
      'temporary_fix_met,temporary_fix_breached,temporary_fix_pending,temporary_fix_attainment_pct,temporary_fix_median_minutes,temporary_fix_p90_minutes,' +
      'final_fix_met,final_fix_breached,final_fix_pending,final_fix_attainment_pct,final_fix_median_minutes,final_fix_p90_minutes,' +
      'work_start_backdated,temporary_fix_backdated,final_fix_backdated,' +
      'next_update_kept,next_update_missed,next_update_on_time_pct';

    it('exact output for a small case', () => {
      const rows = slaReport(
        [
          { ...incident(1, { ws: 100_000, ff: 5 * HOUR }), backdated: ['final_fix'] }, // ws 1.666… min (met), tf via ff 300 min (breached), ff met (backdated)
          incident(2, { ws: 150 * MIN }), // ws breached; tf, ff pending
          incident(4, { ws: 10 * MIN, ff: 20 * MIN }), // no goals
        ],
        at(6 * HOUR),
      );
      const csv = slaReportCsv(rows);
      expect(csv).to.equal(
        HEADER + '\r\n' +
          '1,1,1,0,0,100.0,1.7,1.7,0,1,0,0.0,300.0,300.0,1,0,0,100.0,300.0,300.0,0,0,1,0,0,\r\n' +
          '2,1,0,1,0,0.0,150.0,150.0,0,0,1,,,,0,0,1,,,,0,0,0,0,0,\r\n' +
          '3,0,0,0,0,,,,0,0,0,,,,0,0,0,,,,0,0,0,0,0,\r\n' +
          '4,1,0,0,0,,10.0,10.0,0,0,0,,20.0,20.0,0,0,0,,20.0,20.0,0,0,0,0,0,\r\n',
      );
    });

    it('has 26 columns on every line and uses CRLF only', () => {
      const csv = slaReportCsv(slaReport([], R));
      expect(csv.replace(/\r\n/g, '')).to.not.match(/[\r\n]/);
      const lines = csv.split('\r\n');
      expect(lines).to.have.length(6); // header + 4 rows + empty after the final CRLF
      expect(lines[5]).to.equal('');
      for (const l of lines.slice(0, 5)) expect(l.split(',')).to.have.length(26);
    });

    it('prints attainment and minutes with one decimal from hand-built rows', () => {
      const empty = { met: 0, breached: 0, pending: 0, attainment_pct: null };
      const none = { median_ms: null, p90_ms: null, samples: 0 };
      const r: SeverityRow = {
        severity: 3,
        count: 3,
        goals: { work_start: { met: 2, breached: 1, pending: 0, attainment_pct: 66.7 }, temporary_fix: empty, final_fix: empty },
        time_to: { work_start: { median_ms: 90_000, p90_ms: 4_320 * MIN, samples: 3 }, temporary_fix: none, final_fix: none },
        backdated: { work_start: 1, temporary_fix: 0, final_fix: 0 },
        next_update: { kept: 2, missed: 1, on_time_pct: 66.7 },
      };
      expect(slaReportCsv([r]).split('\r\n')[1]).to.equal('3,3,2,1,0,66.7,1.5,4320.0,0,0,0,,,,0,0,0,,,,1,0,0,2,1,66.7');
    });
  });
});

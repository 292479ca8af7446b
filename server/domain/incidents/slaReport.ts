// Pure SLA attainment report: per-severity counts of met / breached / pending goals and the
// distribution of "time to" each milestone. No I/O here; `now` is passed in.

import { cadenceOutcomes } from './cadence.js';
import { computeSla, milestones, reachedAt, type Milestone, type SlaGoals } from './sla.js';

export type ReportSeverity = 1 | 2 | 3 | 4;

export interface ReportIncident {
  severity: ReportSeverity;
  reportedAt: Date;
  workStartAt: Date | null;
  temporaryFixAt: Date | null;
  finalFixAt: Date | null;
  /** The goals that applied to this incident (policies may change over time, so per incident). */
  goals: SlaGoals;
  /** Milestones entered with an earlier time than when they were recorded. */
  backdated?: readonly Milestone[];
  /** Public updates, oldest first, with the "next update by" each promised (for the cadence figures). */
  updates?: readonly { createdAt: Date; nextUpdateAt: Date | null }[];
}

/** "Next update by" promises decided in the period: kept when the next update came by the promised time. */
export interface CadenceStats {
  kept: number;
  missed: number;
  /** kept / (kept + missed) × 100, 1 decimal; null when no promise was decided. */
  on_time_pct: number | null;
}

export interface GoalStats {
  met: number;
  breached: number;
  pending: number;
  /** met / (met + breached) × 100, rounded to 1 decimal; null when met + breached = 0 (incl. goal "none"). */
  attainment_pct: number | null;
}

export interface TimeToStats {
  median_ms: number | null;
  p90_ms: number | null;
  /** Number of incidents that reached the milestone. */
  samples: number;
}

export interface SeverityRow {
  severity: ReportSeverity;
  count: number;
  goals: Record<Milestone, GoalStats>;
  time_to: Record<Milestone, TimeToStats>;
  /** How many of these incidents had the milestone backdated (their met/breached rests on a typed-in time). */
  backdated: Record<Milestone, number>;
  next_update: CadenceStats;
}

const SEVERITIES: readonly ReportSeverity[] = [1, 2, 3, 4];

/**
 * Nearest-rank percentile of an ascending-sorted list: the p-th smallest value where
 * p = ceil(pct/100 × n) (1-based), so the result is always an observed value — no interpolation.
 * The median is the 50th nearest-rank percentile (for even n that is the lower middle value).
 * Computed as ceil(pct × n / 100) with integer pct so no floating-point error can bump the rank
 * (e.g. 0.9 × 70 is not exactly 63 in binary floating point).
 */
function nearestRank(sortedAsc: readonly number[], pct: number): number | null {
  const n = sortedAsc.length;
  if (n === 0) return null;
  const rank = Math.min(n, Math.max(1, Math.ceil((pct * n) / 100)));
  return sortedAsc[rank - 1]!;
}

const round1 = (x: number): number => Math.round(x * 10) / 10;

/**
 * One row per severity 1..4 (always four rows, empty severities included).
 *
 * - Goal states come from `computeSla(incident.goals, facts, now)`: 'met' / 'breached' / 'pending'
 *   are counted, 'none' (no commitment) is counted nowhere. Pending goals are excluded from attainment.
 * - "Time to" a milestone = `reachedAt(facts)[m] − reportedAt`, over the incidents that reached it
 *   (regardless of whether a goal applies). Via `reachedAt`, a missing temporary fix counts as reached
 *   at the final fix.
 */
export function slaReport(incidents: readonly ReportIncident[], now: Date): SeverityRow[] {
  return SEVERITIES.map((severity) => {
    const group = incidents.filter((i) => i.severity === severity);
    const goals = {} as Record<Milestone, GoalStats>;
    const time_to = {} as Record<Milestone, TimeToStats>;
    const backdated = {} as Record<Milestone, number>;
    const sla = group.map((i) => computeSla(i.goals, i, now));
    const reached = group.map((i) => reachedAt(i));

    for (const m of milestones) {
      let met = 0;
      let breached = 0;
      let pending = 0;
      for (const s of sla) {
        const state = s[m].state;
        if (state === 'met') met++;
        else if (state === 'breached') breached++;
        else if (state === 'pending') pending++;
      }
      const decided = met + breached;
      goals[m] = { met, breached, pending, attainment_pct: decided === 0 ? null : round1((met / decided) * 100) };

      const durations: number[] = [];
      group.forEach((incident, idx) => {
        const at = reached[idx]![m];
        if (at) durations.push(at.getTime() - incident.reportedAt.getTime());
      });
      durations.sort((a, b) => a - b);
      time_to[m] = { median_ms: nearestRank(durations, 50), p90_ms: nearestRank(durations, 90), samples: durations.length };
      backdated[m] = group.filter((i) => i.backdated?.includes(m)).length;
    }
    let kept = 0;
    let missed = 0;
    for (const i of group) {
      const o = cadenceOutcomes({ severity, updates: [...(i.updates ?? [])] }, now);
      kept += o.kept;
      missed += o.missed;
    }
    const next_update = { kept, missed, on_time_pct: kept + missed === 0 ? null : round1((kept / (kept + missed)) * 100) };
    return { severity, count: group.length, goals, time_to, backdated, next_update };
  });
}

/** RFC 4180 field: quoted (with doubled quotes) only when it contains a comma, quote, CR or LF. */
function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

const pctCell = (v: number | null): string => (v === null ? '' : v.toFixed(1));
const minutesCell = (ms: number | null): string => (ms === null ? '' : (ms / 60_000).toFixed(1));

/**
 * CSV (RFC 4180): a header record, then one record per row. Every record, the last included, ends
 * with CRLF. Null values are empty cells; attainment and minutes are printed with exactly 1 decimal.
 * Columns: severity,count, then per milestone (work_start, temporary_fix, final_fix):
 * <m>_met,<m>_breached,<m>_pending,<m>_attainment_pct,<m>_median_minutes,<m>_p90_minutes,
 * then <m>_backdated per milestone, then next_update_kept,next_update_missed,next_update_on_time_pct
 * (later additions go last, so readers of the earlier columns are unaffected).
 */
export function slaReportCsv(rows: readonly SeverityRow[]): string {
  const header = ['severity', 'count'];
  for (const m of milestones) {
    header.push(`${m}_met`, `${m}_breached`, `${m}_pending`, `${m}_attainment_pct`, `${m}_median_minutes`, `${m}_p90_minutes`);
  }
  for (const m of milestones) header.push(`${m}_backdated`);
  header.push('next_update_kept', 'next_update_missed', 'next_update_on_time_pct');
  const records: string[][] = [header];
  for (const row of rows) {
    const cells = [String(row.severity), String(row.count)];
    for (const m of milestones) {
      const g = row.goals[m];
      const t = row.time_to[m];
      cells.push(String(g.met), String(g.breached), String(g.pending), pctCell(g.attainment_pct), minutesCell(t.median_ms), minutesCell(t.p90_ms));
    }
    for (const m of milestones) cells.push(String(row.backdated[m]));
    cells.push(String(row.next_update.kept), String(row.next_update.missed), pctCell(row.next_update.on_time_pct));
    records.push(cells);
  }
  return records.map((r) => r.map(csvField).join(',') + '\r\n').join('');
}

// Pure SLA rules: deadlines and states are functions of (goals, incident, now). No I/O here.

export const milestones = ['work_start', 'temporary_fix', 'final_fix'] as const;
export type Milestone = (typeof milestones)[number];
export type Severity = 1 | 2 | 3 | 4;
export type SlaState = 'pending' | 'met' | 'breached' | 'none';

/** Goal per milestone in milliseconds from `reported_at`; null = no commitment. */
export type SlaGoals = Record<Milestone, number | null>;
export type SlaPolicy = Record<`${Severity}`, SlaGoals>;

const H = 3600_000;
const D = 24 * H;

/** The seed's "incidents and response" table. Clocks run 24×7 (elapsed time, not business hours). */
export const DEFAULT_SLA_POLICY: SlaPolicy = {
  '1': { work_start: 1 * H, temporary_fix: 4 * H, final_fix: 7 * H },
  '2': { work_start: 2 * H, temporary_fix: 48 * H, final_fix: 14 * D },
  '3': { work_start: 72 * H, temporary_fix: 7 * D, final_fix: 30 * D },
  '4': { work_start: null, temporary_fix: null, final_fix: null },
};

export const IMPACT_BY_SEVERITY = { 1: 'critical', 2: 'major', 3: 'minor', 4: 'none' } as const;
export type Impact = (typeof IMPACT_BY_SEVERITY)[Severity];
export const impactOf = (severity: number): Impact => IMPACT_BY_SEVERITY[severity as Severity];

export interface SlaFacts {
  reportedAt: Date;
  workStartAt: Date | null;
  temporaryFixAt: Date | null;
  finalFixAt: Date | null;
}

export interface SlaTimer {
  goal_ms: number | null;
  due_at: Date | null;
  met_at: Date | null;
  state: SlaState;
}
export type Sla = Record<Milestone, SlaTimer>;

/**
 * When each milestone was reached. A final fix also ends the need for a temporary one, so a
 * missing temporary fix counts as reached at the final fix.
 */
export function reachedAt(f: SlaFacts): Record<Milestone, Date | null> {
  return {
    work_start: f.workStartAt,
    temporary_fix: f.temporaryFixAt ?? f.finalFixAt,
    final_fix: f.finalFixAt,
  };
}

export function timerFor(goalMs: number | null, reportedAt: Date, metAt: Date | null, now: Date): SlaTimer {
  if (goalMs === null) return { goal_ms: null, due_at: null, met_at: metAt, state: 'none' };
  const due = new Date(reportedAt.getTime() + goalMs);
  // Reaching a milestone exactly at the deadline meets it; only strictly later breaches.
  const state: SlaState = metAt ? (metAt <= due ? 'met' : 'breached') : now > due ? 'breached' : 'pending';
  return { goal_ms: goalMs, due_at: due, met_at: metAt, state };
}

export function computeSla(goals: SlaGoals, facts: SlaFacts, now: Date): Sla {
  const reached = reachedAt(facts);
  return {
    work_start: timerFor(goals.work_start, facts.reportedAt, reached.work_start, now),
    temporary_fix: timerFor(goals.temporary_fix, facts.reportedAt, reached.temporary_fix, now),
    final_fix: timerFor(goals.final_fix, facts.reportedAt, reached.final_fix, now),
  };
}

export const WARNING_LEVELS = ['50', '80', 'breach'] as const;
export type WarningLevel = (typeof WARNING_LEVELS)[number];
const FRACTION: Record<WarningLevel, number> = { '50': 0.5, '80': 0.8, breach: 1 };

export interface WarningInstant {
  goal: Milestone;
  level: WarningLevel;
  at: Date;
  dueAt: Date;
}

/** The instants at which staff are warned for one incident: 50 %, 80 % and 100 % of each pending goal. */
export function warningInstants(goals: SlaGoals, facts: SlaFacts): WarningInstant[] {
  const reached = reachedAt(facts);
  const out: WarningInstant[] = [];
  for (const goal of milestones) {
    const ms = goals[goal];
    if (ms === null || reached[goal]) continue;
    const dueAt = new Date(facts.reportedAt.getTime() + ms);
    for (const level of WARNING_LEVELS) {
      out.push({ goal, level, at: new Date(facts.reportedAt.getTime() + Math.round(ms * FRACTION[level])), dueAt });
    }
  }
  return out.sort((a, b) => a.at.getTime() - b.at.getTime());
}

/** The nearest pending deadline (for sorting open incidents), or null. */
export function nearestDeadline(sla: Sla): Date | null {
  const pending = milestones.map((m) => sla[m]).filter((t) => t.state === 'pending' && t.due_at);
  return pending.length ? new Date(Math.min(...pending.map((t) => t.due_at!.getTime()))) : null;
}

export function validatePolicy(p: SlaPolicy): string[] {
  const errors: string[] = [];
  for (const sev of ['1', '2', '3', '4'] as const) {
    const g = p[sev];
    const set = milestones.filter((m) => g[m] !== null).map((m) => g[m]!);
    for (let i = 1; i < set.length; i++) {
      if (set[i]! < set[i - 1]!) errors.push(`severity ${sev}: goals must not decrease from work start to final fix`);
    }
  }
  return errors;
}

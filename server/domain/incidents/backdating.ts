// Pure rule: when recording a milestone needs a reason. No I/O here.

import { reachedAt, timerFor, type Milestone, type SlaFacts, type SlaGoals } from './sla.js';

/** Entering a milestone a little after the fact (filling in the form) is not backdating. */
export const BACKDATE_TOLERANCE_MS = 2 * 60_000;

export interface BackdatingCheck {
  milestone: Milestone;
  at: Date;
  now: Date;
  goals: SlaGoals;
  facts: SlaFacts;
}

/**
 * A milestone is backdated when its time is more than BACKDATE_TOLERANCE_MS before now, or when it
 * would decide a goal whose deadline has already passed as met (a breach turned into a success by
 * the time typed in, however close to now). A final fix also decides the work-start and
 * temporary-fix goals it implies, so those deadlines count too.
 */
export function isBackdated({ milestone, at, now, goals, facts }: BackdatingCheck): boolean {
  if (now.getTime() - at.getTime() > BACKDATE_TOLERANCE_MS) return true;
  const reached = reachedAt(facts);
  const decided: Milestone[] = milestone === 'final_fix' ? ['final_fix', 'temporary_fix', 'work_start'] : [milestone];
  return decided.some((m) => {
    if (m !== milestone && reached[m]) return false; // already decided by its own record
    const timer = timerFor(goals[m], facts.reportedAt, null, now);
    return timer.state === 'breached' && timerFor(goals[m], facts.reportedAt, at, now).state === 'met';
  });
}

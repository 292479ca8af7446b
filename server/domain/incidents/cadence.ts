import type { IncidentStatus } from '../../db/schema.js';
import { invalid } from '../errors.js';
import type { Severity } from './sla.js';

/** Default "next update by" interval per severity, in minutes (null = no default commitment). */
export type CadencePolicy = Record<`${Severity}`, number | null>;
export const DEFAULT_CADENCE_POLICY: CadencePolicy = { '1': 30, '2': 60, '3': 240, '4': null };
/** A promise further out than a week is not a cadence; refuse it rather than warn a week later. */
export const MAX_CADENCE_MINUTES = 7 * 24 * 60;

export interface CommitmentInput {
  /** An explicit instant; null = explicitly no commitment. */
  next_update_at?: Date | null;
  /** Minutes from now instead of an instant. */
  next_update_in?: number;
}

/**
 * When an update promises the next one: an explicit instant or interval wins, otherwise the
 * severity's default. A resolving update promises nothing (the incident is over).
 */
export function commitmentFor(input: CommitmentInput, status: IncidentStatus, severity: number, policy: CadencePolicy, now: Date): Date | null {
  const explicit = input.next_update_at !== undefined || input.next_update_in !== undefined;
  if (status === 'resolved') {
    if (explicit && input.next_update_at !== null) throw invalid('no_next_update_when_resolved', 'A resolving update cannot promise a next update', { field: input.next_update_at ? 'next_update_at' : 'next_update_in' });
    return null;
  }
  if (input.next_update_at === null) return null;
  if (input.next_update_at) {
    const ahead = input.next_update_at.getTime() - now.getTime();
    if (ahead <= 0) throw invalid('next_update_in_past', 'next_update_at must be in the future', { field: 'next_update_at' });
    if (ahead > MAX_CADENCE_MINUTES * 60_000) throw invalid('next_update_too_far', 'next_update_at must be within 7 days', { field: 'next_update_at' });
    return input.next_update_at;
  }
  const minutes = input.next_update_in ?? policy[String(severity) as '1'] ?? null;
  return minutes === null ? null : new Date(now.getTime() + minutes * 60_000);
}

export const CADENCE_LEVELS = ['80', 'lapsed'] as const;
export type CadenceLevel = (typeof CADENCE_LEVELS)[number];

/** Staff are warned at 80 % of the promised interval and when it lapses. */
export function cadenceInstants(from: Date, dueAt: Date): { level: CadenceLevel; at: Date }[] {
  const span = dueAt.getTime() - from.getTime();
  return [
    { level: '80', at: new Date(from.getTime() + Math.round(span * 0.8)) },
    { level: 'lapsed', at: dueAt },
  ];
}

export interface CadenceFacts {
  severity: number;
  /** Public updates of one incident, oldest first. */
  updates: { createdAt: Date; nextUpdateAt: Date | null }[];
}

/**
 * Kept promises: each commitment counts once it is decided — kept when the next public update
 * came by the promised instant, missed when it came later or has not come and the instant passed.
 * A commitment still running is not counted.
 */
export function cadenceOutcomes(f: CadenceFacts, now: Date): { kept: number; missed: number } {
  let kept = 0;
  let missed = 0;
  f.updates.forEach((u, i) => {
    if (!u.nextUpdateAt) return;
    const next = f.updates[i + 1];
    if (next) next.createdAt <= u.nextUpdateAt ? kept++ : missed++;
    else if (now > u.nextUpdateAt) missed++;
  });
  return { kept, missed };
}

export function validateCadencePolicy(p: CadencePolicy): string[] {
  const errors: string[] = [];
  for (const sev of ['1', '2', '3', '4'] as const) {
    const m = p[sev];
    if (m !== null && (!Number.isInteger(m) || m < 1 || m > MAX_CADENCE_MINUTES)) errors.push(`severity ${sev}: the interval must be 1 to ${MAX_CADENCE_MINUTES} minutes, or none`);
  }
  return errors;
}

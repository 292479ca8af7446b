import { eq } from 'drizzle-orm';
import { settings } from '../../db/schema.js';
import type { Executor } from '../../db/client.js';
import { DEFAULT_WINDOW_RULES, nextOccurrences, validateRules, type WindowOccurrence, type WindowRule } from '../maintenance/windows.js';

export const WINDOWS_KEY = 'maintenance_windows';

/**
 * The window schedule: the rules in force, and optionally a change announced ahead that takes
 * effect at `effective_at` (the seed: a new schedule is announced with notice before it applies).
 */
export interface WindowSchedule {
  current: WindowRule[];
  next: { rules: WindowRule[]; effective_at: string } | null;
}

const valid = (v: unknown): v is WindowRule[] => Array.isArray(v) && v.length > 0 && validateRules(v).length === 0;

export async function getWindowSchedule(db: Executor): Promise<WindowSchedule> {
  const [row] = await db.select().from(settings).where(eq(settings.key, WINDOWS_KEY));
  const value = row?.value as Partial<WindowSchedule> | undefined;
  const current = valid(value?.current) ? value.current : DEFAULT_WINDOW_RULES;
  const next = value?.next && valid(value.next.rules) ? value.next : null;
  return { current, next };
}

/** Pure: the rules in force at an instant. */
export function rulesAt(schedule: WindowSchedule, at: Date): WindowRule[] {
  return schedule.next && at.getTime() >= Date.parse(schedule.next.effective_at) ? schedule.next.rules : schedule.current;
}

/** The rules in force at `at` (default: the rules in force now is the caller's `at`). */
export async function getMaintenanceWindowRules(db: Executor, at: Date): Promise<WindowRule[]> {
  return rulesAt(await getWindowSchedule(db), at);
}

/** Pure: occurrences across a pending change — old rules before it takes effect, new ones after. */
export function scheduleOccurrences(schedule: WindowSchedule, from: Date, count: number): WindowOccurrence[] {
  if (!schedule.next) return nextOccurrences(schedule.current, from, count);
  const switchAt = Date.parse(schedule.next.effective_at);
  const before = nextOccurrences(schedule.current, from, count).filter((o) => o.startsAt.getTime() < switchAt);
  const after = nextOccurrences(schedule.next.rules, new Date(Math.max(from.getTime(), switchAt)), count).filter((o) => o.startsAt.getTime() >= switchAt);
  return [...before, ...after].slice(0, count);
}

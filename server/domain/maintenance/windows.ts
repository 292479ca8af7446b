// Weekly planned-maintenance windows.
//
// Policy: planned maintenance may only happen inside weekly windows that are
// defined as LOCAL wall-clock rules in an IANA zone (ops think in "Tuesday
// 22:00 New York", not in UTC). Everything here is pure: callers pass `now` /
// `from`, nothing reads the clock or does I/O.
//
// DST: every occurrence is resolved through luxon's tz database. The start is
// "local date at start time", the end is "next calendar day (or same day when
// end > start) at end time" -- never start + fixed duration. Consequences:
//  - fall-back (Sat 2026-10-31 22:00 EDT -> Sun 2026-11-01 02:00 EST): 5 real hours;
//  - spring-forward (Sat 2027-03-13 22:00 EST -> Sun 02:00, which does not exist):
//    luxon moves the nonexistent 02:00 forward to 03:00 EDT (07:00Z), so the
//    window is 4 real hours and ends at 03:00 local. We accept that rather than
//    cutting the window short at 01:59 EST.
//  - ambiguous fall-back wall times (e.g. 01:30) take luxon's resolution.
import { DateTime, IANAZone } from 'luxon';

export type IsoWeekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

/** A weekly window. `end <= start` means it ends on the next calendar day. */
export type WindowRule = { weekday: IsoWeekday; start: string; end: string; zone: string };

export type WindowOccurrence = { startsAt: Date; endsAt: Date; rule: WindowRule };

export const DEFAULT_WINDOW_RULES: WindowRule[] = [
  { weekday: 2, start: '22:00', end: '02:00', zone: 'America/New_York' },
  { weekday: 6, start: '22:00', end: '02:00', zone: 'America/New_York' },
];

export const DEFAULT_MIN_NOTICE_MS = 24 * 60 * 60 * 1000;

const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;
/** Zone used in human messages when no rule gives one (policy is US Eastern). */
const MESSAGE_ZONE = 'America/New_York';

function parseHHMM(s: string): { hour: number; minute: number } | null {
  const m = HHMM.exec(s);
  return m ? { hour: Number(m[1]), minute: Number(m[2]) } : null;
}

/** Human-readable problems with one rule-like value (empty list = valid). */
function ruleErrors(input: unknown, label: string): string[] {
  if (typeof input !== 'object' || input === null) return [`${label}: must be an object`];
  const r = input as Record<string, unknown>;
  const errors: string[] = [];
  const { weekday, start, end, zone } = r;
  if (typeof weekday !== 'number' || !Number.isInteger(weekday) || weekday < 1 || weekday > 7) {
    errors.push(`${label}: weekday must be an integer from 1 (Monday) to 7 (Sunday), got ${JSON.stringify(weekday)}`);
  }
  for (const [name, value] of [['start', start], ['end', end]] as const) {
    if (typeof value !== 'string' || !parseHHMM(value)) {
      errors.push(`${label}: ${name} must be a 24-hour time "HH:MM", got ${JSON.stringify(value)}`);
    }
  }
  if (typeof zone !== 'string' || !IANAZone.isValidZone(zone)) {
    errors.push(`${label}: zone must be a known IANA time zone, got ${JSON.stringify(zone)}`);
  }
  if (typeof start === 'string' && start === end) {
    errors.push(`${label}: start and end are both ${start}, which would be a zero-length window`);
  }
  return errors;
}

/** Validates a list of rules (e.g. from config); returns human error sentences. */
export function validateRules(rules: readonly unknown[]): string[] {
  if (!Array.isArray(rules)) return ['rules must be an array'];
  return rules.flatMap((r, i) => ruleErrors(r, `rule ${i + 1}`));
}

/** Parses one untrusted value into a WindowRule. */
export function parseRule(input: unknown): { ok: true; rule: WindowRule } | { ok: false; errors: string[] } {
  const errors = ruleErrors(input, 'rule');
  if (errors.length > 0) return { ok: false, errors };
  const r = input as WindowRule;
  return { ok: true, rule: { weekday: r.weekday, start: r.start, end: r.end, zone: r.zone } };
}

function assertValid(rules: readonly WindowRule[]): void {
  const errors = validateRules(rules);
  if (errors.length > 0) throw new RangeError(`Invalid maintenance window rules: ${errors.join('; ')}`);
}

/**
 * Resolves the occurrence of `rule` starting on the local calendar date `date`
 * (a UTC-midnight DateTime used purely as a calendar date, so day stepping is
 * never affected by DST).
 */
function resolve(rule: WindowRule, date: DateTime): WindowOccurrence | null {
  const s = parseHHMM(rule.start)!;
  const e = parseHHMM(rule.end)!;
  const endsNextDay = e.hour * 60 + e.minute <= s.hour * 60 + s.minute;
  const endDate = endsNextDay ? date.plus({ days: 1 }) : date;
  const at = (d: DateTime, t: { hour: number; minute: number }) =>
    DateTime.fromObject({ year: d.year, month: d.month, day: d.day, hour: t.hour, minute: t.minute }, { zone: rule.zone });
  const startsAt = at(date, s).toJSDate();
  const endsAt = at(endDate, e).toJSDate();
  // A DST gap can collapse a short window (e.g. 02:00-03:00 on spring-forward day): skip it.
  if (endsAt.getTime() <= startsAt.getTime()) return null;
  return { startsAt, endsAt, rule };
}

/** The first `count` occurrences of one rule whose end is after `from`. */
function ruleOccurrences(rule: WindowRule, from: Date, count: number): WindowOccurrence[] {
  const local = DateTime.fromJSDate(from, { zone: rule.zone });
  // Start two local days back so a window already in progress at `from` is found.
  let date = DateTime.utc(local.year, local.month, local.day).minus({ days: 2 });
  date = date.plus({ days: (rule.weekday - date.weekday + 7) % 7 });
  const out: WindowOccurrence[] = [];
  // Bounded loop: windows are < 48 h, so at most one skipped-collapsed occurrence per year.
  for (let guard = 0; out.length < count && guard < count + 60; guard++, date = date.plus({ days: 7 })) {
    const occ = resolve(rule, date);
    if (occ && occ.endsAt.getTime() > from.getTime()) out.push(occ);
  }
  return out;
}

/** Occurrences (all rules merged, chronological, de-duplicated) whose end is after `from`. */
export function nextOccurrences(rules: readonly WindowRule[], from: Date, count: number): WindowOccurrence[] {
  assertValid(rules);
  if (!(count > 0) || Number.isNaN(from.getTime())) return [];
  const n = Math.floor(count);
  const all = rules
    .flatMap((rule) => ruleOccurrences(rule, from, n))
    .sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime() || a.endsAt.getTime() - b.endsAt.getTime());
  const seen = new Set<string>();
  const out: WindowOccurrence[] = [];
  for (const occ of all) {
    const key = `${occ.startsAt.getTime()}-${occ.endsAt.getTime()}`;
    if (seen.has(key)) continue; // identical windows from duplicate rules
    seen.add(key);
    out.push(occ);
    if (out.length === n) break;
  }
  return out;
}

/** The occurrence wholly containing [start, end] (both boundaries inclusive), or null. */
export function occurrenceContaining(rules: readonly WindowRule[], start: Date, end: Date): WindowOccurrence | null {
  if (!(start.getTime() < end.getTime())) return null;
  // Each rule has at most one occurrence in progress at `start`, and those sort first.
  const candidates = nextOccurrences(rules, start, rules.length + 1);
  return candidates.find((o) => o.startsAt <= start && end <= o.endsAt) ?? null;
}

/** The next `count` occurrences starting at or after `around` (alternatives to offer a user). */
export function nearestOccurrences(rules: readonly WindowRule[], around: Date, count: number): WindowOccurrence[] {
  if (!(count > 0)) return [];
  // Up to one in-progress occurrence per rule is returned by nextOccurrences and dropped here.
  return nextOccurrences(rules, around, Math.floor(count) + rules.length)
    .filter((o) => o.startsAt.getTime() >= around.getTime())
    .slice(0, Math.floor(count));
}

/** How far ahead suggestions look: about a year of two weekly windows (reaches the next fall-back weekend). */
const SUGGESTION_HORIZON = 110;

/**
 * The next `count` occurrences starting at or after `around` that are long enough for `durationMs`.
 * Only these "would work": a window shorter than the work is no alternative at all.
 */
export function fittingOccurrences(rules: readonly WindowRule[], around: Date, durationMs: number, count: number): WindowOccurrence[] {
  if (!(count > 0)) return [];
  return nextOccurrences(rules, around, SUGGESTION_HORIZON + rules.length)
    .filter((o) => o.startsAt.getTime() >= around.getTime() && o.endsAt.getTime() - o.startsAt.getTime() >= durationMs)
    .slice(0, Math.floor(count));
}

function hoursText(ms: number): string {
  const min = Math.round(ms / 60_000);
  return min % 60 === 0 ? `${min / 60} hours` : `${Math.floor(min / 60)} h ${min % 60} min`;
}

export type PlannedSlotInput = { scheduledFor: Date; scheduledUntil: Date; now: Date; minNoticeMs?: number };

export type PlannedSlotResult =
  | { ok: true; occurrence: WindowOccurrence }
  | { ok: false; code: 'invalid_range'; message: string }
  | {
      ok: false;
      code: 'outside_maintenance_window';
      message: string;
      details: { nearest: { starts_at: string; ends_at: string }[] };
    }
  | { ok: false; code: 'insufficient_notice'; message: string; details: { earliest_allowed_start: string } };

function fmt(d: Date, zone: string): string {
  return DateTime.fromJSDate(d, { zone }).setLocale('en-US').toFormat('ccc d LLL yyyy HH:mm ZZZZ');
}

function describeOccurrence(o: WindowOccurrence): string {
  return `${fmt(o.startsAt, o.rule.zone)} to ${fmt(o.endsAt, o.rule.zone)}`;
}

const WEEKDAY_NAMES = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

function describeRules(rules: readonly WindowRule[]): string {
  return rules
    .map((r) => {
      const zone = r.zone === MESSAGE_ZONE ? 'US Eastern time' : r.zone;
      return `${WEEKDAY_NAMES[r.weekday - 1]} ${r.start} to ${r.end} ${zone}`;
    })
    .join(', ');
}

/** Checks a planned-maintenance slot: valid range, inside one window, then enough notice. */
export function validatePlannedSlot(rules: readonly WindowRule[], input: PlannedSlotInput): PlannedSlotResult {
  const { scheduledFor, scheduledUntil, now, minNoticeMs = DEFAULT_MIN_NOTICE_MS } = input;
  const zone = rules[0]?.zone ?? MESSAGE_ZONE;
  const times = [scheduledFor, scheduledUntil, now].map((d) => d.getTime());
  if (times.some(Number.isNaN)) {
    return { ok: false, code: 'invalid_range', message: 'The maintenance start and end must be valid dates.' };
  }
  if (scheduledUntil.getTime() <= scheduledFor.getTime()) {
    return {
      ok: false,
      code: 'invalid_range',
      message: `The maintenance must end after it starts (it starts ${fmt(scheduledFor, zone)} and ends ${fmt(scheduledUntil, zone)}).`,
    };
  }

  const noticeEdge = new Date(now.getTime() + minNoticeMs);

  // Window first: a slot outside policy is wrong regardless of notice.
  const occurrence = occurrenceContaining(rules, scheduledFor, scheduledUntil);
  if (!occurrence) {
    const around = new Date(Math.max(scheduledFor.getTime(), noticeEdge.getTime()));
    const duration = scheduledUntil.getTime() - scheduledFor.getTime();
    const nearest = fittingOccurrences(rules, around, duration, 3);
    const suggestion = nearest[0]
      ? ` The next window long enough for ${hoursText(duration)} is ${describeOccurrence(nearest[0])}.`
      : ` No window in the coming year is long enough for ${hoursText(duration)}: split the work, or schedule it as unplanned maintenance with a reason.`;
    return {
      ok: false,
      code: 'outside_maintenance_window',
      message:
        `Planned maintenance from ${fmt(scheduledFor, zone)} to ${fmt(scheduledUntil, zone)} does not fit inside a single ` +
        `maintenance window (${describeRules(rules)}).${suggestion}`,
      details: { nearest: nearest.map((o) => ({ starts_at: o.startsAt.toISOString(), ends_at: o.endsAt.toISOString() })) },
    };
  }

  if (scheduledFor.getTime() - now.getTime() < minNoticeMs) {
    // Earliest start satisfying both rules: the notice edge if it falls inside a window, else the next window start.
    const inWindow = nextOccurrences(rules, noticeEdge, rules.length + 1).find((o) => o.startsAt <= noticeEdge);
    const earliest = inWindow ? noticeEdge : (nearestOccurrences(rules, noticeEdge, 1)[0]?.startsAt ?? noticeEdge);
    const hours = Math.round((minNoticeMs / 3_600_000) * 100) / 100;
    return {
      ok: false,
      code: 'insufficient_notice',
      message:
        `Planned maintenance needs at least ${hours} hours' notice; the earliest allowed start is ` +
        `${fmt(earliest, zone)}.`,
      details: { earliest_allowed_start: earliest.toISOString() },
    };
  }

  return { ok: true, occurrence };
}

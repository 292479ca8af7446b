// SLA goals as people write them: "90m", "1h", "48h", "14d", "1d 12h". Pure, so both the form
// parsing and the display of current values use the same rules and round-trip exactly.

const MINUTE = 60_000;
const UNIT_MS: Record<string, number> = { w: 7 * 1440 * MINUTE, d: 1440 * MINUTE, h: 60 * MINUTE, m: MINUTE };
const UNIT_OF: Record<string, keyof typeof UNIT_MS> = {
  w: 'w', wk: 'w', week: 'w', weeks: 'w',
  d: 'd', day: 'd', days: 'd',
  h: 'h', hr: 'h', hrs: 'h', hour: 'h', hours: 'h',
  m: 'm', min: 'm', mins: 'm', minute: 'm', minutes: 'm',
};
const PART = /(\d+)\s*([a-z]+)/y;

export type DurationParse = { ok: true; ms: number } | { ok: false; message: string };

const EXAMPLE = 'like 90m, 4h, 48h, 14d or 1d 12h';

/** "1d 12h" → 129 600 000 ms. Whole minutes and up; each unit at most once; no bare numbers. */
export function parseDuration(text: string): DurationParse {
  const src = text.trim().toLowerCase().replace(/,/g, ' ');
  if (!src) return { ok: false, message: `is empty; write a duration ${EXAMPLE}` };
  if (/^\d+$/.test(src)) return { ok: false, message: `needs a unit: write ${src}m for minutes, ${src}h for hours or ${src}d for days` };
  let ms = 0;
  const seen = new Set<string>();
  let pos = 0;
  PART.lastIndex = 0;
  while (pos < src.length) {
    while (src[pos] === ' ') pos++;
    if (pos >= src.length) break;
    PART.lastIndex = pos;
    const m = PART.exec(src);
    const unit = m && UNIT_OF[m[2]!];
    if (!m || !unit) return { ok: false, message: `is not a duration; write it ${EXAMPLE}` };
    if (seen.has(unit)) return { ok: false, message: `gives "${unit}" twice; write it ${EXAMPLE}` };
    seen.add(unit);
    ms += Number(m[1]) * UNIT_MS[unit]!;
    pos = PART.lastIndex;
  }
  if (!Number.isSafeInteger(ms)) return { ok: false, message: 'is too long' };
  return { ok: true, ms };
}

/**
 * The same notation for showing a goal in the form: whole days from a week up ("14d", "8d 12h"),
 * whole hours below that ("4h", "48h", "72h"), minutes where needed ("90m", "1h 30m").
 */
export function formatDurationText(ms: number): string {
  const total = Math.round(ms / MINUTE);
  const week = 7 * 1440;
  if (total >= week) {
    const d = Math.floor(total / 1440);
    const h = Math.floor((total % 1440) / 60);
    const m = total % 60;
    return [`${d}d`, h && `${h}h`, m && `${m}m`].filter(Boolean).join(' ');
  }
  if (total % 60 === 0) return `${total / 60}h`;
  if (total < 120) return `${total}m`;
  return `${Math.floor(total / 60)}h ${total % 60}m`;
}

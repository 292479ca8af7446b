import { DateTime } from 'luxon';

/** The zone every public time is also given in (the page's zone, as Statuspage's `page.time_zone`). */
export const PAGE_ZONE = 'America/New_York';

const asDateTime = (d: Date | string) => (typeof d === 'string' ? DateTime.fromISO(d) : DateTime.fromJSDate(d));

/**
 * One instant as people read it, the same on pages (before JavaScript), in e-mails and in feeds:
 * "Dec 2, 2026, 14:30 UTC (09:30 EST)"; the Eastern part names its date when that differs,
 * "Dec 2, 2026, 03:30 UTC (Dec 1, 22:30 EST)". Empty for no time.
 */
export function humanTime(d: Date | string | null | undefined): string {
  if (!d) return '';
  const t = asDateTime(d);
  if (!t.isValid) return '';
  const utc = t.setZone('UTC');
  const et = t.setZone(PAGE_ZONE);
  const etText = et.toISODate() === utc.toISODate() ? et.toFormat('HH:mm ZZZZ', { locale: 'en-US' }) : et.toFormat('LLL d, HH:mm ZZZZ', { locale: 'en-US' });
  return `${utc.toFormat('LLL d, yyyy, HH:mm', { locale: 'en-US' })} UTC (${etText})`;
}

/** US Eastern only: "Wed Dec 2 2026, 09:30 EST" (maintenance windows are defined in Eastern time). */
export function easternTime(d: Date | string | null | undefined): string {
  if (!d) return '';
  const t = asDateTime(d);
  return t.isValid ? t.setZone(PAGE_ZONE).toFormat('ccc LLL d yyyy, HH:mm ZZZZ', { locale: 'en-US' }) : '';
}

/** A calendar day: "Dec 1, 2026" (dates such as a component's start date are UTC days). */
export function humanDate(d: Date | string | null | undefined): string {
  if (!d) return '';
  const t = typeof d === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(d) ? DateTime.fromISO(d, { zone: 'UTC' }) : asDateTime(d).setZone('UTC');
  return t.isValid ? t.toFormat('LLL d, yyyy', { locale: 'en-US' }) : '';
}

/**
 * The "next update by" promise as people read it: "Next update by 14:30 UTC", naming the date when
 * it is not the day of `from` (the update that made it): "Next update by Dec 3, 09:00 UTC".
 */
export function nextUpdateText(at: Date | string | null | undefined, from: Date | string): string {
  if (!at) return '';
  const t = asDateTime(at).setZone('UTC');
  if (!t.isValid) return '';
  const sameDay = t.toISODate() === asDateTime(from).setZone('UTC').toISODate();
  return `Next update by ${t.toFormat(sameDay ? 'HH:mm' : 'LLL d, HH:mm', { locale: 'en-US' })} UTC`;
}

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
  return remembered(spelled, typeof d === 'string' ? d : d.getTime(), () => spell(d));
}

// Every rebuild of the status page spells out the same few instants again, and luxon takes tens of
// microseconds for each (zone lookups, locale setup): keep what was spelled, up to a bound.
const spelled = new Map<string | number, string>();
const easterns = new Map<string | number, string>();
const promises = new Map<string, string>();
function remembered<K>(cache: Map<K, string>, key: K, make: () => string): string {
  let text = cache.get(key);
  if (text === undefined) {
    if (cache.size >= 10_000) cache.clear();
    cache.set(key, (text = make()));
  }
  return text;
}
const keyOf = (d: Date | string) => (typeof d === 'string' ? d : d.getTime());

function spell(d: Date | string): string {
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
  return remembered(easterns, keyOf(d), () => {
    const t = asDateTime(d);
    return t.isValid ? t.setZone(PAGE_ZONE).toFormat('ccc LLL d yyyy, HH:mm ZZZZ', { locale: 'en-US' }) : '';
  });
}

/** A calendar day: "Dec 1, 2026" (dates such as a component's start date are UTC days). */
export function humanDate(d: Date | string | null | undefined): string {
  if (!d) return '';
  // A plain YYYY-MM-DD (90 of them per component on the status page) is spelled out directly:
  // luxon's formatting costs tens of microseconds a call.
  const day = typeof d === 'string' ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(d) : null;
  if (day) {
    const [y, m, dd] = [Number(day[1]), Number(day[2]), Number(day[3])];
    const check = new Date(Date.UTC(2000, m - 1, dd)); // a leap year: Feb 29 exists, Feb 30 rolls over
    const real = check.getUTCMonth() === m - 1 && check.getUTCDate() === dd && (m !== 2 || dd !== 29 || new Date(Date.UTC(y, 1, 29)).getUTCDate() === 29);
    return real ? `${MONTHS[m - 1]} ${dd}, ${day[1]}` : '';
  }
  const t = asDateTime(d).setZone('UTC');
  return t.isValid ? t.toFormat('LLL d, yyyy', { locale: 'en-US' }) : '';
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * The "next update by" promise as people read it: "Next update by 14:30 UTC", naming the date when
 * it is not the day of `from` (the update that made it): "Next update by Dec 3, 09:00 UTC".
 */
export function nextUpdateText(at: Date | string | null | undefined, from: Date | string): string {
  if (!at) return '';
  return remembered(promises, `${keyOf(at)} ${keyOf(from)}`, () => spellPromise(at, from));
}

function spellPromise(at: Date | string, from: Date | string): string {
  const t = asDateTime(at).setZone('UTC');
  if (!t.isValid) return '';
  const sameDay = t.toISODate() === asDateTime(from).setZone('UTC').toISODate();
  return `Next update by ${t.toFormat(sameDay ? 'HH:mm' : 'LLL d, HH:mm', { locale: 'en-US' })} UTC`;
}

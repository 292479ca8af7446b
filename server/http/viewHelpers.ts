import { humanTime } from '../presenters/times.js';

// Handlebars helpers shared by every page. Handlebars escapes {{ }} output; nothing here returns raw HTML.
export const helpers = {
  eq: (a: unknown, b: unknown) => a === b,
  json: (v: unknown) => JSON.stringify(v),
  iso: (d: Date | string | null | undefined) => (d ? new Date(d).toISOString() : ''),
  /** "Dec 2, 2026, 14:30 UTC (09:30 EST)": how people read a time (presenters/times.ts). */
  humanTime: (d: Date | string | null | undefined) => humanTime(d),
  or: (...args: unknown[]) => args.slice(0, -1).some(Boolean),
  and: (...args: unknown[]) => args.slice(0, -1).every(Boolean),
  not: (v: unknown) => !v,
  /** A value placed in a link's query string. */
  urlParam: (v: unknown) => encodeURIComponent(typeof v === 'string' ? v : ''),
};

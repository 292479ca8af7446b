import { z } from 'zod';
import { DomainError, invalid } from '../domain/errors.js';

/**
 * Parses input with a zod schema; failures become a 400 naming each field. Use `z.strictObject`
 * so unknown fields are rejected rather than silently ignored. Every request value (API bodies,
 * console forms, query strings) passes through here, so text is checked here once for all routes.
 */
export function parse<S extends z.ZodType>(schema: S, data: unknown): z.infer<S> {
  assertPlainText(data ?? {});
  const result = schema.safeParse(data ?? {});
  if (result.success) return result.data;
  const fields = result.error.issues.map((i) => {
    const keys = i.code === 'unrecognized_keys' ? (i as { keys: string[] }).keys : [];
    const field = [...i.path.map(String), ...keys].join('.') || '(body)';
    return { field, message: i.code === 'unrecognized_keys' ? 'is not a known field' : i.message };
  });
  const first = fields[0]!;
  throw new DomainError('invalid', 'validation_failed', `${first.field}: ${first.message}`, { fields });
}

// C0 controls other than tab, newline and the CR of a CRLF line break; DEL and C1 controls;
// the noncharacters U+FFFE/U+FFFF. PostgreSQL cannot store NUL, and XML (feeds) forbids the rest.
const FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFFFE\uFFFF]|\r(?!\n)/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const MAX_DEPTH = 32;

/** A 400 naming one field, shaped like parse()'s. */
export const fieldError = (field: string, message: string) => invalid('validation_failed', `${field}: ${message}`, { fields: [{ field, message }] });
const printable = (key: string) => (FORBIDDEN.test(key) || LONE_SURROGATE.test(key) ? JSON.stringify(key) : key);

/** Refuses control characters and broken Unicode (lone surrogates) in any string value, naming the field. */
export function assertPlainText(data: unknown): void {
  const stack: { value: unknown; path: string[] }[] = [{ value: data, path: [] }];
  while (stack.length) {
    const { value, path } = stack.pop()!;
    const field = () => path.join('.') || '(body)';
    if (typeof value === 'string') {
      if (FORBIDDEN.test(value)) throw fieldError(field(), 'must not contain control characters (only tab and line breaks are allowed)');
      if (LONE_SURROGATE.test(value)) throw fieldError(field(), 'is not valid Unicode text');
    } else if (value && typeof value === 'object') {
      if (path.length >= MAX_DEPTH) throw fieldError(field(), 'is nested too deeply');
      for (const [k, v] of Object.entries(value)) stack.push({ value: v, path: [...path, printable(k)] });
    }
  }
}

export const uuidParam = z.string().uuid('must be an id');

// Every date Beacon accepts lies in 2000–2100: wide enough for any real schedule, and well inside
// what JavaScript dates, luxon, the tz database and PostgreSQL all handle.
const DATE_MIN = Date.UTC(2000, 0, 1);
const DATE_MAX = Date.UTC(2101, 0, 1);
export const DATE_RANGE_MESSAGE = 'must be between the years 2000 and 2100';
export const inDateRange = (d: Date) => d.getTime() >= DATE_MIN && d.getTime() < DATE_MAX;

export const isoDate = z.iso
  .datetime({ offset: true, message: 'must be an ISO-8601 timestamp with a zone' })
  .transform((s) => new Date(s))
  .refine(inDateRange, DATE_RANGE_MESSAGE);

/** A calendar date `YYYY-MM-DD` in range, kept as text. */
export const isoDay = z.iso.date('must be a date YYYY-MM-DD').refine((s) => inDateRange(new Date(`${s}T00:00:00Z`)), DATE_RANGE_MESSAGE);

/** A month `YYYY-MM` in range, as the instant it starts. */
export const isoMonth = z
  .string()
  .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be YYYY-MM')
  .transform((s) => new Date(`${s}-01T00:00:00Z`))
  .refine(inDateRange, DATE_RANGE_MESSAGE);

/**
 * Console date inputs: an ISO instant from local-datetime.js, or a bare datetime-local value read
 * as UTC (no JavaScript). Blank means "not given".
 */
export const localDateTime = z
  .string()
  .max(40)
  .transform((raw, ctx) => {
    const v = raw.trim();
    if (!v) return undefined;
    const d = new Date(/[zZ]|[+-]\d\d:\d\d$/.test(v) ? v : `${v}Z`);
    if (Number.isNaN(d.getTime())) ctx.addIssue({ code: 'custom', message: 'must be a date and time' });
    else if (!inDateRange(d)) ctx.addIssue({ code: 'custom', message: DATE_RANGE_MESSAGE });
    else return d;
    return z.NEVER;
  });

import type { Response } from 'express';
import { DomainError } from '../domain/errors.js';

const STATUS: Record<string, number> = { invalid: 400, unauthenticated: 401, forbidden: 403, not_found: 404, conflict: 409, rule: 422, rate_limited: 429, unavailable: 503 };

/**
 * Console forms: a domain error re-renders the same page with the message (and per-field messages)
 * instead of the generic error page, keeping what the user typed. Anything else propagates.
 */
export function renderFormError(res: Response, view: string, err: unknown, locals: Record<string, unknown>): void {
  if (!(err instanceof DomainError)) throw err;
  if (err.retryAfterSeconds) res.setHeader('Retry-After', String(err.retryAfterSeconds));
  const fields = (err.details as { fields?: { field: string; message: string }[] } | undefined)?.fields ?? [];
  res.status(STATUS[err.kind] ?? 400).render(view, {
    ...locals,
    formError: err.message,
    fieldErrors: Object.fromEntries(fields.map((f) => [f.field, f.message])),
  });
}

/** HTML checkboxes send "on" or nothing. */
export const checkbox = (v: unknown) => v === 'on' || v === 'true' || v === '1';

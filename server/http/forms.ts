import type { Response } from 'express';
import { DomainError } from '../domain/errors.js';
import { formErrorView } from './errors.js';

/**
 * Console forms: a domain error re-renders the same page with the message (and per-field messages)
 * instead of the generic error page, keeping what the user typed. Anything else propagates.
 */
export function renderFormError(res: Response, view: string, err: unknown, locals: Record<string, unknown>): void {
  if (!(err instanceof DomainError)) throw err;
  if (err.retryAfterSeconds) res.setHeader('Retry-After', String(err.retryAfterSeconds));
  const { status, ...shown } = formErrorView(err, locals.fieldLabels as Record<string, string> | undefined);
  res.status(status).render(view, { ...locals, ...shown });
}

/** HTML checkboxes send "on" or nothing. */
export const checkbox = (v: unknown) => v === 'on' || v === 'true' || v === '1';

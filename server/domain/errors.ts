// Typed domain errors; server/http/errors.ts maps them to HTTP in one place.
export type ErrorKind = 'invalid' | 'too_large' | 'unauthenticated' | 'forbidden' | 'not_found' | 'conflict' | 'rule' | 'rate_limited' | 'unavailable';

export class DomainError extends Error {
  constructor(
    readonly kind: ErrorKind,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

export const invalid = (code: string, message: string, details?: unknown) =>
  new DomainError('invalid', code, message, details);
export const notFound = (what: string, id?: string) =>
  new DomainError('not_found', `${what.toLowerCase().replace(/\s+/g, '_')}_not_found`, `${what} not found`, id ? { id } : undefined);
export const conflict = (code: string, message: string, details?: unknown) =>
  new DomainError('conflict', code, message, details);
export const ruleBroken = (code: string, message: string, details?: unknown) =>
  new DomainError('rule', code, message, details);
export const forbidden = (message = 'You do not have permission to do that') =>
  new DomainError('forbidden', 'forbidden', message);
export const unauthenticated = (message = 'Authentication required', code = 'unauthenticated') =>
  new DomainError('unauthenticated', code, message);
export const rateLimited = (message: string, retryAfterSeconds: number) =>
  new DomainError('rate_limited', 'rate_limited', message, { retry_after_seconds: retryAfterSeconds }, retryAfterSeconds);
/** A capability that is switched off on this install (e-mail without SMTP_URL): 503, nothing changed. */
export const unavailable = (code: string, message: string, details?: unknown) =>
  new DomainError('unavailable', code, message, details);

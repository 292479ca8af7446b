import type { ErrorRequestHandler, Request, RequestHandler } from 'express';
import { DomainError, type ErrorKind } from '../domain/errors.js';

const STATUS: Record<ErrorKind, number> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  rule: 422,
  rate_limited: 429,
};

export function wantsJson(req: Request): boolean {
  if (req.path.startsWith('/api/')) return true;
  const accept = req.headers.accept ?? '';
  return accept.includes('application/json') && !accept.includes('text/html');
}

// body-parser / raw-body failures: all caused by what the client sent.
const BODY_ERRORS: Record<string, [code: string, message: string]> = {
  'entity.parse.failed': ['malformed_json', 'The request body is not valid JSON'],
  'entity.too.large': ['body_too_large', 'The request body is too large'],
  'parameters.too.many': ['too_many_fields', 'The form has too many fields'],
  'querystring.parse.rangeError': ['too_many_fields', 'The form is nested too deeply'],
  'encoding.unsupported': ['unsupported_encoding', 'The request body encoding is not supported'],
  'charset.unsupported': ['unsupported_encoding', 'The request body encoding is not supported'],
  'request.aborted': ['request_aborted', 'The request body was cut short'],
  'request.size.invalid': ['bad_content_length', 'The request body does not match its Content-Length'],
};

/** Framework errors (body-parser, the router, the database refusing a value) expressed as domain errors. */
function normalise(err: unknown): DomainError | null {
  if (err instanceof DomainError) return err;
  const e = err as { type?: string; status?: number; expose?: boolean; message?: string };
  const body = e?.type ? BODY_ERRORS[e.type] : undefined;
  if (body) return new DomainError('invalid', body[0], body[1]);
  // Framework errors carrying a 4xx status (e.g. the router's undecodable %-escape in a path): the client's fault.
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500)
    return new DomainError('invalid', 'bad_request', (e.expose || err instanceof URIError) && e.message ? e.message : 'Bad request');
  // PostgreSQL class 22 (data exception: bad text, number or date) can only come from a value the
  // request carried that validation let through; it is the client's input, not our bug.
  if (dataException(err)) return new DomainError('invalid', 'invalid_value', 'A value in the request is not valid');
  return null;
}

function dataException(err: unknown): string | null {
  const code = (err as { cause?: { code?: unknown } })?.cause?.code ?? (err as { code?: unknown })?.code;
  return typeof code === 'string' && /^22[0-9A-Z]{3}$/.test(code) ? code : null;
}

/** The one place that maps domain errors to HTTP: JSON for the API, a friendly page for browsers. */
export const errorHandler: ErrorRequestHandler = (err, req, res, _next) => {
  const known = normalise(err);
  const status = known ? STATUS[known.kind] : 500;
  if (!known) req.log?.error({ err }, 'unhandled error');
  // Validation should have caught it: worth a look, but without the query's parameters (they are user data).
  else if (dataException(err)) req.log?.warn({ pgCode: dataException(err), route: req.route?.path }, 'the database refused a value from the request');
  if (res.headersSent) return;
  if (known?.retryAfterSeconds) res.setHeader('Retry-After', String(known.retryAfterSeconds));
  const body = {
    error: {
      code: known?.code ?? 'internal_error',
      message: known?.message ?? 'Something went wrong on our side. It has been logged.',
      ...(known?.details !== undefined ? { details: known.details } : {}),
    },
  };
  if (wantsJson(req)) {
    res.status(status).json(body);
    return;
  }
  res.status(status).render('pages/error', { title: 'Error', status, error: body.error, requestId: req.id });
};

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new DomainError('not_found', 'route_not_found', `No route for ${req.method} ${req.path}`));
};

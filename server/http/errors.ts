import type { ErrorRequestHandler, Request, RequestHandler } from 'express';
import { DomainError, type ErrorKind } from '../domain/errors.js';
import { fieldLabel, fieldSentence } from '../presenters/fieldLabels.js';

export const STATUS: Record<ErrorKind, number> = {
  invalid: 400,
  too_large: 413,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  rule: 422,
  rate_limited: 429,
  unavailable: 503,
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

/** Who is asking, which decides how an error is shown: JSON for programs, the console's page for staff, the status page's for everyone else. */
export type Audience = 'api' | 'console' | 'public';

export function audienceOf(req: Request): Audience {
  if (wantsJson(req)) return 'api';
  const path = (req.originalUrl ?? req.url).split('?')[0]!;
  return path === '/console' || path.startsWith('/console/') ? 'console' : 'public';
}

// Field names as the public forms and links label them.
const PUBLIC_FIELD_NAMES: Record<string, string> = { email: 'E-mail address', month: 'Month', id: 'Link', components: 'Components', scope: 'Choice', s: 'Link', sig: 'Link' };

/**
 * The public error page in plain words (no codes, no "(body): must be an id"), with a way back to
 * the current status. Messages written for people (403, 409, 422, 429, …) are shown as they are.
 */
function publicErrorView(status: number, error: { code: string; message: string; details?: unknown }, req: Request) {
  const fields = ((error.details as { fields?: { field: string; message: string }[] } | undefined)?.fields ?? []).map((f) => ({
    name: (Object.hasOwn(PUBLIC_FIELD_NAMES, f.field) ? PUBLIC_FIELD_NAMES[f.field] : undefined) ?? f.field.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase()),
    message: f.message,
  }));
  if (status === 404) return { title: 'Not found', heading: 'We can’t find that page', lead: 'The link may be old or mistyped, or what it pointed to is no longer published.', fields: [] };
  if (status === 400 && req.method === 'GET')
    return { title: 'Not found', heading: 'That link doesn’t look right', lead: 'Part of the address is not valid. Check the link, or start from the current status.', fields: [] };
  if (status === 400) return { title: 'Please check the form', heading: 'Please check what you entered', lead: 'We could not accept it:', fields };
  // A 503 from a domain verb is a deliberate answer (e.g. e-mail updates are off): say what it says.
  if (status === 503 && error.code !== 'internal_error') return { title: 'Not available', heading: 'Not available', lead: error.message, fields: [] };
  if (status >= 500) return { title: 'Something went wrong', heading: 'Something went wrong on our side', lead: 'It has been logged. Please try again in a moment.', fields: [] };
  return { title: 'That did not work', heading: 'That did not work', lead: error.message, fields: [] };
}

/** HTTP status of a domain error kind. */
export const statusOf = (err: DomainError): number => STATUS[err.kind] ?? 400;

export interface FieldErrorView {
  field: string;
  label: string;
  message: string;
}

/**
 * What a console form shows for a domain error: the summary, every field error as a sentence with
 * the field's human name (a list at the top), and the same sentence by field name (next to each field).
 */
export function formErrorView(err: DomainError, labels: Record<string, string> = {}) {
  const raw = (err.details as { fields?: { field: string; message: string }[] } | undefined)?.fields ?? [];
  const list: FieldErrorView[] = [];
  for (const f of raw) {
    if (list.some((x) => x.field === f.field)) continue; // first message per field
    const label = fieldLabel(f.field, labels);
    list.push({ field: f.field, label, message: fieldSentence(label, f.message, f.field) });
  }
  return {
    status: statusOf(err),
    // A domain verb's own sentence ("That code does not match. Check the time on your phone…") says
    // more than a generic lead; input validation gets the lead above its field list.
    formError: list.length > 0 && err.code === 'validation_failed' ? (list.length === 1 ? 'Please correct this field:' : `Please correct these ${list.length} fields:`) : err.message,
    fieldErrorList: list,
    fieldErrors: Object.fromEntries(list.map((f) => [f.field, f.message])),
  };
}

/** The one place that maps domain errors to HTTP: JSON for the API, a friendly page for browsers (public or console, by route). */
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
  const audience = audienceOf(req);
  if (audience === 'api') {
    res.status(status).json(body);
    return;
  }
  if (audience === 'public') {
    res.status(status).render('pages/public-error', { layout: 'public', scripts: [], status, ...publicErrorView(status, body.error, req), requestId: status >= 500 ? req.id : null });
    return;
  }
  res.status(status).render('pages/error', { title: 'Error', status, error: body.error, requestId: req.id });
};

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new DomainError('not_found', 'route_not_found', `No route for ${req.method} ${req.path}`));
};

import { pino, type Logger } from 'pino';

// Paths that may carry secrets anywhere they are logged: request headers, bodies, config.
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  '*.password',
  '*.token',
  '*.secret',
  '*.SESSION_SECRET',
  '*.BOOTSTRAP_ADMIN_PASSWORD',
  'password',
  'token',
  'cookie',
  'authorization',
  'body.password',
  'body.current_password',
  'body.new_password',
];

const WITHHELD = '[withheld]';

/** What a failed query may say in a log: the SQL, never the bound values. */
function querySummary(e: { query?: unknown }): string {
  return `Failed query: ${String(e.query)}\nparams: ${WITHHELD}`;
}

/**
 * pino's error serializer, minus query parameters. Drizzle's DrizzleQueryError carries the bound
 * values (a new user's scrypt hash, a token's SHA-256, e-mail addresses) in `params` and in its
 * message — and so in its stack and in every wrapping error's message; PostgreSQL's `detail`
 * quotes key values ("Key (token_hash)=(…) already exists"). All of it is withheld, here, in one
 * place: this serializer is the `err` serializer of the root logger and of pino-http's.
 */
export function errSerializer(value: unknown): unknown {
  // pino-http runs pino's serializer first and hands us its output; the original error is its `raw`.
  const raw = value && typeof value === 'object' && 'raw' in value ? (value as { raw: unknown }).raw : undefined;
  const err = raw ?? value;
  const out = pino.stdSerializers.err(err as Error) as unknown as Record<string, unknown>;
  if (!out || typeof out !== 'object' || out === err) return out;
  let message = typeof out.message === 'string' ? out.message : '';
  let stack = typeof out.stack === 'string' ? out.stack : '';
  const seen = new Set<unknown>();
  for (let e = err as { message?: unknown; query?: unknown; params?: unknown; cause?: unknown } | undefined; e && typeof e === 'object' && !seen.has(e); e = e.cause as typeof e) {
    seen.add(e);
    // Only drizzle's own wrapper writes the values into its message (drivers keep them in properties).
    if ('params' in e && typeof e.message === 'string' && e.message.startsWith('Failed query: ')) {
      message = message.split(e.message).join(querySummary(e));
      stack = stack.split(e.message).join(querySummary(e));
    }
  }
  out.message = message;
  out.stack = stack;
  for (const key of ['params', 'parameters', 'detail']) if (key in out) out[key] = WITHHELD;
  return out;
}

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      base: { app: 'beacon' },
      serializers: { err: errSerializer },
    },
    destination,
  );
}

export type { Logger };

// Query parameters that carry one-time secrets (set-password/setup links, signed subscriber links).
const SECRET_PARAMS = /([?&](?:token|sig)=)[^&#]*/gi;

/** pino-http request serializer: the logged URL and query keep their shape but lose link secrets. */
export function scrubRequest<T extends { url?: string; query?: Record<string, unknown> }>(req: T): T {
  const query = req.query && typeof req.query === 'object'
    ? Object.fromEntries(Object.entries(req.query).map(([k, v]) => [k, /^(token|sig)$/i.test(k) ? '[redacted]' : v]))
    : req.query;
  return { ...req, url: req.url?.replace(SECRET_PARAMS, '$1[redacted]'), query };
}

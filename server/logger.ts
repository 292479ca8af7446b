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

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      base: { app: 'beacon' },
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

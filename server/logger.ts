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

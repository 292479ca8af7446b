import cron from 'node-cron';
import { z } from 'zod';
import { samlSettings, samlVars, type SamlSettings } from './samlConfig.js';

const bool = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no', 'on', 'off'])
  .transform((v) => ['1', 'true', 'yes', 'on'].includes(v));

// "a.com, B.com" → ['a.com', 'b.com']: domains and addresses compare lower-case.
const lowerList = z.string().transform((v) => v.split(',').map((x) => x.trim().toLowerCase()).filter(Boolean));

// One schema for every setting Beacon reads from the environment. Empty strings count as unset,
// so `FOO=` in a .env file falls back to the default instead of failing validation.
const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
    .optional(),
  DATABASE_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
  DATABASE_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(100).max(3_600_000).default(30_000),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must start with redis:// or rediss://').optional(),
  PUBLIC_URL: z.string().url('must be an absolute URL such as https://status.example.com').optional(),
  SESSION_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
  SECRETS_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
  BOOTSTRAP_ADMIN_EMAIL: z.string().email('must be an e-mail address').optional(),
  BOOTSTRAP_ADMIN_PASSWORD: z.string().min(8, 'must be at least 8 characters').max(256).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DEMO_DATA: bool.default(true),
  PAGE_NAME: z.string().min(1).max(100).default('Beacon'),
  TRUST_PROXY: bool.default(false),
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  SMTP_URL: z.string().regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://').optional(),
  MAIL_FROM: z.string().min(3).max(300).default('Beacon <status@localhost>'),
  // Pooled SMTP connections = e-mails in flight at once, so also the most a crash can send twice.
  SMTP_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(5),
  SMTP_CONNECTION_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
  SMTP_GREETING_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
  SMTP_SOCKET_TIMEOUT_MS: z.coerce.number().int().min(100).max(3_600_000).default(30_000),
  TWITTER_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(10_000),
  // How long a dispatcher owns the deliveries it claimed; a crashed one's claims come back after it.
  DELIVERY_LEASE_SECONDS: z.coerce.number().int().min(30).max(86_400).default(300),
  // Live pushes to public pages at most this often: a burst of writes is folded into one push per interval.
  LIVE_PUSH_INTERVAL_MS: z.coerce.number().int().min(0).max(60_000).default(250),
  // Outbox events and delivered deliveries older than this are pruned nightly (dead letters: 90 days).
  RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  TWITTER_APP_KEY: z.string().min(1).optional(),
  TWITTER_APP_SECRET: z.string().min(1).optional(),
  TWITTER_ACCESS_TOKEN: z.string().min(1).optional(),
  TWITTER_ACCESS_SECRET: z.string().min(1).optional(),
  TWITTER_API_BASE_URL: z.string().url('must be an absolute URL such as https://api.x.com').optional(),
  // Webhooks may target loopback/private/link-local addresses only when this says so (on-premises receivers).
  WEBHOOK_ALLOW_PRIVATE: bool.default(false),
  // Sign-in attempts (any account) one client address may make per minute.
  SIGN_IN_ATTEMPTS_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(20),
  // Ceiling on confirmation mails requested per minute, across all clients.
  CONFIRMATION_MAILS_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(100),
  // Backups (README "Backups and restore"): none are taken without a passphrase.
  BACKUP_DIR: z.string().min(1).optional(),
  BACKUP_PASSPHRASE: z.string().min(12, 'must be at least 12 characters').optional(),
  BACKUP_SCHEDULE: z
    .string()
    .refine((v) => /^\S+(\s+\S+){4,5}$/.test(v) && cron.validate(v), 'must be a cron expression such as "0 * * * *"')
    .default('0 * * * *'),
  // A staff alert is raised once when the newest backup is older than this.
  BACKUP_MAX_AGE_MINUTES: z.coerce.number().int().min(5).max(100_000).default(120),
  // OpenID Connect sign-in (README "Single sign-on"): any issuer found by discovery.
  OIDC_ISSUER_URL: z.string().url('must be an absolute URL such as https://accounts.google.com').optional(),
  OIDC_CLIENT_ID: z.string().min(1).max(500).optional(),
  OIDC_CLIENT_SECRET: z.string().min(1).max(2000).optional(),
  OIDC_ALLOWED_DOMAINS: lowerList.default([]),
  OIDC_LABEL: z.string().min(1).max(100).default('Sign in with single sign-on'),
  // Just-in-time accounts (observer) for people no admin invited.
  OIDC_CREATE_ACCOUNTS: bool.default(false),
  // Admins who may still sign in with a password while the "SSO enforced" policy is on.
  SSO_BREAK_GLASS_EMAILS: lowerList.default([]),
  // SAML single sign-on (README "Single sign-on"); its checks live in samlConfig.ts.
  ...samlVars(bool.default(false)),
});

const OIDC_KEYS = ['OIDC_ISSUER_URL', 'OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET'] as const;
/** Plain http is only for an issuer on this machine (a test or a local Keycloak); anywhere else tokens would cross the network in clear. */
export const isLoopbackUrl = (url: string) => ['127.0.0.1', 'localhost', '[::1]'].includes(new URL(url).hostname);

const TWITTER_KEYS = ['TWITTER_APP_KEY', 'TWITTER_APP_SECRET', 'TWITTER_ACCESS_TOKEN', 'TWITTER_ACCESS_SECRET'] as const;

export type Config = z.infer<typeof schema> & {
  publicUrl: string;
  /** Cookies carry Secure when people reach Beacon over https (PUBLIC_URL says so); plain-http installs cannot set it. */
  secureCookies: boolean;
  backupDir: string;
  saml: SamlSettings | null;
};

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const c = parsed.data;
  if (Boolean(c.BOOTSTRAP_ADMIN_EMAIL) !== Boolean(c.BOOTSTRAP_ADMIN_PASSWORD)) {
    throw new ConfigError(
      'Invalid configuration:\n  BOOTSTRAP_ADMIN_EMAIL and BOOTSTRAP_ADMIN_PASSWORD must be set together',
    );
  }
  const twitterSet = TWITTER_KEYS.filter((k) => c[k]);
  if (twitterSet.length && twitterSet.length < TWITTER_KEYS.length) {
    const missing = TWITTER_KEYS.filter((k) => !c[k]);
    throw new ConfigError(`Invalid configuration:\n  ${TWITTER_KEYS.join(', ')} must be set together (missing: ${missing.join(', ')})`);
  }
  const oidcSet = OIDC_KEYS.filter((k) => c[k]);
  if (oidcSet.length && oidcSet.length < OIDC_KEYS.length) {
    const missing = OIDC_KEYS.filter((k) => !c[k]);
    throw new ConfigError(`Invalid configuration:\n  ${OIDC_KEYS.join(', ')} must be set together (missing: ${missing.join(', ')})`);
  }
  if (c.OIDC_ISSUER_URL && !c.OIDC_ISSUER_URL.startsWith('https://') && !isLoopbackUrl(c.OIDC_ISSUER_URL)) {
    throw new ConfigError('Invalid configuration:\n  OIDC_ISSUER_URL: must use https:// (plain http only for an issuer on 127.0.0.1 or localhost)');
  }
  const saml = samlSettings(c, (message) => new ConfigError(`Invalid configuration:\n  ${message}`));
  const host = c.HOST === '0.0.0.0' || c.HOST === '::' ? '127.0.0.1' : c.HOST;
  const publicUrl = (c.PUBLIC_URL ?? `http://${host}:${c.PORT}`).replace(/\/+$/, '');
  // Next to the embedded database by default (a server-backed Beacon has DATA_DIR too).
  const backupDir = c.BACKUP_DIR ?? `${c.DATA_DIR.replace(/\/+$/, '')}/backups`;
  return { ...c, publicUrl, secureCookies: publicUrl.startsWith('https://'), backupDir, saml };
}

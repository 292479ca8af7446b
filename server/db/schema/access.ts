// Staff, sessions, tokens, sign-in limits, audit log, settings and the outbox.
import { sql } from 'drizzle-orm';
import { bigint, bigserial, boolean, index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { ts } from './columns.js';

export const users = pgTable(
  'users',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    email: text('email').notNull(),
    name: text('name').notNull(),
    role: text('role', { enum: ['admin', 'regular', 'observer'] }).notNull(),
    passwordHash: text('password_hash'),
    active: boolean('active').notNull().default(true),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
  },
  (t) => [uniqueIndex('users_email_key').on(sql`lower(${t.email})`)],
);

export const sessions = pgTable(
  'sessions',
  {
    idHash: text('id_hash').primaryKey(),
    /** The public handle of a session (lists, "end this session"); the cookie's hash stays private. */
    id: uuid('id').notNull().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: ts('created_at').notNull(),
    expiresAt: ts('expires_at').notNull(),
    /** Updated at most once a minute, so a busy console does not write on every request. */
    lastSeenAt: ts('last_seen_at'),
    userAgent: text('user_agent'),
    /** How the session was opened: password (+ factor), passkey, or an identity provider (oidc, saml). */
    signInMethod: text('sign_in_method', { enum: ['password', 'passkey', 'oidc', 'saml'] }).notNull().default('password'),
  },
  (t) => [index('sessions_user_idx').on(t.userId), uniqueIndex('sessions_id_key').on(t.id)],
);

/** A staff account linked to an identity provider's subject (OIDC `iss|sub`, SAML NameID), so a changed e-mail at the IdP still finds the person. */
export const externalIdentities = pgTable(
  'external_identities',
  {
    provider: text('provider', { enum: ['oidc', 'saml'] }).notNull(),
    subject: text('subject').notNull(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: ts('created_at').notNull(),
    lastUsedAt: ts('last_used_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.provider, t.subject] }), index('external_identities_user_idx').on(t.userId)],
);

/**
 * SAML message ids with a lifetime, shared by every instance: the AuthnRequests Beacon sent (a response
 * must answer one of them, once) and the assertions it accepted (never accepted twice).
 */
export const samlMessageIds = pgTable(
  'saml_message_ids',
  {
    kind: text('kind', { enum: ['request', 'assertion'] }).notNull(),
    id: text('id').notNull(),
    /** The message's IssueInstant as it was written (node-saml compares it as text). */
    issuedAt: text('issued_at').notNull(),
    expiresAt: ts('expires_at').notNull(),
    /** When a response answering this request arrived; a used request is not answered twice. */
    usedAt: ts('used_at'),
  },
  (t) => [primaryKey({ columns: [t.kind, t.id] }), index('saml_message_ids_expires_at_idx').on(t.expiresAt)],
);

export const apiTokens = pgTable(
  'api_tokens',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    tokenHash: text('token_hash').notNull().unique(),
    prefix: text('prefix').notNull(),
    createdAt: ts('created_at').notNull(),
    lastUsedAt: ts('last_used_at'),
    revokedAt: ts('revoked_at'),
  },
  (t) => [index('api_tokens_user_idx').on(t.userId)],
);

/** Failed-login streaks, keyed by e-mail so unknown addresses lock exactly like known ones. */
/** Failed sign-in streaks per (e-mail, client address): a lock earned from one address binds only that address. */
export const loginAttempts = pgTable(
  'login_attempts',
  {
    email: text('email').notNull(),
    clientAddress: text('client_address').notNull().default(''),
    failures: integer('failures').notNull().default(0),
    lockedUntil: ts('locked_until'),
    lastFailureAt: ts('last_failure_at'),
  },
  (t) => [primaryKey({ columns: [t.email, t.clientAddress] }), index('login_attempts_last_failure_at_idx').on(t.lastFailureAt)],
);

/**
 * Fixed-window counters kept in the database, so limits hold across instances and follow the
 * injected clock: `sign_in:<client address>`, `confirmation_mails`.
 */
export const rateWindows = pgTable(
  'rate_windows',
  {
    bucket: text('bucket').primaryKey(),
    windowStartedAt: ts('window_started_at').notNull(),
    hits: integer('hits').notNull().default(0),
  },
  (t) => [index('rate_windows_window_started_at_idx').on(t.windowStartedAt)],
);

/** One-time links: first-admin setup (userId null), invitations and password resets. */
export const oneTimeTokens = pgTable(
  'one_time_tokens',
  {
    tokenHash: text('token_hash').primaryKey(),
    purpose: text('purpose', { enum: ['setup', 'set_password', 'reset_password'] }).notNull(),
    userId: uuid('user_id').references(() => users.id, { onDelete: 'cascade' }),
    createdAt: ts('created_at').notNull(),
    expiresAt: ts('expires_at').notNull(),
    usedAt: ts('used_at'),
  },
  (t) => [index('one_time_tokens_user_idx').on(t.userId)],
);

/**
 * A person's TOTP factor. The seed is sealed with the secrets key (AES-256-GCM), never stored in
 * clear; it takes effect once confirmed with a code. `lastUsedStep` refuses a code's replay.
 */
export const totpFactors = pgTable('totp_factors', {
  userId: uuid('user_id')
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  secretSealed: text('secret_sealed').notNull(),
  createdAt: ts('created_at').notNull(),
  confirmedAt: ts('confirmed_at'),
  lastUsedStep: bigint('last_used_step', { mode: 'number' }),
});

/** Single-use recovery codes (SHA-256 of high-entropy codes), shown once at enrolment. */
export const recoveryCodes = pgTable(
  'recovery_codes',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    codeHash: text('code_hash').notNull(),
    createdAt: ts('created_at').notNull(),
    usedAt: ts('used_at'),
  },
  (t) => [index('recovery_codes_user_idx').on(t.userId)],
);

export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    at: ts('at').notNull(),
    actorId: uuid('actor_id'),
    actorEmail: text('actor_email'),
    action: text('action').notNull(),
    subjectType: text('subject_type').notNull(),
    subjectId: text('subject_id'),
    before: jsonb('before'),
    after: jsonb('after'),
    requestId: text('request_id'),
  },
  (t) => [index('audit_log_at_idx').on(t.at)],
);

export const settings = pgTable('settings', {
  key: text('key').primaryKey(),
  value: jsonb('value').notNull(),
  updatedAt: ts('updated_at').notNull(),
});

/** Side-effect intents written in the same transaction as the change (the outbox). */
export const outboxEvents = pgTable(
  'outbox_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    type: text('type').notNull(),
    payload: jsonb('payload').notNull(),
    createdAt: ts('created_at').notNull(),
    dispatchedAt: ts('dispatched_at'),
  },
  (t) => [index('outbox_events_pending_idx').on(t.id).where(sql`dispatched_at is null`)],
);

import { eq, sql } from 'drizzle-orm';
import { settings, users } from '../../db/schema.js';
import type { Db, Executor } from '../../db/client.js';
import { recordAudit } from '../audit.js';
import { inTransaction, type Ctx } from '../context.js';
import { DomainError } from '../errors.js';

export const SSO_ENFORCED_KEY = 'sso_enforced';

export const PASSWORD_REFUSED =
  'This Beacon signs staff in through single sign-on. Use the single sign-on button on the sign-in page; passwords work only for the break-glass admins named in its configuration.';

/** The admin policy "SSO enforced": passwords only for break-glass admins; everyone else through the identity provider. */
export async function ssoEnforced(db: Db | Executor): Promise<boolean> {
  const [row] = await db.select().from(settings).where(eq(settings.key, SSO_ENFORCED_KEY));
  return row?.value === true;
}

/** Who may still use a password under "SSO enforced", from configuration (see passwordPolicyOf in providers.ts). */
export interface PasswordPolicy {
  /** Without an identity provider the policy is not in effect: removing the provider must not lock everyone out. */
  ssoConfigured: boolean;
  /** Lower-case addresses of the break-glass admins (SSO_BREAK_GLASS_EMAILS). */
  breakGlassEmails: readonly string[];
}

/**
 * Every password sign-in (console, API token, the sign-in after a set-password link) asks this first,
 * before the password is checked, so a refusal says nothing about whether the password was right.
 * Under "SSO enforced" only active admins whose address is on the break-glass list pass (they still go
 * through their second factor); the refusal is one message for everyone and is audited.
 */
export async function assertPasswordSignInAllowed(ctx: Ctx, policy: PasswordPolicy, email: string): Promise<void> {
  if (!policy.ssoConfigured || !(await ssoEnforced(ctx.db))) return;
  const address = email.trim().toLowerCase();
  const [user] = policy.breakGlassEmails.includes(address) ? await ctx.db.select().from(users).where(sql`lower(${users.email}) = ${address}`) : [];
  if (user?.active && user.role === 'admin') return;
  await inTransaction({ ...ctx, actor: null }, (t) =>
    recordAudit(t, { action: 'session.password_refused', subjectType: 'user', subjectId: null, after: { email: address, reason: 'sso_enforced' } }),
  );
  throw new DomainError('forbidden', 'sso_enforced', PASSWORD_REFUSED);
}

import { and, eq, sql } from 'drizzle-orm';
import { externalIdentities, users } from '../../db/schema.js';
import { recordAudit } from '../audit.js';
import { inTransaction, type Actor, type Ctx } from '../context.js';
import { unauthenticated } from '../errors.js';
import { toActor } from '../staff/userPresenterFields.js';

/** What a verified OIDC ID token or SAML assertion says about the person. */
export interface ExternalIdentity {
  provider: 'oidc' | 'saml';
  /** Stable id at the provider: OIDC `iss|sub`, SAML NameID (with its format's issuer). */
  subject: string;
  email: string;
  /** OIDC `email_verified`; SAML IdPs assert addresses they manage, so true. */
  emailVerified: boolean;
  name?: string;
}

export interface IdentityPolicy {
  /** Lower-case domains; empty = any domain. */
  allowedDomains: readonly string[];
  /** Just-in-time accounts (observer) for people no admin invited; off by default. */
  createAccounts: boolean;
}

// One message for every refusal a stranger could probe, so the flow cannot tell who has an account.
const NO_ACCESS = 'Your identity provider signed you in, but that account cannot use this Beacon. Ask an admin to invite you.';

/**
 * The single door from an identity provider into Beacon, shared by OIDC and SAML: checks the verified
 * e-mail and the allowed domains, finds the person by their linked subject (else by e-mail, then links
 * it), optionally creates an observer, and audits every outcome. Opening the session is the caller's.
 */
export async function signInWithIdentityProvider(ctx: Ctx, identity: ExternalIdentity, policy: IdentityPolicy): Promise<Actor> {
  const email = identity.email.trim().toLowerCase();
  const domain = email.split('@')[1] ?? '';
  const refuse = async (reason: string, userId: string | null, message = NO_ACCESS): Promise<never> => {
    await inTransaction(ctx, (t) =>
      recordAudit(t, { action: 'sso.refused', subjectType: 'user', subjectId: userId, after: { provider: identity.provider, reason, email_domain: domain } }),
    );
    throw unauthenticated(message, 'sso_refused');
  };

  if (!identity.emailVerified || !email.includes('@')) return refuse('email_not_verified', null, 'Your identity provider has not verified your e-mail address, so Beacon cannot sign you in with it.');
  if (policy.allowedDomains.length > 0 && !policy.allowedDomains.includes(domain)) return refuse('domain_not_allowed', null);

  type Outcome = { actor: Actor } | { refused: 'no_account' | 'inactive'; userId: string | null };
  const outcome = await inTransaction(ctx, async (t): Promise<Outcome> => {
    const [linked] = await t.tx
      .select({ user: users })
      .from(externalIdentities)
      .innerJoin(users, eq(users.id, externalIdentities.userId))
      .where(and(eq(externalIdentities.provider, identity.provider), eq(externalIdentities.subject, identity.subject)));
    let user = linked?.user;
    let created = false;
    if (!user) {
      [user] = await t.tx.select().from(users).where(sql`lower(${users.email}) = ${email}`);
      if (!user && policy.createAccounts) {
        const name = identity.name?.trim().slice(0, 200) || email.split('@')[0]!;
        [user] = await t.tx.insert(users).values({ email, name, role: 'observer', passwordHash: null, createdAt: t.now, updatedAt: t.now }).returning();
        created = true;
        await recordAudit(t, { action: 'user.create', subjectType: 'user', subjectId: user!.id, after: { role: 'observer', via: identity.provider } });
      }
      if (!user) return { refused: 'no_account', userId: null };
      if (!user.active) return { refused: 'inactive', userId: user.id };
      await t.tx.insert(externalIdentities).values({ provider: identity.provider, subject: identity.subject, userId: user.id, createdAt: t.now, lastUsedAt: t.now });
    } else {
      if (!user.active) return { refused: 'inactive', userId: user.id };
      await t.tx
        .update(externalIdentities)
        .set({ lastUsedAt: t.now })
        .where(and(eq(externalIdentities.provider, identity.provider), eq(externalIdentities.subject, identity.subject)));
    }
    await recordAudit(t, { action: 'sso.sign_in', subjectType: 'user', subjectId: user.id, after: { provider: identity.provider, created } });
    return { actor: toActor(user) };
  });
  if ('refused' in outcome) return refuse(outcome.refused, outcome.userId);
  return outcome.actor;
}

import { settings } from '../../db/schema.js';
import { recordAudit } from '../audit.js';
import { inTransaction, type Ctx } from '../context.js';
import { ruleBroken } from '../errors.js';
import { assertCan } from '../roles.js';
import { SSO_ENFORCED_KEY, ssoEnforced } from './passwordSignInPolicy.js';

/**
 * Admin policy "SSO enforced". It can only be switched on while an identity provider is configured:
 * otherwise nobody but the break-glass admins could sign in at all.
 */
export async function setSsoEnforced(ctx: Ctx, enforced: boolean, opts: { ssoConfigured: boolean }): Promise<void> {
  assertCan(ctx.actor!.role, 'administer');
  if (enforced && !opts.ssoConfigured)
    throw ruleBroken('sso_not_configured', 'Single sign-on cannot be enforced: no identity provider is configured (see OIDC_ISSUER_URL in the README).');
  await inTransaction(ctx, async (t) => {
    const before = await ssoEnforced(t.tx);
    await t.tx
      .insert(settings)
      .values({ key: SSO_ENFORCED_KEY, value: enforced, updatedAt: t.now })
      .onConflictDoUpdate({ target: settings.key, set: { value: enforced, updatedAt: t.now } });
    await recordAudit(t, { action: 'settings.sso_enforced', subjectType: 'setting', subjectId: null, before: { enforced: before }, after: { enforced } });
  });
}

import { inTransaction, type Ctx } from '../context.js';
import { ruleBroken } from '../errors.js';
import { assertCan } from '../roles.js';
import { saveSwitchSetting } from '../settings/switchSetting.js';
import { SSO_ENFORCED_KEY } from './passwordSignInPolicy.js';

/**
 * Admin policy "SSO enforced". It can only be switched on while an identity provider is configured:
 * otherwise nobody but the break-glass admins could sign in at all.
 */
export async function setSsoEnforced(ctx: Ctx, enforced: boolean, opts: { ssoConfigured: boolean }): Promise<void> {
  assertCan(ctx.actor!.role, 'administer');
  if (enforced && !opts.ssoConfigured)
    throw ruleBroken('sso_not_configured', 'Single sign-on cannot be enforced: no identity provider is configured (OIDC_* or SAML_* settings, see the README).');
  await inTransaction(ctx, (t) => saveSwitchSetting(t, SSO_ENFORCED_KEY, 'enforced', enforced));
}

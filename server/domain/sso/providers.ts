import type { Config } from '../../config.js';
import type { PasswordPolicy } from './passwordSignInPolicy.js';
import type { ExternalIdentity, IdentityPolicy } from './signInWithIdentityProvider.js';

/** An identity provider this Beacon offers on its sign-in page. */
export interface SsoProvider {
  id: ExternalIdentity['provider'];
  /** The sign-in button's text. */
  label: string;
  /** Where the button leads: the route that starts the provider's flow. */
  startPath: string;
  policy: IdentityPolicy;
}

/** The identity providers configured in the environment, in the order the sign-in page shows them. */
export function ssoProviders(config: Config): SsoProvider[] {
  const providers: SsoProvider[] = [];
  if (config.OIDC_ISSUER_URL && config.OIDC_CLIENT_ID && config.OIDC_CLIENT_SECRET) {
    providers.push({
      id: 'oidc',
      label: config.OIDC_LABEL,
      startPath: '/console/login/oidc',
      policy: { allowedDomains: config.OIDC_ALLOWED_DOMAINS, createAccounts: config.OIDC_CREATE_ACCOUNTS },
    });
  }
  if (config.saml) {
    providers.push({
      id: 'saml',
      label: config.saml.label,
      startPath: '/console/login/saml',
      policy: { allowedDomains: config.saml.allowedDomains, createAccounts: config.saml.createAccounts },
    });
  }
  return providers;
}

/** True when people can sign in through at least one identity provider (the "SSO enforced" policy needs one). */
export const ssoConfigured = (config: Config): boolean => ssoProviders(config).length > 0;

/** What password sign-in needs to know under the "SSO enforced" policy. */
export const passwordPolicyOf = (config: Config): PasswordPolicy => ({ ssoConfigured: ssoConfigured(config), breakGlassEmails: config.SSO_BREAK_GLASS_EMAILS });

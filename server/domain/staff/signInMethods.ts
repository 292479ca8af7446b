/** How a console session was opened. Sessions from an identity provider follow the IdP's own rules (seed: "with SSO the IdP's own rules apply"). */
export type SignInMethod = 'password' | 'passkey' | 'oidc' | 'saml';

export const viaIdentityProvider = (method: SignInMethod): boolean => method === 'oidc' || method === 'saml';

import type { Profile } from '@node-saml/node-saml';
import type { ExternalIdentity } from '../../domain/sso/signInWithIdentityProvider.js';
import { SamlRefused } from './samlRefusals.js';

export const EMAIL_NAME_ID = 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress';

// Where IdPs usually put the address and the name (plain, Entra ID/ADFS claim URIs, LDAP OIDs).
const EMAIL_ATTRIBUTES = ['email', 'mail', 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress', 'urn:oid:0.9.2342.19200300.100.1.3'];
const DISPLAY_NAME = ['displayName', 'http://schemas.microsoft.com/identity/claims/displayname', 'urn:oid:2.16.840.1.113730.3.1.241', 'name'];
const GIVEN_NAME = ['givenName', 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/givenname', 'urn:oid:2.5.4.42'];
const SURNAME = ['surname', 'sn', 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/surname', 'urn:oid:2.5.4.4'];

/** The first text value of the first named attribute that has one. */
function attribute(profile: Profile, names: readonly string[]): string | undefined {
  const attributes = (profile.attributes ?? {}) as Record<string, unknown>;
  for (const name of names) {
    const value = attributes[name];
    const first = Array.isArray(value) ? value[0] : value;
    if (typeof first === 'string' && first.trim()) return first.trim();
  }
  return undefined;
}

/**
 * What a verified assertion says about the person: the subject is the IdP's entity id with the
 * NameID (stable when the NameID format is persistent or emailAddress), the address comes from the
 * configured attribute, else an emailAddress NameID, else the usual attributes. IdPs assert addresses
 * they manage, so the address counts as verified.
 */
export function identityFromProfile(profile: Profile, emailAttribute: string | null): ExternalIdentity {
  const email = emailAttribute
    ? attribute(profile, [emailAttribute])
    : profile.nameIDFormat === EMAIL_NAME_ID && profile.nameID
      ? profile.nameID
      : attribute(profile, EMAIL_ATTRIBUTES);
  if (!email || !profile.nameID) throw new SamlRefused('email_missing');
  const given = attribute(profile, GIVEN_NAME);
  const surname = attribute(profile, SURNAME);
  const name = attribute(profile, DISPLAY_NAME) ?? ([given, surname].filter(Boolean).join(' ') || undefined);
  return { provider: 'saml', subject: `${profile.issuer}|${profile.nameID}`, email, emailVerified: true, name };
}

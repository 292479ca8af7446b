import crypto from 'node:crypto';
import { z } from 'zod';

/** Where Beacon learns about the SAML identity provider: its metadata, or the three facts by hand. */
export type SamlIdpSource = { metadataUrl: string } | { entityId: string; ssoUrl: string; certs: string[] };

export interface SamlSettings {
  idp: SamlIdpSource;
  /** Text of the sign-in page's button. */
  label: string;
  allowedDomains: string[];
  createAccounts: boolean;
  /** Attribute holding the e-mail address; unset = NameID in emailAddress format, else the usual attributes. */
  emailAttribute: string | null;
  /** Optional key pair for signing AuthnRequests (some IdPs insist). */
  spSigning: { privateKey: string; cert: string } | null;
}

/** PEM text from an env var: `\n` escapes (one-line .env files) become newlines; bare base64 gets its armour. */
export function normalisePem(value: string, label: 'CERTIFICATE' | 'PRIVATE KEY'): string {
  const text = value.replace(/\\n/g, '\n').trim();
  if (text.includes('-----BEGIN')) return text;
  const body = text.replace(/\s+/g, '');
  return `-----BEGIN ${label}-----\n${body.match(/.{1,64}/g)?.join('\n') ?? ''}\n-----END ${label}-----`;
}

const isCertificate = (pem: string) => {
  try {
    new crypto.X509Certificate(pem);
    return true;
  } catch {
    return false;
  }
};

const isPrivateKey = (pem: string) => {
  try {
    crypto.createPrivateKey(pem);
    return true;
  } catch {
    return false;
  }
};

const certificate = z
  .string()
  .transform((v) => normalisePem(v, 'CERTIFICATE'))
  .refine(isCertificate, 'must be an X.509 certificate as PEM text (-----BEGIN CERTIFICATE----- …)');

const domainList = z
  .string()
  .transform((v) => v.split(',').map((d) => d.trim().toLowerCase()).filter(Boolean))
  .pipe(z.array(z.string().regex(/^[a-z0-9-]+(\.[a-z0-9-]+)+$/, 'must be a comma-separated list of domains such as example.com')));

/** The SAML_* entries of the one env schema (server/config.ts), which lends its boolean parser. */
export function samlVars<B extends z.ZodType<boolean>>(boolDefaultFalse: B) {
  return {
    SAML_IDP_METADATA_URL: z.string().url('must be an absolute URL such as https://idp.example.com/metadata').optional(),
    SAML_IDP_ENTITY_ID: z.string().min(1).max(1000).optional(),
    SAML_IDP_SSO_URL: z.string().url('must be an absolute URL such as https://idp.example.com/sso').optional(),
    SAML_IDP_CERT: certificate.optional(),
    SAML_LABEL: z.string().min(1).max(60).default('Sign in with SAML'),
    SAML_ALLOWED_DOMAINS: domainList.optional(),
    SAML_CREATE_ACCOUNTS: boolDefaultFalse,
    SAML_EMAIL_ATTRIBUTE: z.string().min(1).max(300).optional(),
    SAML_SP_PRIVATE_KEY: z
      .string()
      .transform((v) => normalisePem(v, 'PRIVATE KEY'))
      .refine(isPrivateKey, 'must be a private key as PEM text (-----BEGIN PRIVATE KEY----- …)')
      .optional(),
    SAML_SP_CERT: certificate.optional(),
  };
}

interface SamlVars {
  SAML_IDP_METADATA_URL?: string;
  SAML_IDP_ENTITY_ID?: string;
  SAML_IDP_SSO_URL?: string;
  SAML_IDP_CERT?: string;
  SAML_LABEL: string;
  SAML_ALLOWED_DOMAINS?: string[];
  SAML_CREATE_ACCOUNTS: boolean;
  SAML_EMAIL_ATTRIBUTE?: string;
  SAML_SP_PRIVATE_KEY?: string;
  SAML_SP_CERT?: string;
}

const MANUAL = ['SAML_IDP_ENTITY_ID', 'SAML_IDP_SSO_URL', 'SAML_IDP_CERT'] as const;

/** Checks the combinations the schema cannot: which way the IdP is given, and key pairs set together. */
export function samlSettings(c: SamlVars, fail: (message: string) => Error): SamlSettings | null {
  const manual = MANUAL.filter((k) => c[k]);
  if (c.SAML_IDP_METADATA_URL && manual.length) throw fail(`SAML_IDP_METADATA_URL and ${manual.join(', ')} are two ways to name the IdP: set one`);
  if (manual.length && manual.length < MANUAL.length) {
    throw fail(`${MANUAL.join(', ')} must be set together (missing: ${MANUAL.filter((k) => !c[k]).join(', ')})`);
  }
  if (Boolean(c.SAML_SP_PRIVATE_KEY) !== Boolean(c.SAML_SP_CERT)) throw fail('SAML_SP_PRIVATE_KEY and SAML_SP_CERT must be set together');
  const idp: SamlIdpSource | null = c.SAML_IDP_METADATA_URL
    ? { metadataUrl: c.SAML_IDP_METADATA_URL }
    : manual.length
      ? { entityId: c.SAML_IDP_ENTITY_ID!, ssoUrl: c.SAML_IDP_SSO_URL!, certs: [c.SAML_IDP_CERT!] }
      : null;
  if (!idp) return null;
  return {
    idp,
    label: c.SAML_LABEL,
    allowedDomains: c.SAML_ALLOWED_DOMAINS ?? [],
    createAccounts: c.SAML_CREATE_ACCOUNTS,
    emailAttribute: c.SAML_EMAIL_ATTRIBUTE ?? null,
    spSigning: c.SAML_SP_PRIVATE_KEY && c.SAML_SP_CERT ? { privateKey: c.SAML_SP_PRIVATE_KEY, cert: c.SAML_SP_CERT } : null,
  };
}

import { SAML, ValidateInResponseTo, generateServiceProviderMetadata, type CacheProvider, type Profile } from '@node-saml/node-saml';
import type { AppDeps } from '../../deps.js';
import type { Ctx } from '../../domain/context.js';
import { claimSamlAssertion, markSamlRequestAnswered, pendingSamlRequest, rememberSamlRequest, samlRequestAnswered } from '../../domain/sso/samlMessageIds.js';
import type { ExternalIdentity } from '../../domain/sso/signInWithIdentityProvider.js';
import type { SamlSettings } from '../../samlConfig.js';
import { IdpMetadataSource, parseXml, type IdpDescriptor } from './idpMetadata.js';
import { EMAIL_NAME_ID, identityFromProfile } from './samlIdentity.js';
import { reasonOfLibraryError, SamlRefused, type SamlRefusalReason } from './samlRefusals.js';

export const SAML_ACS_PATH = '/console/login/saml/acs';
export const SAML_METADATA_PATH = '/saml/metadata.xml';
/** Real responses are a few KB (tens with many groups); anything bigger is refused unread. */
export const SAML_BODY_LIMIT = '256kb';

/** How far Beacon's clock and the IdP's may disagree. */
const CLOCK_SKEW_MS = 60_000;
/** An assertion older than this (from its IssueInstant) is refused whatever its NotOnOrAfter says. */
const MAX_ASSERTION_AGE_MS = 5 * 60_000;
/** How long a person has at the IdP between the button and the answer. */
const REQUEST_LIFETIME_MS = 15 * 60_000;

const PROTOCOL = 'urn:oasis:names:tc:SAML:2.0:protocol';
const ASSERTION = 'urn:oasis:names:tc:SAML:2.0:assertion';
const DS = 'http://www.w3.org/2000/09/xmldsig#';

type XmlJs = { $?: Record<string, string>; _?: string } & { [child: string]: XmlJs[] | Record<string, string> | string | undefined };
const first = (node: XmlJs | undefined, child: string): XmlJs | undefined => (node?.[child] as XmlJs[] | undefined)?.[0];
const all = (node: XmlJs | undefined, child: string): XmlJs[] => (node?.[child] as XmlJs[] | undefined) ?? [];

/** Why an answer to a request this browser did not start is refused: said as precisely as is known. */
async function foreignAnswer(ctx: Ctx, requestId: string): Promise<SamlRefusalReason> {
  if (await samlRequestAnswered(ctx.db, requestId)) return 'replayed';
  return (await pendingSamlRequest(ctx.db, requestId, ctx.now)) ? 'other_browser' : 'unknown_request';
}

/**
 * Beacon as a SAML 2.0 service provider (SP-initiated, HTTP-Redirect out, HTTP-POST back), built on
 * node-saml: it signs nothing it does not have to, demands a signed assertion, and on top of what the
 * library checks (signature, audience, time, InResponseTo) checks the issuer, the recipient and the
 * destination, and accepts each assertion once across instances.
 */
export class SamlServiceProvider {
  readonly entityId: string;
  readonly acsUrl: string;
  private readonly metadata: IdpMetadataSource | null;

  constructor(
    private readonly deps: AppDeps,
    readonly settings: SamlSettings,
  ) {
    this.entityId = deps.config.publicUrl + SAML_METADATA_PATH;
    this.acsUrl = deps.config.publicUrl + SAML_ACS_PATH;
    this.metadata = 'metadataUrl' in settings.idp ? new IdpMetadataSource(settings.idp.metadataUrl, deps.clock, deps.logger) : null;
  }

  private async idp(): Promise<IdpDescriptor> {
    const idp = this.settings.idp;
    return 'metadataUrl' in idp ? this.metadata!.get() : idp;
  }

  /** Request ids live in the database, so the answer may reach any instance, even after a restart. */
  private cache(ctx: Ctx, sent?: (id: string) => void): CacheProvider {
    return {
      saveAsync: async (id, issuedAt) => {
        await rememberSamlRequest(ctx.db, id, issuedAt, ctx.now, REQUEST_LIFETIME_MS);
        sent?.(id);
        return { value: issuedAt, createdAt: ctx.now.getTime() };
      },
      getAsync: (id) => pendingSamlRequest(ctx.db, id, ctx.now),
      // node-saml "removes" a request once a response names it, valid or not; keeping it as answered
      // lets a second response naming it be told apart (a replay) from one naming a request never sent.
      removeAsync: async (id) => {
        if (id) await markSamlRequestAnswered(ctx.db, id, ctx.now);
        return id;
      },
    };
  }

  private options() {
    const signing = this.settings.spSigning;
    return {
      issuer: this.entityId,
      callbackUrl: this.acsUrl,
      // With an e-mail attribute configured, any NameID format will do; otherwise ask for the address.
      identifierFormat: this.settings.emailAttribute ? null : EMAIL_NAME_ID,
      wantAssertionsSigned: true,
      ...(signing ? { privateKey: signing.privateKey, publicCert: signing.cert, signatureAlgorithm: 'sha256' as const } : {}),
    };
  }

  private saml(ctx: Ctx, idp: IdpDescriptor, sent?: (id: string) => void): SAML {
    return new SAML({
      ...this.options(),
      entryPoint: idp.ssoUrl,
      idpCert: idp.certs,
      idpIssuer: idp.entityId,
      audience: this.entityId,
      wantAuthnResponseSigned: false,
      acceptedClockSkewMs: CLOCK_SKEW_MS,
      maxAssertionAgeMs: MAX_ASSERTION_AGE_MS,
      validateInResponseTo: ValidateInResponseTo.always,
      requestIdExpirationPeriodMs: REQUEST_LIFETIME_MS,
      cacheProvider: this.cache(ctx, sent),
      // Asking for "password" fails at IdPs that sign people in with a passkey or MFA; the IdP decides.
      disableRequestedAuthnContext: true,
    });
  }

  /**
   * Where to send the browser: the IdP's SSO URL with a fresh AuthnRequest; `next` rides in RelayState.
   * The request's id is for the browser to keep (samlBrowserBinding.ts).
   */
  async authorizeUrl(ctx: Ctx, next: string): Promise<{ url: string; requestId: string }> {
    let requestId = '';
    const url = await this.saml(ctx, await this.idp(), (id) => (requestId = id)).getAuthorizeUrlAsync(next, undefined, {});
    if (!requestId) throw new Error('node-saml made an AuthnRequest without remembering its id');
    return { url, requestId };
  }

  /** The SP metadata XML an IdP admin imports (entity id, ACS URL, NameID format, signing cert if any). */
  metadataXml(): string {
    const signing = this.settings.spSigning;
    return generateServiceProviderMetadata({ ...this.options(), publicCerts: signing?.cert ?? null });
  }

  /**
   * Verifies a posted SAMLResponse and says who it names; throws SamlRefused with the reason otherwise.
   * `startedHere`: the AuthnRequest ids the posting browser started; an answer to any other is refused.
   */
  async verify(ctx: Ctx, body: unknown, startedHere: readonly string[]): Promise<ExternalIdentity> {
    const encoded = (body as { SAMLResponse?: unknown } | undefined)?.SAMLResponse;
    if (typeof encoded !== 'string' || !/^[A-Za-z0-9+/=\r\n]+$/.test(encoded)) throw new SamlRefused('malformed');
    const response = this.envelope(Buffer.from(encoded, 'base64').toString('utf8'));
    const answering = response.getAttribute('InResponseTo');
    // Checked before node-saml sees it, so a foreign answer cannot use up this browser's own request.
    // (No InResponseTo at all is IdP-initiated: node-saml refuses it as answering no request.)
    if (answering && !startedHere.includes(answering)) throw new SamlRefused(await foreignAnswer(ctx, answering));
    const idp = await this.idp();
    let profile: Profile | null;
    try {
      ({ profile } = await this.saml(ctx, idp).validatePostResponseAsync({ SAMLResponse: encoded }));
    } catch (err) {
      const reason = reasonOfLibraryError(err as Error);
      const answered = response.getAttribute('InResponseTo');
      if (reason === 'unknown_request' && answered && (await samlRequestAnswered(ctx.db, answered))) throw new SamlRefused('replayed');
      throw new SamlRefused(reason);
    }
    if (!profile?.getAssertion) throw new SamlRefused('invalid_response');
    await this.acceptOnce(ctx, profile.getAssertion().Assertion as XmlJs, idp);
    return identityFromProfile(profile, this.settings.emailAttribute);
  }

  /** The unsigned outer Response: well-formed, addressed to us, carrying one signed assertion. */
  private envelope(xml: string): Element {
    let root: Element | null;
    try {
      root = parseXml(xml).documentElement;
    } catch {
      throw new SamlRefused('malformed');
    }
    if (!root || root.localName !== 'Response' || root.namespaceURI !== PROTOCOL) throw new SamlRefused('malformed');
    const destination = root.getAttribute('Destination');
    if (destination && destination !== this.acsUrl) throw new SamlRefused('wrong_destination');
    const elements = (parent: Element, ns: string, name: string) =>
      Array.from(parent.childNodes as unknown as ArrayLike<Node>).filter((n): n is Element => n.nodeType === 1 && (n as Element).localName === name && (n as Element).namespaceURI === ns);
    const assertions = elements(root, ASSERTION, 'Assertion');
    if (assertions.length === 1 && elements(assertions[0]!, DS, 'Signature').length === 0) throw new SamlRefused('unsigned');
    return root;
  }

  /** Checks on the verified assertion that node-saml leaves to us, then claims its id (once, ever). */
  private async acceptOnce(ctx: Ctx, assertion: XmlJs, idp: IdpDescriptor): Promise<void> {
    if (first(assertion, 'Issuer')?._ !== idp.entityId) throw new SamlRefused('wrong_issuer');
    const recipients = all(first(assertion, 'Subject'), 'SubjectConfirmation').map((c) => first(c, 'SubjectConfirmationData')?.$?.Recipient);
    if (!recipients.includes(this.acsUrl)) throw new SamlRefused('wrong_recipient');
    const id = assertion.$?.ID;
    const issuedAt = assertion.$?.IssueInstant ?? '';
    const issuedMs = Date.parse(issuedAt);
    if (!id || Number.isNaN(issuedMs)) throw new SamlRefused('malformed');
    const now = ctx.now.getTime();
    if (issuedMs < now - MAX_ASSERTION_AGE_MS - CLOCK_SKEW_MS || issuedMs > now + CLOCK_SKEW_MS) throw new SamlRefused('expired');
    // Remembered until it would be refused as too old anyway.
    const forgetAt = new Date(issuedMs + MAX_ASSERTION_AGE_MS + 2 * CLOCK_SKEW_MS);
    if (!(await claimSamlAssertion(ctx.db, id, issuedAt, ctx.now, forgetAt))) throw new SamlRefused('replayed');
  }
}

import { DOMParser } from '@xmldom/xmldom';
import type { Clock } from '../../clock.js';
import { unavailable } from '../../domain/errors.js';
import type { Logger } from '../../logger.js';
import { normalisePem } from '../../samlConfig.js';

/** The three facts Beacon needs about a SAML identity provider. */
export interface IdpDescriptor {
  entityId: string;
  /** Where AuthnRequests go (HTTP-Redirect binding). */
  ssoUrl: string;
  /** Signing certificates as PEM; more than one while the IdP rolls its key. */
  certs: string[];
}

const MD = 'urn:oasis:names:tc:SAML:2.0:metadata';
const DS = 'http://www.w3.org/2000/09/xmldsig#';
const REDIRECT = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect';
const FETCH_TIMEOUT_MS = 5_000;
const MAX_BYTES = 1_000_000;
/** Metadata is read again after this, so a rolled IdP key is picked up without a restart. */
const REFRESH_MS = 60 * 60_000;
const RETRY_MS = 60_000;

/** Strict XML: a parse error is a failure, not a half-read document (warnings pass, as in node-saml). */
export function parseXml(text: string) {
  const fail = (msg: string) => {
    throw new Error(`not well-formed XML: ${msg.split('\n')[0]}`);
  };
  return new DOMParser({ errorHandler: { error: fail, fatalError: fail } }).parseFromString(text, 'text/xml');
}

const children = (parent: Element, ns: string, name: string): Element[] => Array.from(parent.getElementsByTagNameNS(ns, name));

/** Reads an IdP's entity id, HTTP-Redirect SSO URL and signing certificates from its SAML metadata. */
export function parseIdpMetadata(xml: string): IdpDescriptor {
  const doc = parseXml(xml);
  const entity = children(doc.documentElement!, MD, 'EntityDescriptor').concat(doc.documentElement!).find((e) => e.localName === 'EntityDescriptor' && children(e, MD, 'IDPSSODescriptor').length > 0);
  if (!entity) throw new Error('no EntityDescriptor with an IDPSSODescriptor');
  const entityId = entity.getAttribute('entityID');
  if (!entityId) throw new Error('the EntityDescriptor has no entityID');
  const idp = children(entity, MD, 'IDPSSODescriptor')[0]!;
  const ssoUrl = children(idp, MD, 'SingleSignOnService').find((s) => s.getAttribute('Binding') === REDIRECT)?.getAttribute('Location');
  if (!ssoUrl) throw new Error('no SingleSignOnService with the HTTP-Redirect binding');
  const certs = children(idp, MD, 'KeyDescriptor')
    .filter((k) => (k.getAttribute('use') || 'signing') === 'signing')
    .flatMap((k) => children(k, DS, 'X509Certificate'))
    .map((c) => normalisePem(c.textContent ?? '', 'CERTIFICATE'));
  if (!certs.length) throw new Error('no signing certificate (KeyDescriptor use="signing")');
  return { entityId, ssoUrl, certs };
}

/**
 * SAML_IDP_METADATA_URL, fetched when first needed (not at start-up, so an IdP outage does not stop
 * Beacon) and cached; on a failed refresh the last good copy stays in use.
 */
export class IdpMetadataSource {
  private cached: { descriptor: IdpDescriptor; fetchedAt: number } | null = null;
  private inFlight: Promise<IdpDescriptor> | null = null;

  constructor(
    private readonly url: string,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  async get(): Promise<IdpDescriptor> {
    const now = this.clock.now().getTime();
    if (this.cached && now - this.cached.fetchedAt < REFRESH_MS) return this.cached.descriptor;
    this.inFlight ??= this.fetch(now).finally(() => (this.inFlight = null));
    return this.inFlight;
  }

  private async fetch(now: number): Promise<IdpDescriptor> {
    try {
      const res = await fetch(this.url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS), headers: { accept: 'application/samlmetadata+xml, application/xml, text/xml' } });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      const text = await res.text();
      if (text.length > MAX_BYTES) throw new Error(`larger than ${MAX_BYTES} bytes`);
      const descriptor = parseIdpMetadata(text);
      this.cached = { descriptor, fetchedAt: now };
      return descriptor;
    } catch (err) {
      this.logger.warn({ reason: (err as Error).message }, 'SAML: the identity provider metadata could not be read');
      if (this.cached) {
        this.cached.fetchedAt = now - REFRESH_MS + RETRY_MS; // no sign-in waits on a down IdP more than once a minute
        return this.cached.descriptor;
      }
      throw unavailable('saml_metadata_unavailable', 'Single sign-on is unavailable: Beacon cannot read the identity provider’s metadata. Try again shortly, or sign in with your password.');
    }
  }
}

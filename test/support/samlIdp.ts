import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { SignedXml } from 'xml-crypto';

export interface KeyPair {
  privateKey: string;
  cert: string;
}

/** A self-signed RSA certificate from the openssl CLI (node:crypto makes keys but not X.509 certificates). */
export function selfSignedCert(cn: string): KeyPair {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'beacon-saml-'));
  try {
    const key = path.join(dir, 'key.pem');
    const cert = path.join(dir, 'cert.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-days', '2', '-subj', `/CN=${cn}`, '-keyout', key, '-out', cert], { stdio: 'ignore' });
    return { privateKey: fs.readFileSync(key, 'utf8'), cert: fs.readFileSync(cert, 'utf8') };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Who the IdP says is signing in, and every way a test can bend the response it sends. */
export interface ResponseShape {
  nameID: string;
  nameIDFormat: string;
  attributes: Record<string, string>;
  audience?: string;
  recipient?: string;
  destination?: string;
  issuer?: string;
  inResponseTo?: string | null;
  /** Seconds added to "now" for IssueInstant (negative = in the past). */
  issuedOffset: number;
  /** Seconds from IssueInstant to NotOnOrAfter. */
  lifetime: number;
  sign: 'assertion' | 'none' | 'response';
  signWith?: KeyPair;
}

const EMAIL_FORMAT = 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress';
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

/**
 * A SAML identity provider on loopback: it takes AuthnRequests on the HTTP-Redirect binding
 * (/sso, deflated SAMLRequest), answers with the auto-posting form a browser would get (a
 * SAMLResponse whose assertion carries a real XML-DSig signature), and serves its metadata.
 */
export class TestSamlIdp {
  readonly keys = selfSignedCert('test-idp');
  baseUrl = '';
  /** The next answer's shape; tests change it before starting a sign-in. */
  shape: ResponseShape = TestSamlIdp.defaultShape('person@example.com');
  /** The last AuthnRequest received, as XML. */
  lastRequest = '';
  private server = http.createServer((req, res) => this.handle(req, res));

  static defaultShape(email: string): ResponseShape {
    return { nameID: email, nameIDFormat: EMAIL_FORMAT, attributes: { displayName: 'Sam L. Person' }, issuedOffset: 0, lifetime: 300, sign: 'assertion' };
  }

  get entityId() {
    return `${this.baseUrl}/idp`;
  }

  async start(): Promise<this> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', () => r()));
    this.baseUrl = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async close() {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse) {
    const url = new URL(req.url ?? '/', this.baseUrl);
    if (url.pathname === '/metadata') {
      res.writeHead(200, { 'content-type': 'application/samlmetadata+xml' }).end(this.metadata());
      return;
    }
    if (url.pathname !== '/sso') return void res.writeHead(404).end();
    this.lastRequest = zlib.inflateRawSync(Buffer.from(url.searchParams.get('SAMLRequest') ?? '', 'base64')).toString('utf8');
    const id = /\sID="([^"]+)"/.exec(this.lastRequest)?.[1] ?? '';
    const acs = /AssertionConsumerServiceURL="([^"]+)"/.exec(this.lastRequest)?.[1] ?? '';
    const spEntityId = /<saml:Issuer[^>]*>([^<]+)</.exec(this.lastRequest)?.[1] ?? '';
    const samlResponse = Buffer.from(this.response({ id, acs, spEntityId })).toString('base64');
    const relay = url.searchParams.get('RelayState') ?? '';
    res.writeHead(200, { 'content-type': 'text/html' }).end(
      `<form method="post" action="${esc(acs)}"><input type="hidden" name="SAMLResponse" value="${esc(samlResponse)}"><input type="hidden" name="RelayState" value="${esc(relay)}"></form><script>document.forms[0].submit()</script>`,
    );
  }

  metadata(): string {
    const cert = this.keys.cert.replace(/-----[^-]+-----|\s/g, '');
    return `<?xml version="1.0"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="${esc(this.entityId)}">
  <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol" WantAuthnRequestsSigned="false">
    <md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>${cert}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
    <md:NameIDFormat>${EMAIL_FORMAT}</md:NameIDFormat>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="${esc(this.baseUrl)}/sso-post"/>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="${esc(this.baseUrl)}/sso"/>
  </md:IDPSSODescriptor>
</md:EntityDescriptor>`;
  }

  /** A Response to the request `id` from `acs`/`spEntityId`, bent by `this.shape`. */
  response(request: { id: string; acs: string; spEntityId: string }): string {
    const s = this.shape;
    const issued = Date.now() + s.issuedOffset * 1000;
    const notOnOrAfter = iso(issued + s.lifetime * 1000);
    const issuer = esc(s.issuer ?? this.entityId);
    const inResponseTo = s.inResponseTo === undefined ? request.id : s.inResponseTo;
    const irt = inResponseTo === null ? '' : ` InResponseTo="${esc(inResponseTo)}"`;
    const assertionId = `_a${crypto.randomBytes(16).toString('hex')}`;
    const attributes = Object.entries(s.attributes)
      .map(([name, value]) => `<saml:Attribute Name="${esc(name)}"><saml:AttributeValue>${esc(value)}</saml:AttributeValue></saml:Attribute>`)
      .join('');
    const assertion =
      `<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="${assertionId}" Version="2.0" IssueInstant="${iso(issued)}">` +
      `<saml:Issuer>${issuer}</saml:Issuer>` +
      `<saml:Subject><saml:NameID Format="${esc(s.nameIDFormat)}">${esc(s.nameID)}</saml:NameID>` +
      `<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData${irt} NotOnOrAfter="${notOnOrAfter}" Recipient="${esc(s.recipient ?? request.acs)}"/></saml:SubjectConfirmation></saml:Subject>` +
      `<saml:Conditions NotBefore="${iso(issued - 5000)}" NotOnOrAfter="${notOnOrAfter}"><saml:AudienceRestriction><saml:Audience>${esc(s.audience ?? request.spEntityId)}</saml:Audience></saml:AudienceRestriction></saml:Conditions>` +
      `<saml:AuthnStatement AuthnInstant="${iso(issued)}" SessionIndex="${assertionId}"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>` +
      (attributes ? `<saml:AttributeStatement>${attributes}</saml:AttributeStatement>` : '') +
      `</saml:Assertion>`;
    const response =
      `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_r${crypto.randomBytes(16).toString('hex')}" Version="2.0" IssueInstant="${iso(issued)}" Destination="${esc(s.destination ?? request.acs)}"${irt}>` +
      `<saml:Issuer>${issuer}</saml:Issuer>` +
      `<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>` +
      assertion +
      `</samlp:Response>`;
    if (s.sign === 'none') return response;
    const element = s.sign === 'assertion' ? 'Assertion' : 'Response';
    return sign(response, element, s.signWith ?? this.keys);
  }
}

/** Enveloped XML-DSig (RSA-SHA256, exclusive c14n) over the element, placed after its Issuer as SAML wants. */
export function sign(xml: string, element: 'Assertion' | 'Response', keys: KeyPair): string {
  const sig = new SignedXml({
    privateKey: keys.privateKey,
    publicCert: keys.cert,
    signatureAlgorithm: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
    canonicalizationAlgorithm: 'http://www.w3.org/2001/10/xml-exc-c14n#',
  });
  sig.addReference({
    xpath: `//*[local-name(.)='${element}']`,
    transforms: ['http://www.w3.org/2000/09/xmldsig#enveloped-signature', 'http://www.w3.org/2001/10/xml-exc-c14n#'],
    digestAlgorithm: 'http://www.w3.org/2001/04/xmlenc#sha256',
  });
  sig.computeSignature(xml, { location: { reference: `//*[local-name(.)='${element}']/*[local-name(.)='Issuer']`, action: 'after' } });
  return sig.getSignedXml();
}

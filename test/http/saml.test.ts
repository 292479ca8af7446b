import crypto from 'node:crypto';
import { expect } from 'chai';
import { DOMParser } from '@xmldom/xmldom';
import { asc, eq, like } from 'drizzle-orm';
import { auditLog, externalIdentities, samlMessageIds, sessions, settings, users } from '../../server/db/schema.js';
import { POLICY_KEY } from '../../server/domain/twoFactor/factorState.js';
import { Client } from '../support/client.js';
import { staff } from '../support/factories.js';
import { selfSignedCert, TestSamlIdp } from '../support/samlIdp.js';
import { startTestServer, type TestServer } from '../support/server.js';

const html = { accept: 'text/html' };
const form = { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' };
const unescape = (s: string) => s.replace(/&#x3D;/g, '=').replace(/&#x27;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, '&');
/** A hidden field's value in an HTML form (the IdP's or Beacon's), '' when absent. */
const formField = (page: string, name: string) => unescape(new RegExp(`name="${name}" value="([^"]*)"`).exec(page)?.[1] ?? '');
const NO_ACCESS = 'Your identity provider signed you in, but that account cannot use this Beacon. Ask an admin to invite you.';

// node-saml reads the system time, so Beacon's clock starts at the real now; no test waits for time to
// pass: "expired" and "skewed" responses are built with IssueInstant/NotOnOrAfter already in the past.
const realNow = () => ({ now: new Date().toISOString() });

describe('SAML 2.0 single sign-on (SP-initiated, against an IdP on loopback)', () => {
  let idp: TestSamlIdp;
  let s: TestServer;
  const db = () => s.deps.database.db;
  const manualIdp = () => ({ SAML_IDP_ENTITY_ID: idp.entityId, SAML_IDP_SSO_URL: `${idp.baseUrl}/sso`, SAML_IDP_CERT: idp.keys.cert });

  before(async () => (idp = await new TestSamlIdp().start()));
  after(() => idp.close());
  afterEach(() => s?.close());

  async function serve(env: Record<string, string> = {}) {
    s = await startTestServer({ ...realNow(), env: { ...manualIdp(), ...env } });
    return s;
  }

  /** The button, then the IdP: returns the fields of the IdP's auto-posting form. */
  async function throughIdp(c: Client, next = '/console') {
    const start = await c.get(`/console/login/saml?next=${encodeURIComponent(next)}`, html);
    expect(start.status).to.equal(303);
    const location = start.headers.get('location')!;
    expect(location.startsWith(`${idp.baseUrl}/sso?SAMLRequest=`)).to.equal(true);
    const page = await (await fetch(location)).text();
    return { SAMLResponse: formField(page, 'SAMLResponse'), RelayState: formField(page, 'RelayState') };
  }
  // The form's action is PUBLIC_URL's ACS; the test server listens on its own port, so post there.
  const postAcs = (c: Client, fields: Record<string, string>) => c.request('POST', '/console/login/saml/acs', new URLSearchParams(fields).toString(), form);
  const signIn = async (c: Client, next?: string) => postAcs(c, await throughIdp(c, next));
  /**
   * The IdP's form posted the way a browser posts it: cross-site, so without Beacon's SameSite=Lax
   * cookies. Returns Beacon's answer and the fields of the form it hands back, if it did.
   */
  async function crossSitePost(fields: Record<string, string>) {
    const res = await new Client(s.baseUrl).request('POST', '/console/login/saml/acs', new URLSearchParams(fields).toString(), form);
    return { res, handedBack: { SAMLResponse: formField(res.text, 'SAMLResponse'), RelayState: formField(res.text, 'RelayState'), continued: formField(res.text, 'continued') } };
  }
  const ssoAudit = async () => (await db().select().from(auditLog).where(like(auditLog.action, 'sso.%')).orderBy(asc(auditLog.id))).map((a) => ({ action: a.action, ...(a.after as object) }));
  const sessionCount = async () => (await db().select().from(sessions)).length;

  /** A refused response: the sign-in page again, a 4xx, no session, one sso.refused with the reason. */
  async function expectRefused(res: { status: number; text: string }, status: number, reason: string, message: string) {
    expect(res.status).to.equal(status);
    expect(unescape(res.text)).to.include(message);
    expect(res.text).to.include('action="/console/login"'); // the sign-in page, password form included
    expect(await sessionCount()).to.equal(0);
    expect(await ssoAudit()).to.deep.equal([{ action: 'sso.refused', provider: 'saml', reason }]);
  }

  it('signs a person in: AuthnRequest to the IdP, signed assertion back, session opened by SAML, `next` kept, audited', async () => {
    await serve();
    const who = await staff('regular');
    idp.shape = TestSamlIdp.defaultShape(who.email.toUpperCase());
    const c = new Client(s.baseUrl);
    const login = await c.get('/console/login', html);
    expect(login.text).to.match(/href="\/console\/login\/saml\?next(=|&#x3D;)%2Fconsole">Sign in with SAML<\/a>/);

    const fields = await throughIdp(c, '/console/incidents?filter=open');
    // The IdP's post arrives without the cookie: Beacon reads nothing and hands the answer back in a
    // page that posts it to itself (a same-site POST, which carries the cookie).
    const { res: bounce, handedBack } = await crossSitePost(fields);
    expect(bounce.status).to.equal(200);
    expect(bounce.headers.get('cache-control')).to.equal('no-store');
    expect(bounce.text).to.include('<form method="post" action="/console/login/saml/acs" id="saml-continue">');
    expect(bounce.text).to.include('<script src="/public/js/saml-continue.js" defer></script>');
    expect(handedBack).to.deep.equal({ ...fields, continued: '1' });
    expect(await sessionCount()).to.equal(0);
    expect(await ssoAudit()).to.deep.equal([]);

    const res = await postAcs(c, handedBack);
    expect(res.status).to.equal(303);
    expect(res.headers.get('location')).to.equal('/console/incidents?filter=open');
    expect(idp.lastRequest).to.include('AssertionConsumerServiceURL="http://127.0.0.1:3000/console/login/saml/acs"');
    expect(idp.lastRequest).to.include('http://127.0.0.1:3000/saml/metadata.xml</saml:Issuer>');
    expect((await c.get('/console', html)).status).to.equal(200);
    const [session] = await db().select().from(sessions);
    expect(session!.signInMethod).to.equal('saml');
    expect(session!.userId).to.equal(who.actor.id);
    const [link] = await db().select().from(externalIdentities);
    expect(link).to.include({ provider: 'saml', subject: `${idp.entityId}|${who.email.toUpperCase()}`, userId: who.actor.id });
    expect(await ssoAudit()).to.deep.equal([{ action: 'sso.sign_in', provider: 'saml', created: false }]);
    expect(s.logs.text()).not.to.include('SAMLResponse');
  });

  it('reads the IdP from SAML_IDP_METADATA_URL (entity id, redirect SSO URL, signing certificate)', async () => {
    s = await startTestServer({ ...realNow(), env: { SAML_IDP_METADATA_URL: `${idp.baseUrl}/metadata`, SAML_LABEL: 'Sign in with Okta' } });
    const who = await staff('observer');
    idp.shape = TestSamlIdp.defaultShape(who.email);
    const c = new Client(s.baseUrl);
    expect((await c.get('/console/login', html)).text).to.include('Sign in with Okta');
    expect((await signIn(c)).status).to.equal(303);
    expect((await db().select().from(sessions))[0]!.signInMethod).to.equal('saml');
  });

  it('says plainly when the IdP metadata cannot be read (503), and keeps the password form', async () => {
    const gone = new TestSamlIdp();
    await gone.start();
    await gone.close(); // a port nothing listens on any more
    s = await startTestServer({ ...realNow(), env: { SAML_IDP_METADATA_URL: `${gone.baseUrl}/metadata` } });
    const res = await new Client(s.baseUrl).get('/console/login/saml', html);
    expect(res.status).to.equal(503);
    expect(unescape(res.text)).to.include('cannot read the identity provider’s metadata');
    expect(res.text).to.include('action="/console/login"');
  });

  it('signs its AuthnRequests when given a key pair (SAML_SP_PRIVATE_KEY + SAML_SP_CERT)', async () => {
    const sp = selfSignedCert('beacon-sp');
    await serve({ SAML_SP_PRIVATE_KEY: sp.privateKey, SAML_SP_CERT: sp.cert });
    const start = await new Client(s.baseUrl).get('/console/login/saml', html);
    const url = new URL(start.headers.get('location')!);
    expect(url.searchParams.get('SigAlg')).to.equal('http://www.w3.org/2001/04/xmldsig-more#rsa-sha256');
    const signed = ['SAMLRequest', 'RelayState', 'SigAlg'].map((k) => `${k}=${encodeURIComponent(url.searchParams.get(k)!)}`).join('&');
    expect(crypto.verify('sha256', Buffer.from(signed), sp.cert, Buffer.from(url.searchParams.get('Signature')!, 'base64'))).to.equal(true);
    const metadata = await new Client(s.baseUrl).get('/saml/metadata.xml', { accept: '*/*' });
    expect(metadata.text).to.include('AuthnRequestsSigned="true"');
  });

  it('takes the address from an attribute when the NameID is persistent; the subject stays the NameID', async () => {
    await serve();
    const who = await staff('regular');
    idp.shape = { ...TestSamlIdp.defaultShape('ab12-cd34'), nameIDFormat: 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent', attributes: { 'http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress': who.email } };
    expect((await signIn(new Client(s.baseUrl))).status).to.equal(303);
    expect((await db().select().from(externalIdentities))[0]!.subject).to.equal(`${idp.entityId}|ab12-cd34`);
  });

  it('answers a request on another instance: request ids are kept in the shared database', async () => {
    await serve();
    const other = await startTestServer({ ...realNow(), env: manualIdp(), database: s.deps.database });
    try {
      const who = await staff('regular');
      idp.shape = TestSamlIdp.defaultShape(who.email);
      const c = new Client(s.baseUrl);
      const fields = await throughIdp(c);
      const onOther = await new Client(other.baseUrl).request('POST', '/console/login/saml/acs', new URLSearchParams(fields).toString(), { ...form, cookie: c.cookieHeader() });
      expect(onOther.status).to.equal(303);
    } finally {
      await other.close();
    }
  });

  describe('refuses, with a clear 4xx, nothing changed, audited', () => {
    beforeEach(async () => {
      await serve();
      idp.shape = TestSamlIdp.defaultShape((await staff('regular')).email);
    });
    const refusedAfter = async (change: Partial<typeof idp.shape>) => {
      idp.shape = { ...idp.shape, ...change };
      return signIn(new Client(s.baseUrl));
    };

    it('an unsigned assertion', async () => {
      await expectRefused(await refusedAfter({ sign: 'none' }), 401, 'unsigned', 'is not signed, so Beacon cannot trust it');
    });

    it('a signed response around an unsigned assertion', async () => {
      await expectRefused(await refusedAfter({ sign: 'response' }), 401, 'unsigned', 'is not signed, so Beacon cannot trust it');
    });

    it('an assertion signed with another key', async () => {
      await expectRefused(await refusedAfter({ signWith: selfSignedCert('impostor') }), 401, 'invalid_signature', 'not signed with your identity provider’s key');
    });

    it('an assertion changed after signing', async () => {
      const c = new Client(s.baseUrl);
      const fields = await throughIdp(c);
      const xml = Buffer.from(fields.SAMLResponse, 'base64').toString('utf8');
      const tampered = xml.replace(/(<saml:NameID[^>]*>)[^<]+/, '$1admin@example.com');
      expect(tampered).not.to.equal(xml);
      const res = await postAcs(c, { ...fields, SAMLResponse: Buffer.from(tampered).toString('base64') });
      await expectRefused(res, 401, 'invalid_signature', 'not signed with your identity provider’s key');
    });

    it('another audience', async () => {
      await expectRefused(await refusedAfter({ audience: 'https://other-sp.example.com' }), 401, 'wrong_audience', 'was meant for another service');
    });

    it('another recipient', async () => {
      await expectRefused(await refusedAfter({ recipient: 'https://other-sp.example.com/acs' }), 401, 'wrong_recipient', 'was meant for another service');
    });

    it('another destination', async () => {
      await expectRefused(await refusedAfter({ destination: 'https://other-sp.example.com/acs' }), 401, 'wrong_destination', 'was meant for another service');
    });

    it('another issuer (signed with the right key)', async () => {
      await expectRefused(await refusedAfter({ issuer: 'https://impostor.example.com' }), 401, 'wrong_issuer', 'an identity provider Beacon does not use');
    });

    it('tolerates clocks up to 60 s apart, no more', async () => {
      idp.shape = { ...idp.shape, issuedOffset: -60, lifetime: 30 }; // NotOnOrAfter 30 s ago
      expect((await signIn(new Client(s.baseUrl))).status).to.equal(303);
      await db().delete(sessions);
      await db().delete(auditLog);
      await expectRefused(await refusedAfter({ issuedOffset: -120, lifetime: 30 }), 401, 'expired', 'has expired'); // 90 s ago
    });

    it('an expired assertion (NotOnOrAfter beyond the 60 s skew)', async () => {
      await expectRefused(await refusedAfter({ issuedOffset: -200, lifetime: 100 }), 401, 'expired', 'has expired');
    });

    it('an assertion older than five minutes, whatever its NotOnOrAfter', async () => {
      await expectRefused(await refusedAfter({ issuedOffset: -600, lifetime: 3600 }), 401, 'expired', 'has expired');
    });

    it('an assertion from the future beyond the skew', async () => {
      await expectRefused(await refusedAfter({ issuedOffset: 180 }), 401, 'expired', 'has expired');
    });

    it('a replayed response: the same one posted twice signs in once', async () => {
      const c = new Client(s.baseUrl);
      const fields = await throughIdp(c);
      expect((await postAcs(c, fields)).status).to.equal(303);
      const again = await postAcs(c, fields);
      expect(again.status).to.equal(401);
      expect(unescape(again.text)).to.include('has already been used');
      expect(await sessionCount()).to.equal(1);
      expect((await ssoAudit()).map((a) => a.action + ':' + ((a as { reason?: string }).reason ?? ''))).to.deep.equal(['sso.sign_in:', 'sso.refused:replayed']);
    });

    it('an assertion accepted once even if its request looks unanswered (the window two racing instances share)', async () => {
      const c = new Client(s.baseUrl);
      const fields = await throughIdp(c);
      expect((await postAcs(c, fields)).status).to.equal(303);
      // As if a second instance had read the request before the first marked it answered.
      await db().update(samlMessageIds).set({ usedAt: null }).where(eq(samlMessageIds.kind, 'request'));
      const again = await postAcs(c, fields);
      expect(again.status).to.equal(401);
      expect(unescape(again.text)).to.include('has already been used');
      expect(await sessionCount()).to.equal(1);
    });

    it('an answer to a sign-in another browser started (login CSRF), without using up that sign-in', async () => {
      // Someone completes their own sign-in at the IdP and has a victim's browser post the answer.
      const attacker = new Client(s.baseUrl);
      const fields = await throughIdp(attacker);
      // A victim who started no sign-in: the page hands the answer back, and the same-site post has no cookie.
      const { res: bounce, handedBack } = await crossSitePost(fields);
      expect(bounce.status).to.equal(200);
      const blank = new Client(s.baseUrl);
      await expectRefused(await postAcs(blank, handedBack), 401, 'other_browser', 'answers a sign-in started in another browser');
      expect(blank.hasCookie('beacon_session')).to.equal(false);
      await db().delete(auditLog);
      // A victim with a sign-in of their own under way: their cookie names their request, not this one.
      const victim = new Client(s.baseUrl);
      await throughIdp(victim);
      await expectRefused(await postAcs(victim, handedBack), 401, 'other_browser', 'answers a sign-in started in another browser');
      // A forged cookie counts as none.
      const forged = await new Client(s.baseUrl).request('POST', '/console/login/saml/acs', new URLSearchParams(handedBack).toString(), { ...form, cookie: attacker.cookieHeader().replace(/(beacon_saml=[^.;]*\.)[^;]{4}/, '$1AAAA') });
      expect(forged.status).to.equal(401);
      expect(await sessionCount()).to.equal(0);
      // The request was not used up by the foreign posts: its own browser still signs in with it.
      expect((await postAcs(attacker, fields)).status).to.equal(303);
    });

    it('keeps sign-ins started in several tabs: each answer is taken by the browser that started them', async () => {
      const c = new Client(s.baseUrl);
      const first = await throughIdp(c);
      await throughIdp(c);
      await throughIdp(c);
      expect((await postAcs(c, first)).status).to.equal(303);
    });

    it('an unsolicited response (no InResponseTo) and one answering a request never sent', async () => {
      await expectRefused(await refusedAfter({ inResponseTo: null }), 401, 'unknown_request', 'does not answer a sign-in started here');
      await db().delete(auditLog);
      await expectRefused(await refusedAfter({ inResponseTo: '_never-sent' }), 401, 'unknown_request', 'does not answer a sign-in started here');
    });

    it('an oversized body (413)', async () => {
      const res = await postAcs(new Client(s.baseUrl), { SAMLResponse: 'A'.repeat(300_000), RelayState: '/console' });
      await expectRefused(res, 413, 'oversized', 'is too large for Beacon');
    });

    it('malformed responses: not base64, not XML, not a SAML Response, missing (400)', async () => {
      for (const SAMLResponse of ['not base64!', Buffer.from('<samlp:Response').toString('base64'), Buffer.from('<html></html>').toString('base64')]) {
        await expectRefused(await postAcs(new Client(s.baseUrl), { SAMLResponse, continued: '1' }), 400, 'malformed', 'could not be read');
        await db().delete(auditLog);
      }
      await expectRefused(await postAcs(new Client(s.baseUrl), { RelayState: '/console' }), 400, 'malformed', 'could not be read');
    });
  });

  it('does not say whether an account exists: unknown, deactivated and outside the allowed domains read the same', async () => {
    await serve({ SAML_ALLOWED_DOMAINS: 'example.com' });
    const inactive = await staff('regular');
    await db().update(users).set({ active: false }).where(eq(users.id, inactive.actor.id));
    const texts: string[] = [];
    for (const email of ['nobody@example.com', inactive.email, 'someone@elsewhere.org']) {
      idp.shape = TestSamlIdp.defaultShape(email);
      const res = await signIn(new Client(s.baseUrl));
      expect(res.status).to.equal(401);
      texts.push(/<div class="alert error"[\s\S]*?<\/div>/.exec(res.text)![0]);
    }
    expect(unescape(texts[0]!)).to.include(NO_ACCESS);
    expect(new Set(texts).size).to.equal(1);
    expect(await sessionCount()).to.equal(0);
    expect((await ssoAudit()).map((a) => (a as { reason?: string }).reason)).to.deep.equal(['no_account', 'inactive', 'domain_not_allowed']);
  });

  it('creates an observer just in time when SAML_CREATE_ACCOUNTS is on, named from the attributes', async () => {
    await serve({ SAML_CREATE_ACCOUNTS: 'true' });
    idp.shape = { ...TestSamlIdp.defaultShape('new.person@example.com'), attributes: { givenName: 'New', surname: 'Person' } };
    expect((await signIn(new Client(s.baseUrl))).status).to.equal(303);
    const [user] = await db().select().from(users).where(eq(users.email, 'new.person@example.com'));
    expect(user).to.include({ role: 'observer', name: 'New Person', passwordHash: null });
  });

  it('refuses a response without an e-mail address', async () => {
    await serve();
    idp.shape = { ...TestSamlIdp.defaultShape('opaque-id'), nameIDFormat: 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent', attributes: {} };
    await expectRefused(await signIn(new Client(s.baseUrl)), 401, 'email_missing', 'did not send an e-mail address');
  });

  it('is not held at the two-factor gate: the IdP’s own sign-in rules apply', async () => {
    await serve();
    await db().insert(settings).values({ key: POLICY_KEY, value: true, updatedAt: new Date() });
    idp.shape = TestSamlIdp.defaultShape((await staff('regular')).email);
    const c = new Client(s.baseUrl);
    expect((await signIn(c)).status).to.equal(303);
    expect((await c.get('/console', html)).status).to.equal(200);
  });

  it('counts starts and answers toward the per-address sign-in limit (429)', async () => {
    await serve({ SIGN_IN_ATTEMPTS_PER_MINUTE: '3' });
    idp.shape = TestSamlIdp.defaultShape((await staff('regular')).email);
    const c = new Client(s.baseUrl);
    const fields = await throughIdp(c); // 1
    expect((await c.get('/console/login/saml', html)).status).to.equal(303); // 2
    expect((await postAcs(c, fields)).status).to.equal(303); // 3
    const refused = await c.get('/console/login/saml', html);
    expect(refused.status).to.equal(429);
    expect(refused.headers.get('retry-after')).to.match(/^\d+$/);
    expect((await postAcs(new Client(s.baseUrl), { SAMLResponse: 'x', continued: '1' })).status).to.equal(429);
  });

  it('follows only console paths from RelayState', async () => {
    await serve();
    idp.shape = TestSamlIdp.defaultShape((await staff('regular')).email);
    const c = new Client(s.baseUrl);
    const fields = await throughIdp(c);
    const res = await postAcs(c, { ...fields, RelayState: 'https://evil.example.com/' });
    expect(res.headers.get('location')).to.equal('/console');
  });

  it('publishes SP metadata at a stable URL: entity id, ACS (HTTP-POST), NameID format, signed assertions wanted', async () => {
    await serve({ PUBLIC_URL: 'https://status.example.com' });
    const res = await new Client(s.baseUrl).get('/saml/metadata.xml', { accept: '*/*' });
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.match(/^application\/samlmetadata\+xml/);
    const doc = new DOMParser().parseFromString(res.text, 'text/xml');
    const md = 'urn:oasis:names:tc:SAML:2.0:metadata';
    expect(doc.documentElement!.getAttribute('entityID')).to.equal('https://status.example.com/saml/metadata.xml');
    const sp = doc.getElementsByTagNameNS(md, 'SPSSODescriptor')[0]!;
    expect(sp.getAttribute('WantAssertionsSigned')).to.equal('true');
    const acs = doc.getElementsByTagNameNS(md, 'AssertionConsumerService')[0]!;
    expect(acs.getAttribute('Location')).to.equal('https://status.example.com/console/login/saml/acs');
    expect(acs.getAttribute('Binding')).to.equal('urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST');
    expect(doc.getElementsByTagNameNS(md, 'NameIDFormat')[0]!.textContent).to.equal('urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress');
  });

  it('its sign-in cookie is SameSite=Lax and httpOnly, and Secure exactly when PUBLIC_URL is https', async () => {
    for (const [publicUrl, secure] of [['http://127.0.0.1:3000', false], ['https://status.example.com', true]] as const) {
      await serve({ PUBLIC_URL: publicUrl });
      const start = await new Client(s.baseUrl).get('/console/login/saml', html);
      const cookie = start.headers.getSetCookie().find((c) => c.startsWith('beacon_saml='))!;
      expect(cookie).to.match(/; Path=\/console\/login\/saml/);
      expect(cookie).to.match(/; HttpOnly/);
      expect(cookie).to.match(/; SameSite=Lax/);
      expect(/; Secure/.test(cookie), `${publicUrl}: ${cookie}`).to.equal(secure);
      if (!secure) await s.close(); // the https one is closed by afterEach
    }
  });

  it('without SAML configured: no button, no metadata, no SAML routes', async () => {
    s = await startTestServer(realNow());
    const c = new Client(s.baseUrl);
    expect((await c.get('/console/login', html)).text).not.to.include('/console/login/saml');
    expect((await c.get('/saml/metadata.xml', html)).status).to.equal(404);
    expect((await c.get('/console/login/saml', html)).status).to.equal(404);
  });
});

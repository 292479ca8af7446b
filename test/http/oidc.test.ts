import { expect } from 'chai';
import { desc, eq } from 'drizzle-orm';
import { auditLog, externalIdentities, sessions, users } from '../../server/db/schema.js';
import { staff } from '../support/factories.js';
import { testDatabase } from '../support/db.js';
import { FakeOpenIdProvider, type IdTokenFault } from '../support/fakeOpenIdProvider.js';
import { OIDC_CLIENT, TestOpenIdProvider } from '../support/openIdProvider.js';
import { RedirectFollower } from '../support/redirectFollower.js';
import { startTestServer, type TestServer } from '../support/server.js';

// Beacon calls itself by PUBLIC_URL (the redirect URI registered at the provider); the test's
// browser maps that name to the port the test server listens on.
const PUBLIC = 'http://beacon.test';
const CALLBACK = `${PUBLIC}/console/login/oidc/callback`;
const oidcEnv = (issuer: string, extra: Record<string, string> = {}) => ({
  PUBLIC_URL: PUBLIC,
  OIDC_ISSUER_URL: issuer,
  OIDC_CLIENT_ID: OIDC_CLIENT.id,
  OIDC_CLIENT_SECRET: OIDC_CLIENT.secret,
  OIDC_LABEL: 'Sign in with Testco',
  ...extra,
});
const NO_ACCESS = 'that account cannot use this Beacon';

async function audits(action: string) {
  const { db } = await testDatabase();
  return db.select().from(auditLog).where(eq(auditLog.action, action)).orderBy(desc(auditLog.at));
}

describe('OpenID Connect sign-in against a real OpenID Provider (oidc-provider on loopback)', () => {
  let op: TestOpenIdProvider;
  let s: TestServer;
  let browser: RedirectFollower;

  before(async () => {
    op = await TestOpenIdProvider.start([CALLBACK]);
    s = await startTestServer({ env: oidcEnv(op.issuer, { OIDC_ALLOWED_DOMAINS: 'example.com' }) });
  });
  after(async () => {
    await s.close();
    await op.close();
  });
  beforeEach(() => {
    browser = new RedirectFollower({ [PUBLIC]: s.baseUrl });
  });

  /** Presses the button as `login` and lets the browser run the flow to its end. */
  function signIn(login: string, account?: { email: string; email_verified: boolean; name?: string }) {
    if (account) op.accounts.set(login, account);
    op.nextLogin = login;
    browser = new RedirectFollower({ [PUBLIC]: s.baseUrl }); // a fresh browser: no session at the provider yet
    return browser.follow(`${PUBLIC}/console/login/oidc?next=${encodeURIComponent('/console/incidents')}`);
  }

  it('the sign-in page shows the provider button with OIDC_LABEL', async () => {
    const page = await browser.get(`${PUBLIC}/console/login`);
    expect(page.text).to.include('Sign in with Testco').and.match(/href="\/console\/login\/oidc\?next(=|&#x3D;)%2Fconsole"/);
  });

  it('an invited person signs in: code flow with PKCE, state and nonce; the session is marked oidc; the subject is linked; audited', async () => {
    const who = await staff('regular');
    const start = await browser.get(`${PUBLIC}/console/login/oidc`);
    expect(start.status).to.equal(303);
    const authorize = new URL(start.location!);
    expect(authorize.origin).to.equal(op.issuer);
    expect(authorize.searchParams.get('code_challenge_method')).to.equal('S256');
    for (const p of ['state', 'nonce', 'code_challenge']) expect(authorize.searchParams.get(p), p).to.have.length.greaterThan(20);
    expect(authorize.searchParams.get('redirect_uri')).to.equal(CALLBACK);

    const end = await signIn('alice', { email: who.email.toUpperCase(), email_verified: true, name: 'Alice' });
    expect(end.status).to.equal(200);
    expect(new URL(end.url).pathname).to.equal('/console/incidents');
    const { db } = await testDatabase();
    const [session] = await db.select().from(sessions).where(eq(sessions.userId, who.actor.id));
    expect(session!.signInMethod).to.equal('oidc');
    const [link] = await db.select().from(externalIdentities).where(eq(externalIdentities.userId, who.actor.id));
    expect(link).to.include({ provider: 'oidc', subject: `${op.issuer}|alice` });
    const [entry] = await audits('sso.sign_in');
    expect(entry!.subjectId).to.equal(who.actor.id);
    expect(browser.cookies(PUBLIC).has('beacon_oidc'), 'the state cookie is used once').to.equal(false);
  });

  it('an unverified e-mail is refused with a clear 401, nothing is linked, and it is audited', async () => {
    const who = await staff('regular');
    const end = await signIn('bob', { email: who.email, email_verified: false });
    expect(end.status).to.equal(401);
    expect(end.text).to.include('has not verified your e-mail address');
    const { db } = await testDatabase();
    expect(await db.select().from(externalIdentities)).to.deep.equal([]);
    expect(await db.select().from(sessions)).to.deep.equal([]);
    expect((await audits('sso.refused'))[0]!.after).to.include({ reason: 'email_not_verified', provider: 'oidc' });
  });

  it('a domain outside OIDC_ALLOWED_DOMAINS, and a person nobody invited (JIT off), get the same answer: no enumeration', async () => {
    await staff('regular');
    const outside = await signIn('carol', { email: 'carol@elsewhere.org', email_verified: true });
    const stranger = await signIn('dave', { email: 'dave@example.com', email_verified: true });
    for (const res of [outside, stranger]) {
      expect(res.status).to.equal(401);
      expect(res.text).to.include(NO_ACCESS);
    }
    const reasons = (await audits('sso.refused')).map((a) => (a.after as { reason: string }).reason);
    expect(reasons).to.have.members(['domain_not_allowed', 'no_account']);
    const { db } = await testDatabase();
    expect(await db.select().from(users).where(eq(users.email, 'dave@example.com'))).to.deep.equal([]);
  });

  it('a tampered state is refused with 400 and audited; nothing changes', async () => {
    const who = await staff('regular');
    op.accounts.set('erin', { email: who.email, email_verified: true });
    op.nextLogin = 'erin';
    const atCallback = await browser.follow(`${PUBLIC}/console/login/oidc`, /\/console\/login\/oidc\/callback/);
    const tampered = new URL(atCallback.url);
    tampered.searchParams.set('state', 'x'.repeat(43));
    const res = await browser.get(tampered.href);
    expect(res.status).to.equal(400);
    expect(res.text).to.include('did not start in this browser');
    const { db } = await testDatabase();
    expect(await db.select().from(sessions)).to.deep.equal([]);
    expect((await audits('sso.refused'))[0]!.after).to.include({ reason: 'state_invalid' });
  });

  it('a callback without the state cookie (another browser, or a forged one) is refused with 400', async () => {
    const who = await staff('regular');
    op.accounts.set('fay', { email: who.email, email_verified: true });
    op.nextLogin = 'fay';
    const atCallback = await browser.follow(`${PUBLIC}/console/login/oidc`, /\/console\/login\/oidc\/callback/);
    const other = new RedirectFollower({ [PUBLIC]: s.baseUrl });
    other.setCookie(PUBLIC, 'beacon_oidc', 'eyJzdGF0ZSI6IngifQ.forged');
    expect((await other.get(atCallback.url)).status).to.equal(400);
    expect((await new RedirectFollower({ [PUBLIC]: s.baseUrl }).get(atCallback.url)).status).to.equal(400);
    const { db } = await testDatabase();
    expect(await db.select().from(sessions)).to.deep.equal([]);
  });

  it('a replayed callback (the same code and state cookie twice) is refused: the provider will not redeem a code again', async () => {
    const who = await staff('regular');
    op.accounts.set('gus', { email: who.email, email_verified: true });
    op.nextLogin = 'gus';
    const atCallback = await browser.follow(`${PUBLIC}/console/login/oidc`, /\/console\/login\/oidc\/callback/);
    const stolenCookie = browser.cookies(PUBLIC).get('beacon_oidc')!;
    expect((await browser.get(atCallback.url)).status).to.equal(303);
    const attacker = new RedirectFollower({ [PUBLIC]: s.baseUrl });
    attacker.setCookie(PUBLIC, 'beacon_oidc', stolenCookie);
    const replay = await attacker.get(atCallback.url);
    expect(replay.status).to.equal(400);
    expect(replay.text).to.include('expired or was already used');
    expect((await audits('sso.refused'))[0]!.after).to.include({ reason: 'code_rejected' });
    const { db } = await testDatabase();
    expect(await db.select().from(sessions)).to.have.length(1);
  });

  it('an inactive account is refused like a stranger', async () => {
    const who = await staff('regular');
    const { db } = await testDatabase();
    await db.update(users).set({ active: false }).where(eq(users.id, who.actor.id));
    const res = await signIn('hal', { email: who.email, email_verified: true });
    expect(res.status).to.equal(401);
    expect(res.text).to.include(NO_ACCESS);
  });

  it('a session opened through the provider is not held at Beacon\'s own two-factor gate', async () => {
    const admin = await staff('admin');
    const { db } = await testDatabase();
    const { settings } = await import('../../server/db/schema.js');
    await db.insert(settings).values({ key: 'two_factor_required', value: true, updatedAt: new Date() });
    const res = await signIn('ivy', { email: admin.email, email_verified: true });
    expect(res.status).to.equal(200);
    expect(new URL(res.url).pathname).to.equal('/console/incidents');
  });
});

describe('OpenID Connect: just-in-time accounts (OIDC_CREATE_ACCOUNTS=true)', () => {
  let op: TestOpenIdProvider;
  let s: TestServer;
  before(async () => {
    op = await TestOpenIdProvider.start([CALLBACK]);
    s = await startTestServer({ env: oidcEnv(op.issuer, { OIDC_CREATE_ACCOUNTS: 'true', OIDC_ALLOWED_DOMAINS: 'example.com' }) });
  });
  after(async () => {
    await s.close();
    await op.close();
  });

  it('someone from an allowed domain nobody invited becomes an observer and is signed in', async () => {
    op.accounts.set('jo', { email: 'jo@example.com', email_verified: true, name: 'Jo Doe' });
    op.nextLogin = 'jo';
    const res = await new RedirectFollower({ [PUBLIC]: s.baseUrl }).follow(`${PUBLIC}/console/login/oidc`);
    expect(res.status).to.equal(200);
    const { db } = await testDatabase();
    const [user] = await db.select().from(users).where(eq(users.email, 'jo@example.com'));
    expect(user).to.include({ role: 'observer', name: 'Jo Doe', passwordHash: null });
    expect((await audits('user.create'))[0]!.after).to.include({ via: 'oidc' });
  });
});

describe('OpenID Connect: ID tokens Beacon must refuse (a crafted provider on loopback)', () => {
  let op: FakeOpenIdProvider;
  let s: TestServer;
  before(async () => {
    op = await FakeOpenIdProvider.start(OIDC_CLIENT.id);
    s = await startTestServer({ env: oidcEnv(op.issuer) });
  });
  after(async () => {
    await s.close();
    await op.close();
  });

  it('a well-formed ID token from it is accepted (so the refusals below are the faults, not the fake)', async () => {
    const who = await staff('observer');
    op.fault = 'none';
    op.claims = { sub: 'fake-ok', email: who.email, email_verified: true };
    const res = await new RedirectFollower({ [PUBLIC]: s.baseUrl }).follow(`${PUBLIC}/console/login/oidc`);
    expect(res.status).to.equal(200);
  });

  // Each refused for its own fault (the audit entry keeps openid-client's reason).
  const faults: Array<[IdTokenFault, RegExp]> = [
    ['wrong_audience', /"aud"/],
    ['expired', /"exp"/],
    ['unsigned', /"alg"/],
    ['forged_signature', /signature verification failed/],
    ['wrong_nonce', /"nonce"/],
  ];
  for (const [fault, why] of faults) {
    it(`${fault.replace('_', ' ')}: 401, no session, audited`, async () => {
      const who = await staff('observer');
      op.fault = fault;
      op.claims = { sub: `fake-${fault}`, email: who.email, email_verified: true };
      const res = await new RedirectFollower({ [PUBLIC]: s.baseUrl }).follow(`${PUBLIC}/console/login/oidc`);
      expect(res.status).to.equal(401);
      expect(res.text).to.include('could not be verified');
      const { db } = await testDatabase();
      expect(await db.select().from(sessions)).to.deep.equal([]);
      expect(await db.select().from(externalIdentities)).to.deep.equal([]);
      const after = (await audits('sso.refused'))[0]!.after as { reason: string; provider: string; detail: string };
      expect(after).to.include({ reason: 'token_invalid', provider: 'oidc' });
      expect(after.detail).to.match(why);
    });
  }

  it('a malformed callback (no code) is a 400', async () => {
    const browser = new RedirectFollower({ [PUBLIC]: s.baseUrl });
    const start = await browser.get(`${PUBLIC}/console/login/oidc`);
    const state = new URL(start.location!).searchParams.get('state')!;
    const res = await browser.get(`${CALLBACK}?state=${state}&code=`);
    expect(res.status).to.equal(400);
    expect((await audits('sso.refused'))[0]!.after).to.include({ reason: 'response_malformed' });
  });
});

describe('OpenID Connect: bad callbacks are rate-limited like password sign-ins', () => {
  it('past SIGN_IN_ATTEMPTS_PER_MINUTE from one address: 429, and no more audit entries', async () => {
    const s = await startTestServer({ env: oidcEnv('http://127.0.0.1:9', { SIGN_IN_ATTEMPTS_PER_MINUTE: '3' }) });
    try {
      const browser = new RedirectFollower({ [PUBLIC]: s.baseUrl });
      const statuses = [];
      for (let i = 0; i < 5; i++) statuses.push((await browser.get(`${CALLBACK}?code=x&state=y`)).status);
      expect(statuses).to.deep.equal([400, 400, 400, 429, 429]);
      expect(await audits('sso.refused')).to.have.length(3);
    } finally {
      await s.close();
    }
  });
});

describe('OpenID Connect: the provider is down', () => {
  it('the sign-in page still works; the button answers 503 with a clear message', async () => {
    const op = await FakeOpenIdProvider.start(OIDC_CLIENT.id);
    const issuer = op.issuer;
    await op.close();
    const s = await startTestServer({ env: oidcEnv(issuer) });
    try {
      const browser = new RedirectFollower({ [PUBLIC]: s.baseUrl });
      const page = await browser.get(`${PUBLIC}/console/login`);
      expect(page.status).to.equal(200);
      expect(page.text).to.include('Sign in with Testco');
      const pressed = await browser.get(`${PUBLIC}/console/login/oidc`);
      expect(pressed.status).to.equal(503);
      expect(pressed.text).to.include('identity provider cannot be reached');
      expect(s.logs.text()).to.include('OpenID Connect discovery failed');
    } finally {
      await s.close();
    }
  });

  it('without OIDC_* the routes do not exist and the page shows no button', async () => {
    const s = await startTestServer();
    try {
      const browser = new RedirectFollower();
      expect((await browser.get(`${s.baseUrl}/console/login`)).text).not.to.include('/console/login/oidc');
      expect((await browser.get(`${s.baseUrl}/console/login/oidc`)).status).to.equal(404);
    } finally {
      await s.close();
    }
  });
});

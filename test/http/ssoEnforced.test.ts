import { expect } from 'chai';
import { eq } from 'drizzle-orm';
import { auditLog, oneTimeTokens, settings, users } from '../../server/db/schema.js';
import { issuePasswordResetLink } from '../../server/domain/staff/issuePasswordResetLink.js';
import { totpCode } from '../../server/domain/twoFactor/totp.js';
import { Client, signInAs } from '../support/client.js';
import { PASSWORD, staff } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/server.js';

const html = { accept: 'text/html' };
const BREAK_GLASS = 'root@example.com';
// Discovery is lazy, so a configured provider need not answer for these tests: only the policy is exercised.
const WITH_IDP = { OIDC_ISSUER_URL: 'http://127.0.0.1:9/unused', OIDC_CLIENT_ID: 'beacon', OIDC_CLIENT_SECRET: 'secret', SSO_BREAK_GLASS_EMAILS: `Ops@example.com, ${BREAK_GLASS.toUpperCase()}` };

describe('policy "SSO enforced"', () => {
  let s: TestServer;
  afterEach(() => s?.close());
  const db = () => s.deps.database.db;
  const audits = async (action: string) => db().select().from(auditLog).where(eq(auditLog.action, action));
  const enforced = async () => (await db().select().from(settings).where(eq(settings.key, 'sso_enforced')))[0]?.value;
  const passwordSignIn = (email: string, password = PASSWORD) => new Client(s.baseUrl).form('/console/login', { email, password });

  async function breakGlassAdmin() {
    const who = await staff('admin');
    await db().update(users).set({ email: BREAK_GLASS }).where(eq(users.id, who.actor.id));
    return { ...who, email: BREAK_GLASS };
  }

  async function turnOn(admin: Client) {
    const res = await admin.form('/console/users/policy/sso-enforced', { enforced: 'on' }, '/console/users');
    expect(res.status).to.equal(303);
    expect(await enforced()).to.equal(true);
  }

  it('cannot be switched on while no identity provider is configured: a clear 422, nothing changes', async () => {
    s = await startTestServer();
    const { c } = await signInAs(s.baseUrl, 'admin');
    expect((await c.get('/console/users', html)).text).to.include('No identity provider is configured');
    const res = await c.form('/console/users/policy/sso-enforced', { enforced: 'on' }, '/console/users');
    expect(res.status).to.equal(422);
    expect(res.text).to.include('no identity provider is configured');
    expect(await enforced()).to.equal(undefined);
    expect(await audits('settings.sso_enforced')).to.deep.equal([]);
  });

  it('only admins set it; switching it is audited', async () => {
    s = await startTestServer({ env: WITH_IDP });
    const { c: regular } = await signInAs(s.baseUrl, 'regular');
    expect((await regular.form('/console/users/policy/sso-enforced', { enforced: 'on' }, '/console/incidents')).status).to.equal(403);
    const { c, who } = await signInAs(s.baseUrl, 'admin');
    await turnOn(c);
    expect((await c.form('/console/users/policy/sso-enforced', {}, '/console/users')).status).to.equal(303);
    expect(await enforced()).to.equal(false);
    const entries = await audits('settings.sso_enforced');
    expect(entries.map((e) => [e.actorId, e.after])).to.deep.equal([
      [who.actor.id, { enforced: true }],
      [who.actor.id, { enforced: false }],
    ]);
  });

  it('refuses password sign-in to everyone but break-glass admins, with one message whether or not the password is right', async () => {
    s = await startTestServer({ env: WITH_IDP });
    const { c: admin } = await signInAs(s.baseUrl, 'admin');
    const regular = await staff('regular');
    const glass = await breakGlassAdmin();
    await turnOn(admin);

    expect((await new Client(s.baseUrl).get('/console/login', html)).text).to.include('for break-glass admins only');
    const right = await passwordSignIn(regular.email);
    const wrong = await passwordSignIn(regular.email, 'wrong password');
    const nobody = await passwordSignIn('nobody@example.com');
    for (const res of [right, wrong, nobody]) {
      expect(res.status).to.equal(403);
      expect(res.text).to.include('signs staff in through single sign-on');
    }
    expect(await audits('session.password_refused')).to.have.length(3);
    const checked = (await audits('session.login_failed')).filter((a) => [regular.email, 'nobody@example.com'].includes((a.after as { email: string }).email));
    expect(checked, 'the password was never checked').to.deep.equal([]);

    const ok = await passwordSignIn(glass.email);
    expect(ok.status).to.equal(303);
    expect(ok.headers.get('location')).to.equal('/console');
  });

  it('an address on the break-glass list that is not an active admin is refused too', async () => {
    s = await startTestServer({ env: WITH_IDP });
    const { c: admin } = await signInAs(s.baseUrl, 'admin');
    const glass = await breakGlassAdmin();
    await turnOn(admin);
    await db().update(users).set({ role: 'regular' }).where(eq(users.id, glass.actor.id));
    expect((await passwordSignIn(glass.email)).status).to.equal(403);
    await db().update(users).set({ role: 'admin', active: false }).where(eq(users.id, glass.actor.id));
    expect((await passwordSignIn(glass.email)).status).to.equal(403);
  });

  it('a break-glass admin with a second factor still goes through it', async () => {
    s = await startTestServer({ env: WITH_IDP, now: '2026-11-29T12:00:10Z' });
    const glass = await breakGlassAdmin();
    const c = new Client(s.baseUrl);
    expect((await c.form('/console/login', { email: glass.email, password: PASSWORD })).status).to.equal(303);
    await c.form('/console/security/totp/start', {}, '/console/security');
    const secret = /Key: <code class="secret">([A-Z2-7 ]+)<\/code>/.exec((await c.get('/console/security', html)).text)![1]!.replace(/ /g, '');
    expect((await c.form('/console/security/totp/confirm', { code: totpCode(secret, s.clock.now()) }, '/console/security')).status).to.equal(200);
    await turnOn(c);

    const res = await passwordSignIn(glass.email);
    expect(res.status).to.equal(303);
    expect(res.headers.get('location')).to.match(/^\/console\/login\/second-factor/);
  });

  it('POST /api/v1/tokens with a password is refused (403 sso_enforced); tokens issued before keep working', async () => {
    s = await startTestServer({ env: WITH_IDP });
    const { c: admin } = await signInAs(s.baseUrl, 'admin');
    const regular = await staff('regular');
    const glass = await breakGlassAdmin();
    await turnOn(admin);
    const refused = await new Client(s.baseUrl).post('/api/v1/tokens', { email: regular.email, password: PASSWORD, name: 'laptop' });
    expect(refused.status).to.equal(403);
    expect(refused.body.error.code).to.equal('sso_enforced');
    expect((await new Client(s.baseUrl, regular.token).get('/api/v1/incidents')).status).to.equal(200);
    expect((await new Client(s.baseUrl).post('/api/v1/tokens', { email: glass.email, password: PASSWORD, name: 'laptop' })).status).to.equal(201);
  });

  it('is not in effect while no identity provider is configured (removing the provider locks nobody out)', async () => {
    s = await startTestServer({ env: WITH_IDP });
    const { c: admin } = await signInAs(s.baseUrl, 'admin');
    const regular = await staff('regular');
    await turnOn(admin);
    expect((await passwordSignIn(regular.email)).status).to.equal(403);
    await s.close();
    s = await startTestServer();
    expect((await passwordSignIn(regular.email)).status).to.equal(303);
    const { c } = await signInAs(s.baseUrl, 'admin');
    expect((await c.get('/console/users', html)).text).to.include('switched on but not in effect');
  });

  it('a set-password or reset link does not sign in (nothing changes, the link stays usable) except for a break-glass admin', async () => {
    s = await startTestServer({ env: WITH_IDP });
    const { c: admin, who } = await signInAs(s.baseUrl, 'admin');
    const regular = await staff('regular');
    const glass = await breakGlassAdmin();
    await turnOn(admin);
    const ctx = { db: db(), now: s.clock.now(), actor: who.actor };
    const token = await issuePasswordResetLink(ctx, regular.actor.id);
    const [before] = await db().select().from(users).where(eq(users.id, regular.actor.id));
    const res = await new Client(s.baseUrl).form('/console/set-password', { token, password: 'a brand new password' }, `/console/set-password?token=${token}`);
    expect(res.status).to.equal(403);
    expect(res.text).to.include('signs staff in through single sign-on');
    const [after] = await db().select().from(users).where(eq(users.id, regular.actor.id));
    expect(after!.passwordHash).to.equal(before!.passwordHash);
    expect((await db().select().from(oneTimeTokens).where(eq(oneTimeTokens.userId, regular.actor.id)))[0]!.usedAt).to.equal(null);

    const glassToken = await issuePasswordResetLink(ctx, glass.actor.id);
    const ok = await new Client(s.baseUrl).form('/console/set-password', { token: glassToken, password: 'a brand new password' }, `/console/set-password?token=${glassToken}`);
    expect(ok.status).to.equal(303);
  });
});

import { expect } from 'chai';
import { eq } from 'drizzle-orm';
import { auditLog, recoveryCodes, sessions, totpFactors } from '../../server/db/schema.js';
import { totpCode } from '../../server/domain/twoFactor/totp.js';
import { deriveKey } from '../../server/secretsKey.js';
import { Client, signInAs } from '../support/client.js';
import { PASSWORD, staff } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/server.js';

const html = { accept: 'text/html' };
const unescape = (s: string) => s.replace(/&#x3D;/g, '=').replace(/&amp;/g, '&');

describe('two-factor sign-in (TOTP)', () => {
  let s: TestServer;
  beforeEach(async () => (s = await startTestServer({ now: '2026-11-29T12:00:10Z' })));
  afterEach(() => s.close());
  const db = () => s.deps.database.db;
  const actions = async (userId: string) => (await db().select().from(auditLog).where(eq(auditLog.subjectId, userId)).orderBy(auditLog.id)).map((a) => a.action);

  /** Enrols the signed-in person of `c`; returns the seed and the recovery codes. */
  async function enrol(c: Client) {
    expect((await c.form('/console/security/totp/start', {}, '/console/security')).status).to.equal(303);
    const page = await c.get('/console/security', html);
    const secret = /Key: <code class="secret">([A-Z2-7 ]+)<\/code>/.exec(page.text)![1]!.replace(/ /g, '');
    const done = await c.form('/console/security/totp/confirm', { code: totpCode(secret, s.clock.now()) }, '/console/security');
    expect(done.status).to.equal(200);
    const codes = [...done.text.matchAll(/<li><code>([a-z0-9-]+)<\/code><\/li>/g)].map((m) => m[1]!);
    return { secret, codes, page: done.text };
  }

  /** The password step from a fresh browser; returns the client (holding only the pending cookie). */
  async function passwordStep(email: string, password = PASSWORD) {
    const c = new Client(s.baseUrl);
    const res = await c.form('/console/login', { email, password });
    return { c, res };
  }
  const codeStep = (c: Client, code: string) => c.form('/console/login/second-factor', { code, next: '/console/incidents' }, '/console/login/second-factor');

  it('enrols with a QR code and a manual key, in effect only after a matching code; ten recovery codes shown once, stored hashed', async () => {
    const { c, who } = await signInAs(s.baseUrl, 'regular');
    expect((await c.form('/console/security/totp/start', {}, '/console/security')).status).to.equal(303);
    const page = await c.get('/console/security', html);
    expect(unescape(page.text)).to.match(/<img src="data:image\/svg\+xml;base64,[A-Za-z0-9+/=]+"/);
    const secret = /Key: <code class="secret">([A-Z2-7 ]+)<\/code>/.exec(page.text)![1]!.replace(/ /g, '');
    expect(secret).to.have.length(32);
    // Not yet in effect: a password alone still signs in.
    expect((await passwordStep(who.email)).res.headers.get('location')).to.equal('/console');

    const wrong = await c.form('/console/security/totp/confirm', { code: '000000' }, '/console/security');
    expect(wrong.status).to.equal(400);
    expect(wrong.text).to.include('That code does not match');
    const ok = await c.form('/console/security/totp/confirm', { code: totpCode(secret, s.clock.now()) }, '/console/security');
    expect(ok.status).to.equal(200);
    const codes = [...ok.text.matchAll(/<li><code>([a-z0-9-]+)<\/code><\/li>/g)].map((m) => m[1]!);
    expect(codes).to.have.length(10);
    expect(new Set(codes).size).to.equal(10);
    // Shown once: the page afterwards shows only how many are left.
    const later = await c.get('/console/security', html);
    expect(later.text).not.to.include(codes[0]!);
    expect(later.text).to.include('Recovery codes left: 10');

    // At rest: neither the seed nor a recovery code appears in the database.
    const stored = JSON.stringify([await db().select().from(totpFactors), await db().select().from(recoveryCodes)]);
    expect(stored).not.to.include(secret);
    for (const code of codes) expect(stored).not.to.include(code);
    expect(await actions(who.actor.id)).to.include('two_factor.enrolled');
    // Admins see who has it.
    const listed = await new Client(s.baseUrl, (await staff('admin')).token).get('/api/v1/users');
    expect(listed.body.users.find((u: any) => u.id === who.actor.id).two_factor).to.equal(true);
    expect(listed.body.users.filter((u: any) => u.two_factor)).to.have.length(1);
  });

  it('console sign-in asks for the code after the password; the password alone opens no session', async () => {
    const { c: first, who } = await signInAs(s.baseUrl, 'regular');
    const { secret } = await enrol(first);
    s.clock.advance(30_000);

    const { c, res } = await passwordStep(who.email);
    expect(res.status).to.equal(303);
    expect(res.headers.get('location')).to.equal('/console/login/second-factor?next=%2Fconsole');
    expect(c.hasCookie('beacon_session')).to.equal(false);
    expect((await c.get('/console/incidents', html)).status).to.equal(303);
    const sessionsBefore = (await db().select().from(sessions)).length;

    const bad = await codeStep(c, '123456');
    expect(bad.status).to.equal(401);
    expect(bad.text).to.include('That code is not valid');
    expect((await db().select().from(sessions)).length).to.equal(sessionsBefore);

    const good = await codeStep(c, totpCode(secret, s.clock.now()));
    expect(good.status).to.equal(303);
    expect(good.headers.get('location')).to.equal('/console/incidents');
    expect((await c.get('/console/incidents', html)).status).to.equal(200);
    const log = await actions(who.actor.id);
    expect(log).to.include.members(['two_factor.failed', 'session.login']);
  });

  it('accepts ±1 step of clock skew, and a used code cannot be replayed', async () => {
    const { c: first, who } = await signInAs(s.baseUrl, 'observer');
    const { secret } = await enrol(first);
    s.clock.advance(60_000);
    const previous = totpCode(secret, new Date(s.clock.now().getTime() - 30_000));
    const { c } = await passwordStep(who.email);
    expect((await codeStep(c, previous)).status).to.equal(303);
    // The same code again, from another browser within its window: refused.
    const { c: other } = await passwordStep(who.email);
    const replay = await codeStep(other, previous);
    expect(replay.status).to.equal(401);
    // Two steps away is outside the window.
    s.clock.advance(60_000);
    expect((await codeStep(other, totpCode(secret, new Date(s.clock.now().getTime() - 60_000)))).status).to.equal(401);
    expect((await codeStep(other, totpCode(secret, s.clock.now()))).status).to.equal(303);
  });

  it('a recovery code works once and is audited', async () => {
    const { c: first, who } = await signInAs(s.baseUrl, 'regular');
    const { codes } = await enrol(first);
    const { c } = await passwordStep(who.email);
    expect((await codeStep(c, codes[3]!.toUpperCase())).status).to.equal(303);
    const { c: again } = await passwordStep(who.email);
    expect((await codeStep(again, codes[3]!)).status).to.equal(401);
    expect(await actions(who.actor.id)).to.include('two_factor.recovery_code_used');
    expect((await first.get('/console/security', html)).text).to.include('Recovery codes left: 9');
  });

  it('wrong codes count toward the lock-out (5 in a row lock for 30 s), audited', async () => {
    const { c: first, who } = await signInAs(s.baseUrl, 'regular');
    const { secret } = await enrol(first);
    s.clock.advance(30_000);
    const { c } = await passwordStep(who.email);
    for (let i = 0; i < 5; i++) expect((await codeStep(c, '111111')).status).to.equal(401);
    const locked = await codeStep(c, totpCode(secret, s.clock.now()));
    expect(locked.status).to.equal(429);
    expect(locked.headers.get('retry-after')).to.equal('30');
    // The password step is locked too.
    expect((await passwordStep(who.email)).res.status).to.equal(429);
    s.clock.advance(30_000);
    const { c: later } = await passwordStep(who.email);
    expect((await codeStep(later, totpCode(secret, s.clock.now()))).status).to.equal(303);
    const log = await actions(who.actor.id);
    expect(log.filter((a) => a === 'two_factor.failed')).to.have.length(5);
    expect(log).to.include('session.locked');
  });

  it('a correct password does not reset the count of wrong codes', async () => {
    const { c: first, who } = await signInAs(s.baseUrl, 'regular');
    const { secret } = await enrol(first);
    s.clock.advance(30_000);
    const { c } = await passwordStep(who.email);
    for (let i = 0; i < 4; i++) expect((await codeStep(c, '111111')).status).to.equal(401);
    const { c: again } = await passwordStep(who.email);
    expect((await codeStep(again, '222222')).status).to.equal(401);
    expect((await codeStep(again, totpCode(secret, s.clock.now()))).status).to.equal(429);
  });

  it('a forged or expired pending state leads back to the password', async () => {
    const { c: first, who } = await signInAs(s.baseUrl, 'regular');
    const { secret } = await enrol(first);
    const forged = new Client(s.baseUrl);
    const res = await forged.request('GET', '/console/login/second-factor', undefined, { accept: 'text/html', cookie: `beacon_2fa=${who.actor.id}.9999999999999.forged` });
    expect(res.status).to.equal(303);
    expect(res.headers.get('location')).to.equal('/console/login');
    const { c } = await passwordStep(who.email);
    const form = await c.get('/console/login/second-factor', html);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(form.text)![1]!;
    s.clock.advance(5 * 60_000);
    const body = new URLSearchParams({ _csrf: csrf, code: totpCode(secret, s.clock.now()) }).toString();
    const late = await c.request('POST', '/console/login/second-factor', body, { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' });
    expect(late.status).to.equal(303);
    expect(late.headers.get('location')).to.equal('/console/login');
    expect(c.hasCookie('beacon_session')).to.equal(false);
  });

  it('POST /api/v1/tokens needs otp for an account with two-factor', async () => {
    const { c, who } = await signInAs(s.baseUrl, 'regular');
    const { secret } = await enrol(c);
    s.clock.advance(30_000);
    const anon = new Client(s.baseUrl);
    const missing = await anon.post('/api/v1/tokens', { email: who.email, password: PASSWORD, name: 'ci' });
    expect(missing.status).to.equal(401);
    expect(missing.body.error.code).to.equal('otp_required');
    const wrong = await anon.post('/api/v1/tokens', { email: who.email, password: PASSWORD, name: 'ci', otp: '999999' });
    expect(wrong.status).to.equal(401);
    expect(wrong.body.error.code).to.equal('otp_invalid');
    const malformed = await anon.post('/api/v1/tokens', { email: who.email, password: PASSWORD, name: 'ci', otp: 123456 });
    expect(malformed.status).to.equal(400);
    const ok = await anon.post('/api/v1/tokens', { email: who.email, password: PASSWORD, name: 'ci', otp: totpCode(secret, s.clock.now()) });
    expect(ok.status).to.equal(201);
    // Existing tokens keep working without a code.
    expect((await new Client(s.baseUrl, who.token).get('/api/v1/me')).status).to.equal(200);
  });

  it('turning it off takes the password and a code', async () => {
    const { c, who } = await signInAs(s.baseUrl, 'regular');
    const { secret } = await enrol(c);
    s.clock.advance(30_000);
    const badPassword = await c.form('/console/security/totp/disable', { password: 'wrong password', code: totpCode(secret, s.clock.now()) }, '/console/security');
    expect(badPassword.status).to.equal(401);
    const badCode = await c.form('/console/security/totp/disable', { password: PASSWORD, code: '000000' }, '/console/security');
    expect(badCode.status).to.equal(401);
    expect(await db().select().from(totpFactors)).to.have.length(1);
    expect(await actions(who.actor.id)).to.include('two_factor.failed'); // counts toward the lock-out
    const ok = await c.form('/console/security/totp/disable', { password: PASSWORD, code: totpCode(secret, s.clock.now()) }, '/console/security');
    expect(ok.status).to.equal(303);
    expect(ok.headers.get('location')).to.equal('/console/security?done=totp_removed');
    expect(await db().select().from(totpFactors)).to.have.length(0);
    expect(await db().select().from(recoveryCodes)).to.have.length(0);
    expect((await passwordStep(who.email)).res.headers.get('location')).to.equal('/console');
    expect(await actions(who.actor.id)).to.include('two_factor.removed');
  });

  it('wrong passwords when turning it off count toward the lock-out, like wrong codes', async () => {
    const { c, who } = await signInAs(s.baseUrl, 'regular');
    const { secret } = await enrol(c);
    s.clock.advance(30_000);
    for (let i = 0; i < 5; i++) {
      const bad = await c.form('/console/security/totp/disable', { password: 'wrong password', code: totpCode(secret, s.clock.now()) }, '/console/security');
      expect(bad.status).to.equal(401);
    }
    const locked = await c.form('/console/security/totp/disable', { password: PASSWORD, code: totpCode(secret, s.clock.now()) }, '/console/security');
    expect(locked.status).to.equal(429);
    expect(await db().select().from(totpFactors)).to.have.length(1);
    // The same lock closes the password step of sign-in from that address.
    expect((await passwordStep(who.email)).res.status).to.equal(429);
    const log = await actions(who.actor.id);
    expect(log.filter((a) => a === 'session.login_failed')).to.have.length(5);
    expect(log).to.include('session.locked');
  });

  it('policy "two-factor required": people without a factor can only enrol until done', async () => {
    const { c: admin } = await signInAs(s.baseUrl, 'admin');
    const set = await admin.form('/console/users/policy/two-factor', { required: 'on' }, '/console/users');
    expect(set.status).to.equal(303);
    // The admin has no factor either: from now on they too must enrol first.
    expect((await admin.get('/console/users', html)).headers.get('location')).to.equal('/console/security?enrol=required');
    await enrol(admin);
    expect((await admin.get('/console/users', html)).text).to.match(/name="required" checked/);

    const who = await staff('regular');
    const { c } = await passwordStep(who.email);
    const blocked = await c.get('/console/incidents', html);
    expect(blocked.status).to.equal(303);
    expect(blocked.headers.get('location')).to.equal('/console/security?enrol=required');
    const page = await c.get('/console/security', html);
    expect(page.status).to.equal(200);
    expect(page.text).to.include('Your admins require two-factor sign-in');
    // No new API token by password either until enrolled.
    const token = await new Client(s.baseUrl).post('/api/v1/tokens', { email: who.email, password: PASSWORD, name: 'x' });
    expect(token.status).to.equal(403);
    expect(token.body.error.code).to.equal('two_factor_enrolment_required');

    await enrol(c);
    expect((await c.get('/console/incidents', html)).status).to.equal(200);
    const [audit] = await db().select().from(auditLog).where(eq(auditLog.action, 'settings.two_factor_required'));
    expect(audit!.after).to.deep.equal({ required: true });
  });

  it('an admin removes a person’s factor (lost phone): sessions end, the password signs in again', async () => {
    const { c, who } = await signInAs(s.baseUrl, 'regular');
    await enrol(c);
    const admin = await staff('admin');
    const api = new Client(s.baseUrl, admin.token);
    expect((await new Client(s.baseUrl, who.token).delete(`/api/v1/users/${who.actor.id}/two-factor`)).status).to.equal(403);
    const res = await api.delete(`/api/v1/users/${who.actor.id}/two-factor`);
    expect(res.status).to.equal(200);
    expect(res.body).to.deep.equal({ removed: true });
    expect((await c.get('/console/security', html)).status).to.equal(303);
    expect((await passwordStep(who.email)).res.headers.get('location')).to.equal('/console');
    expect((await api.delete(`/api/v1/users/${who.actor.id}/two-factor`)).body).to.deep.equal({ removed: false });
    expect((await api.delete('/api/v1/users/00000000-0000-4000-8000-000000000000/two-factor')).status).to.equal(404);
    expect(await actions(who.actor.id)).to.include('two_factor.removed');

    const { c: console_ } = await signInAs(s.baseUrl, 'admin');
    const page = await console_.form(`/console/users/${who.actor.id}/remove-two-factor`, {}, '/console/users');
    expect(page.text).to.include('had no two-factor sign-in');
  });

  it('the policy over the API: admins only, booleans only', async () => {
    const admin = new Client(s.baseUrl, (await staff('admin')).token);
    const regular = new Client(s.baseUrl, (await staff('regular')).token);
    expect((await regular.put('/api/v1/settings/two-factor', { required: true })).status).to.equal(403);
    expect((await admin.put('/api/v1/settings/two-factor', { required: 'yes' })).status).to.equal(400);
    expect((await admin.get('/api/v1/settings/two-factor')).body).to.deep.equal({ required: false });
    expect((await admin.put('/api/v1/settings/two-factor', { required: true })).body).to.deep.equal({ required: true });
    expect((await admin.get('/api/v1/settings/two-factor')).body).to.deep.equal({ required: true });
  });

  it('a password reset link does not skip the second factor', async () => {
    const { c: first, who } = await signInAs(s.baseUrl, 'regular');
    const { secret } = await enrol(first);
    s.clock.advance(30_000);
    const link = (await new Client(s.baseUrl, (await staff('admin')).token).post(`/api/v1/users/${who.actor.id}/password-reset`)).body.reset_url as string;
    const path = link.replace(/^https?:\/\/[^/]+/, '');
    const token = decodeURIComponent(path.split('token=')[1]!);
    const c = new Client(s.baseUrl);
    const res = await c.form('/console/set-password', { token, password: 'a brand new passphrase' }, path);
    expect(res.status).to.equal(303);
    expect(res.headers.get('location')).to.match(/^\/console\/login\/second-factor/);
    expect(c.hasCookie('beacon_session')).to.equal(false);
    expect((await c.get('/console/incidents', html)).status).to.equal(303);
    expect((await codeStep(c, totpCode(secret, s.clock.now()))).status).to.equal(303);
    expect((await c.get('/console/incidents', html)).status).to.equal(200);
  });

  it('a changed secrets key is a clear 503, never a 500, and changes nothing', async () => {
    const { c, who } = await signInAs(s.baseUrl, 'regular');
    const { secret } = await enrol(c);
    s.clock.advance(30_000);
    s.deps.secretsKey = deriveKey('another-key-that-is-long-enough-0123456789', 'test');
    const res = await new Client(s.baseUrl).post('/api/v1/tokens', { email: who.email, password: PASSWORD, name: 'ci', otp: totpCode(secret, s.clock.now()) });
    expect(res.status).to.equal(503);
    expect(res.body.error.code).to.equal('secrets_key_mismatch');
    expect((await db().select().from(totpFactors))[0]!.confirmedAt).not.to.equal(null);
  });

  it('password failures and locks are in the audit log', async () => {
    const who = await staff('observer');
    for (let i = 0; i < 5; i++) await passwordStep(who.email, 'wrong password');
    const log = await actions(who.actor.id);
    expect(log.filter((a) => a === 'session.login_failed')).to.have.length(5);
    expect(log).to.include('session.locked');
  });
});

import { expect } from 'chai';
import { eq } from 'drizzle-orm';
import { auditLog, passkeys, sessions, settings, webauthnChallenges } from '../../server/db/schema.js';
import { relyingParty } from '../../server/domain/passkeys/relyingParty.js';
import { totpCode } from '../../server/domain/twoFactor/totp.js';
import { Client, signInAs } from '../support/client.js';
import { PASSWORD, staff } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { SoftAuthenticator } from '../support/softAuthenticator.js';

const html = { accept: 'text/html' };

describe('passkeys (WebAuthn)', () => {
  let s: TestServer;
  let device: SoftAuthenticator;
  beforeEach(async () => {
    s = await startTestServer({ now: '2026-11-29T12:00:10Z' });
    const rp = relyingParty(s.deps.config.publicUrl, s.deps.config.PAGE_NAME);
    device = new SoftAuthenticator(rp.origin, rp.id);
  });
  afterEach(() => s.close());
  const db = () => s.deps.database.db;
  const audit = async (userId: string | null) =>
    (await db().select().from(auditLog).orderBy(auditLog.id)).filter((a) => userId === null ? a.subjectId === null : a.subjectId === userId).filter((a) => a.action.startsWith('passkey.') || a.action.startsWith('session.'));
  const actions = async (userId: string) => (await audit(userId)).map((a) => a.action);

  /** What the page's script does first: POST for options with the page's CSRF token in a header. */
  async function options(c: Client, path: string, page: string) {
    const csrf = /name="_csrf" value="([^"]+)"/.exec((await c.get(page, html)).text)![1]!;
    const res = await c.request('POST', path, '', { 'x-csrf-token': csrf, accept: 'application/json' });
    return res;
  }
  async function addPasskey(c: Client, name: string, d = device) {
    const opts = await options(c, '/console/security/passkeys/options', '/console/security');
    expect(opts.status).to.equal(200);
    return c.form('/console/security/passkeys', { name, response: JSON.stringify(d.create(opts.body)) }, '/console/security');
  }
  async function passwordStep(email: string) {
    const c = new Client(s.baseUrl);
    const res = await c.form('/console/login', { email, password: PASSWORD });
    return { c, res };
  }
  const secondStepOptions = (c: Client) => options(c, '/console/login/second-factor/passkey/options', '/console/login/second-factor');
  const secondStep = (c: Client, response: unknown) =>
    c.form('/console/login/second-factor/passkey', { response: typeof response === 'string' ? response : JSON.stringify(response), next: '/console/incidents' }, '/console/login/second-factor');
  const passwordlessOptions = (c: Client) => options(c, '/console/login/passkey/options', '/console/login');
  const passwordless = (c: Client, response: unknown) => c.form('/console/login/passkey', { response: typeof response === 'string' ? response : JSON.stringify(response), next: '/console/incidents' }, '/console/login');

  it('several named passkeys per person: added, listed (name, added, last used), renamed, removed with a tick; all audited', async () => {
    const { c, who } = await signInAs(s.baseUrl, 'regular');
    const opts = await options(c, '/console/security/passkeys/options', '/console/security');
    expect(opts.body.rp.id).to.equal(new URL(s.deps.config.publicUrl).hostname);
    expect(opts.body.authenticatorSelection.residentKey).to.equal('required');
    const added = await c.form('/console/security/passkeys', { name: 'Work laptop', response: JSON.stringify(device.create(opts.body)) }, '/console/security');
    expect(added.status).to.equal(303);
    expect(added.headers.get('location')).to.equal('/console/security?done=passkey_added#passkeys');
    expect((await addPasskey(c, 'Phone')).status).to.equal(303);
    // The second enrolment excludes the first credential.
    const third = await options(c, '/console/security/passkeys/options', '/console/security');
    expect(third.body.excludeCredentials).to.have.length(2);

    const page = await c.get('/console/security', html);
    expect(page.text).to.include('value="Work laptop"').and.include('value="Phone"').and.include('never');
    const rows = await db().select().from(passkeys).where(eq(passkeys.userId, who.actor.id));
    expect(rows).to.have.length(2);
    const laptop = rows.find((r) => r.name === 'Work laptop')!;
    expect(laptop.transports).to.deep.equal(['internal']);

    expect((await c.form(`/console/security/passkeys/${laptop.id}/rename`, { name: 'Old laptop' }, '/console/security')).status).to.equal(303);
    const unticked = await c.form(`/console/security/passkeys/${laptop.id}/remove`, {}, '/console/security');
    expect(unticked.status).to.equal(400);
    expect(await db().select().from(passkeys)).to.have.length(2);
    const removed = await c.form(`/console/security/passkeys/${laptop.id}/remove`, { confirm: 'on' }, '/console/security');
    expect(removed.headers.get('location')).to.equal('/console/security?done=passkey_removed#passkeys');
    expect((await db().select().from(passkeys)).map((r) => r.name)).to.deep.equal(['Phone']);

    // Someone else's passkey is not theirs to rename or remove.
    const { c: other } = await signInAs(s.baseUrl, 'admin');
    const phone = (await db().select().from(passkeys))[0]!;
    expect((await other.form(`/console/security/passkeys/${phone.id}/remove`, { confirm: 'on' }, '/console/security')).status).to.equal(404);
    expect((await other.form(`/console/security/passkeys/${phone.id}/rename`, { name: 'mine' }, '/console/security')).status).to.equal(404);

    const log = await audit(who.actor.id);
    expect(log.map((a) => a.action)).to.include.members(['passkey.enrolled', 'passkey.renamed', 'passkey.removed']);
    expect(log.find((a) => a.action === 'passkey.renamed')!.after).to.deep.equal({ passkey_id: laptop.id, name: 'Old laptop' });
    // Admins see a passkey as a second factor.
    const listed = await new Client(s.baseUrl, (await staff('admin')).token).get('/api/v1/users');
    expect(listed.body.users.find((u: any) => u.id === who.actor.id).two_factor).to.equal(true);
  });

  it('enrolment refuses malformed, replayed, expired, foreign-origin and someone else’s challenges: 4xx, nothing stored, audited', async () => {
    const { c, who } = await signInAs(s.baseUrl, 'regular');
    const post = (response: string, name = 'key') => c.form('/console/security/passkeys', { name, response }, '/console/security');

    const missing = await post('');
    expect(missing.status).to.equal(400);
    const malformed = await post('{"id":"x"}');
    expect(malformed.status).to.equal(400);
    expect(malformed.text).to.include('The passkey response could not be read');
    expect((await post('not json at all')).status).to.equal(400);

    const opts = (await options(c, '/console/security/passkeys/options', '/console/security')).body;
    const wrongOrigin = await post(JSON.stringify(device.create(opts, { origin: 'https://evil.example' })));
    expect(wrongOrigin.status).to.equal(400);
    // The challenge was spent by that attempt: the right answer to it is now refused too.
    expect((await post(JSON.stringify(device.create(opts)))).status).to.equal(400);
    expect((await post(JSON.stringify(device.create(opts, { challenge: 'bm90LWEtY2hhbGxlbmdl' })))).status).to.equal(400);

    const wrongRp = (await options(c, '/console/security/passkeys/options', '/console/security')).body;
    expect((await post(JSON.stringify(device.create(wrongRp, { rpId: 'evil.example' })))).status).to.equal(400);

    const late = (await options(c, '/console/security/passkeys/options', '/console/security')).body;
    s.clock.advance(5 * 60_000 + 1000);
    expect((await post(JSON.stringify(device.create(late)))).status).to.equal(400);

    // A challenge issued to someone else.
    const { c: other } = await signInAs(s.baseUrl, 'observer');
    const theirs = (await options(other, '/console/security/passkeys/options', '/console/security')).body;
    expect((await post(JSON.stringify(device.create(theirs)))).status).to.equal(400);

    expect(await db().select().from(passkeys)).to.have.length(0);
    const failed = (await audit(who.actor.id)).filter((a) => a.action === 'passkey.failed').map((a) => (a.after as { reason: string }).reason);
    expect(failed.slice(0, 2)).to.deep.equal(['malformed', 'malformed']);
    expect(failed.some((r) => /origin/i.test(r))).to.equal(true);
    expect(failed.filter((r) => r === 'unknown_challenge')).to.have.length(4); // spent, forged, expired, someone else's
    expect(failed.some((r) => /rp ?id/i.test(r))).to.equal(true);

    // A good one goes through; the same response again (a replay) does not.
    const good = (await options(c, '/console/security/passkeys/options', '/console/security')).body;
    const response = JSON.stringify(device.create(good));
    expect((await post(response)).status).to.equal(303);
    expect((await post(response)).status).to.equal(400);
    expect(await db().select().from(passkeys)).to.have.length(1);
  });

  it('second step: after the password the page offers the passkey (and the code form only with TOTP); the session records "password"', async () => {
    const { c: first, who } = await signInAs(s.baseUrl, 'regular');
    expect((await addPasskey(first, 'Phone')).status).to.equal(303);
    const { c, res } = await passwordStep(who.email);
    expect(res.headers.get('location')).to.equal('/console/login/second-factor?next=%2Fconsole');
    expect(c.hasCookie('beacon_session')).to.equal(false);
    const page = await c.get('/console/login/second-factor', html);
    expect(page.text).to.include('Use a passkey').and.include('/public/js/passkeys.js');
    expect(page.text).not.to.include('name="code"');

    const opts = await secondStepOptions(c);
    expect(opts.body.allowCredentials.map((x: any) => x.id)).to.deep.equal([...device.credentials.keys()]);
    const done = await secondStep(c, device.get(opts.body));
    expect(done.status).to.equal(303);
    expect(done.headers.get('location')).to.equal('/console/incidents');
    expect((await c.get('/console/incidents', html)).status).to.equal(200);
    const newest = (await db().select().from(sessions).where(eq(sessions.userId, who.actor.id))).sort((a, b) => +b.createdAt - +a.createdAt);
    expect(newest.map((x) => x.signInMethod)).to.include('password');
    const [key] = await db().select().from(passkeys);
    expect(key!.counter).to.equal(1);
    expect(key!.lastUsedAt?.toISOString()).to.equal(s.clock.now().toISOString());
    expect(await actions(who.actor.id)).to.include('passkey.used');
    expect(await db().select().from(webauthnChallenges)).to.have.length(0); // spent

    // With TOTP as well, both are offered.
    await first.form('/console/security/totp/start', {}, '/console/security');
    const secret = /Key: <code class="secret">([A-Z2-7 ]+)<\/code>/.exec((await first.get('/console/security', html)).text)![1]!.replace(/ /g, '');
    expect((await first.form('/console/security/totp/confirm', { code: totpCode(secret, s.clock.now()) }, '/console/security')).status).to.equal(200);
    const { c: both } = await passwordStep(who.email);
    const offered = (await both.get('/console/login/second-factor', html)).text;
    expect(offered).to.include('Use a passkey').and.include('name="code"');
  });

  it('second-step failures (replay, wrong origin, unknown key, counter going back, malformed) change nothing and count in the lock-out', async () => {
    const { c: first, who } = await signInAs(s.baseUrl, 'regular');
    await addPasskey(first, 'Phone');
    const stranger = new SoftAuthenticator(device.origin, device.rpId);
    const { c: otherOwner } = await signInAs(s.baseUrl, 'observer');
    await addPasskey(otherOwner, 'Not yours', stranger);
    const { c } = await passwordStep(who.email);
    const sessionsBefore = (await db().select().from(sessions)).length;

    const ok = device.get((await secondStepOptions(c)).body);
    expect((await secondStep(c, ok)).status).to.equal(303);
    const { c: again } = await passwordStep(who.email);
    const replay = await secondStep(again, ok); // the same signed answer, its challenge spent
    expect(replay.status).to.equal(401);
    expect(replay.text).to.include('That passkey was not accepted');

    const malformed = await secondStep(again, '{"type":"public-key"}');
    expect(malformed.status).to.equal(400);
    expect((await secondStep(again, device.get((await secondStepOptions(again)).body, { origin: 'https://evil.example' }))).status).to.equal(401);
    // Another person's passkey does not count as this person's factor.
    const foreign = stranger.get({ ...(await secondStepOptions(again)).body, allowCredentials: [] });
    expect((await secondStep(again, foreign)).status).to.equal(401);
    const back = await secondStep(again, device.get((await secondStepOptions(again)).body, { counter: 1 }));
    expect(back.status).to.equal(401);
    // Four failures so far (malformed does not count); the fifth locks both steps for 30 s.
    expect((await secondStep(again, device.get((await secondStepOptions(again)).body, { userVerified: true, rpId: 'evil.example' }))).status).to.equal(401);
    expect((await secondStep(again, device.get((await secondStepOptions(again)).body))).status).to.equal(429);
    expect((await passwordStep(who.email)).res.status).to.equal(429);
    expect((await db().select().from(sessions)).length).to.equal(sessionsBefore + 1);

    const reasons = (await audit(who.actor.id)).filter((a) => a.action === 'passkey.failed').map((a) => (a.after as { reason: string }).reason);
    expect(reasons[0]).to.equal('unknown_challenge');
    expect(reasons[1]).to.equal('malformed');
    expect(reasons[2]).to.match(/origin/i);
    expect(reasons[3]).to.equal('unknown_credential');
    expect(reasons[4]).to.match(/counter/i);
    expect(await actions(who.actor.id)).to.include('session.locked');
    const [key] = await db().select().from(passkeys).where(eq(passkeys.userId, who.actor.id));
    expect(key!.counter).to.equal(1);
  });

  it('passwordless: "Use a passkey" on the sign-in page opens a session recorded as "passkey"; the device must verify the person', async () => {
    const { c: first, who } = await signInAs(s.baseUrl, 'regular');
    await addPasskey(first, 'Phone');
    const c = new Client(s.baseUrl);
    const login = await c.get('/console/login', html);
    expect(login.text).to.include('data-passkey="get"').and.include('/public/js/passkeys.js');

    const unverified = await passwordless(c, device.get((await passwordlessOptions(c)).body, { userVerified: false }));
    expect(unverified.status).to.equal(401);
    expect(c.hasCookie('beacon_session')).to.equal(false);

    const opts = (await passwordlessOptions(c)).body;
    expect(opts.userVerification).to.equal('required');
    expect(opts.allowCredentials ?? []).to.deep.equal([]);
    const res = await passwordless(c, device.get(opts));
    expect(res.status).to.equal(303);
    expect(res.headers.get('location')).to.equal('/console/incidents');
    expect((await c.get('/console/incidents', html)).status).to.equal(200);
    const methods = (await db().select().from(sessions).where(eq(sessions.userId, who.actor.id))).map((x) => x.signInMethod);
    expect(methods).to.include('passkey');
    const login2 = (await audit(who.actor.id)).filter((a) => a.action === 'session.login').map((a) => (a.after as { method: string }).method);
    expect(login2).to.include('passkey');
    const reasons = (await audit(who.actor.id)).filter((a) => a.action === 'passkey.failed').map((a) => (a.after as { reason: string }).reason);
    expect(reasons[0]).to.match(/verif/i);
  });

  it('under "SSO enforced" a passkey is no way around the identity provider: refused (403, audited) except for break-glass admins', async () => {
    await s.close();
    const glass = await staff('admin');
    s = await startTestServer({ now: '2026-11-29T12:00:10Z', env: { OIDC_ISSUER_URL: 'http://127.0.0.1:9/unused', OIDC_CLIENT_ID: 'beacon', OIDC_CLIENT_SECRET: 'secret', SSO_BREAK_GLASS_EMAILS: glass.email } });
    const rp = relyingParty(s.deps.config.publicUrl, s.deps.config.PAGE_NAME);
    device = new SoftAuthenticator(rp.origin, rp.id);
    const adminDevice = new SoftAuthenticator(rp.origin, rp.id);
    const { c: first, who } = await signInAs(s.baseUrl, 'regular');
    await addPasskey(first, 'Phone');
    const admin = new Client(s.baseUrl);
    expect((await admin.form('/console/login', { email: glass.email, password: PASSWORD })).status).to.equal(303);
    await addPasskey(admin, 'Key', adminDevice);
    await db().insert(settings).values({ key: 'sso_enforced', value: true, updatedAt: new Date('2026-11-29T12:00:10Z') });

    const c = new Client(s.baseUrl);
    const refused = await passwordless(c, device.get((await passwordlessOptions(c)).body));
    expect(refused.status).to.equal(403);
    expect(refused.text).to.include('single sign-on');
    expect(c.hasCookie('beacon_session')).to.equal(false);
    expect((await db().select().from(auditLog)).map((a) => a.action)).to.include('session.password_refused');
    expect((await db().select().from(sessions).where(eq(sessions.userId, who.actor.id))).map((x) => x.signInMethod)).to.not.include('passkey');

    const b = new Client(s.baseUrl);
    const allowed = await passwordless(b, adminDevice.get((await passwordlessOptions(b)).body));
    expect(allowed.status).to.equal(303);
  });

  it('passwordless refusals: unknown passkey, a second-step challenge, a deactivated account, malformed — all 4xx and audited', async () => {
    const { c: first, who } = await signInAs(s.baseUrl, 'regular');
    await addPasskey(first, 'Phone');
    const c = new Client(s.baseUrl);

    const stranger = new SoftAuthenticator(device.origin, device.rpId);
    stranger.create({ challenge: 'AAAA', rp: { id: device.rpId, name: 'x' }, user: { id: 'dXNlcg', name: 'u', displayName: 'u' }, pubKeyCredParams: [] });
    const unknown = await passwordless(c, stranger.get((await passwordlessOptions(c)).body));
    expect(unknown.status).to.equal(401);
    expect((await audit(null)).map((a) => a.after)).to.deep.include({ step: 'sign_in', reason: 'unknown_credential' });

    // A challenge issued for someone's second step cannot be used to sign in without a password.
    const { c: pending } = await passwordStep(who.email);
    const stepChallenge = (await secondStepOptions(pending)).body;
    expect((await passwordless(c, device.get(stepChallenge))).status).to.equal(401);

    expect((await passwordless(c, 'nope')).status).to.equal(400);
    expect((await audit(null)).map((a) => a.after)).to.deep.include({ step: 'sign_in', reason: 'malformed' });

    const admin = new Client(s.baseUrl, (await staff('admin')).token);
    expect((await admin.patch(`/api/v1/users/${who.actor.id}`, { active: false })).status).to.equal(200);
    expect((await passwordless(c, device.get((await passwordlessOptions(c)).body))).status).to.equal(401);
    expect(c.hasCookie('beacon_session')).to.equal(false);
  });

  it('policy "two-factor required": a passkey is a factor; removing the last one is allowed and the gate then sends the person to enrolment', async () => {
    const { c: admin } = await signInAs(s.baseUrl, 'admin');
    await addPasskey(admin, 'Admin key');
    expect((await admin.form('/console/users/policy/two-factor', { required: 'on' }, '/console/users')).status).to.equal(303);
    expect((await admin.get('/console/users', html)).status).to.equal(200);

    const [key] = await db().select().from(passkeys);
    expect((await admin.form(`/console/security/passkeys/${key!.id}/remove`, { confirm: 'on' }, '/console/security')).status).to.equal(303);
    expect((await admin.get('/console/users', html)).headers.get('location')).to.equal('/console/security?enrol=required');
    const page = await admin.get('/console/security', html);
    expect(page.text).to.include('Your admins require two-factor sign-in');
    await addPasskey(admin, 'New key', new SoftAuthenticator(device.origin, device.rpId));
    expect((await admin.get('/console/users', html)).status).to.equal(200);
  });

  it('an account whose only factor is a passkey gets API tokens in the console, not by password', async () => {
    const { c, who } = await signInAs(s.baseUrl, 'regular');
    await addPasskey(c, 'Phone');
    const res = await new Client(s.baseUrl).post('/api/v1/tokens', { email: who.email, password: PASSWORD, name: 'ci' });
    expect(res.status).to.equal(403);
    expect(res.body.error.code).to.equal('passkey_account');
  });

  it('an admin’s "remove two-factor" removes the passkeys too; deleting an account removes them; "my data" lists names, never keys', async () => {
    const { c, who } = await signInAs(s.baseUrl, 'regular');
    await addPasskey(c, 'Phone');
    const data = await c.get('/console/me/data');
    expect(data.body.passkeys.map((p: any) => p.name)).to.deep.equal(['Phone']);
    const [key] = await db().select().from(passkeys);
    expect(data.text).not.to.include(key!.publicKey);
    expect(data.text).not.to.include(key!.credentialId);

    const admin = new Client(s.baseUrl, (await staff('admin')).token);
    expect((await admin.delete(`/api/v1/users/${who.actor.id}/two-factor`)).body).to.deep.equal({ removed: true });
    expect(await db().select().from(passkeys)).to.have.length(0);
    expect(await actions(who.actor.id)).to.include('passkey.removed');
    expect((await passwordStep(who.email)).res.headers.get('location')).to.equal('/console');

    const { c: again } = await passwordStep(who.email);
    await addPasskey(again, 'Phone 2', new SoftAuthenticator(device.origin, device.rpId));
    expect(await db().select().from(passkeys)).to.have.length(1);
    expect((await admin.delete(`/api/v1/users/${who.actor.id}`)).status).to.equal(204);
    expect(await db().select().from(passkeys)).to.have.length(0);
    // The audit trail keeps the events but not the passkey's name (it may name the person).
    const enrolled = (await audit(who.actor.id)).filter((a) => a.action === 'passkey.enrolled');
    expect(enrolled.every((a) => !('name' in (a.after as object)))).to.equal(true);
  });
});

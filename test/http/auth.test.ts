import { expect } from 'chai';
import { Client } from '../support/client.js';
import { PASSWORD, staff } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/server.js';

describe('staff sign-in, lock-out and API tokens', () => {
  let s: TestServer;
  before(async () => (s = await startTestServer()));
  after(() => s.close());

  it('issues a token once for valid credentials and the API accepts it', async () => {
    const { email } = await staff('regular');
    const anon = new Client(s.baseUrl);
    const res = await anon.post('/api/v1/tokens', { email, password: PASSWORD, name: 'ci' });
    expect(res.status).to.equal(201);
    expect(res.body.token).to.match(/^bcn_/);
    const me = await new Client(s.baseUrl, res.body.token).get('/api/v1/me');
    expect(me.status).to.equal(200);
    expect(me.body.user.email).to.equal(email);
    // Stored hashed: the secret appears nowhere in the table.
    const rows = await s.deps.database.db.query.apiTokens.findMany();
    expect(JSON.stringify(rows)).not.to.include(res.body.token);
  });

  it('revoked tokens answer 401; owners list and revoke their own, not others’', async () => {
    const a = await staff('regular');
    const b = await staff('regular');
    const ca = new Client(s.baseUrl, a.token);
    const list = await ca.get('/api/v1/tokens');
    expect(list.body.tokens).to.have.length(1);
    const id = list.body.tokens[0].id;
    expect((await new Client(s.baseUrl, b.token).delete(`/api/v1/tokens/${id}`)).status).to.equal(404);
    expect((await ca.delete(`/api/v1/tokens/${id}`)).status).to.equal(200);
    const after = await ca.get('/api/v1/me');
    expect(after.status).to.equal(401);
    expect(after.body.error.code).to.equal('invalid_token');
  });

  it('admins can revoke anyone’s token', async () => {
    const admin = await staff('admin');
    const r = await staff('regular');
    const all = await new Client(s.baseUrl, admin.token).get('/api/v1/tokens?all=1');
    const theirs = all.body.tokens.find((t: any) => t.user_id === r.actor.id);
    expect((await new Client(s.baseUrl, admin.token).delete(`/api/v1/tokens/${theirs.id}`)).status).to.equal(200);
    expect((await new Client(s.baseUrl, r.token).get('/api/v1/me')).status).to.equal(401);
  });

  it('locks an address for 30 s after 5 failures in a row, then lets it in again', async () => {
    const { email } = await staff('observer');
    const c = new Client(s.baseUrl);
    for (let i = 0; i < 5; i++) {
      const bad = await c.post('/api/v1/tokens', { email, password: 'wrong password', name: 'x' });
      expect(bad.status).to.equal(401);
      expect(bad.body.error.code).to.equal('invalid_credentials');
    }
    const locked = await c.post('/api/v1/tokens', { email, password: PASSWORD, name: 'x' });
    expect(locked.status).to.equal(429);
    expect(locked.headers.get('retry-after')).to.equal('30');
    s.clock.advance(29_000);
    expect((await c.post('/api/v1/tokens', { email, password: PASSWORD, name: 'x' })).status).to.equal(429);
    s.clock.advance(1_000);
    expect((await c.post('/api/v1/tokens', { email, password: PASSWORD, name: 'x' })).status).to.equal(201);
  });

  it('four failures do not lock, and a success resets the streak', async () => {
    const { email } = await staff('observer');
    const c = new Client(s.baseUrl);
    for (let i = 0; i < 4; i++) await c.post('/api/v1/tokens', { email, password: 'nope-nope', name: 'x' });
    expect((await c.post('/api/v1/tokens', { email, password: PASSWORD, name: 'x' })).status).to.equal(201);
    for (let i = 0; i < 4; i++) await c.post('/api/v1/tokens', { email, password: 'nope-nope', name: 'x' });
    expect((await c.post('/api/v1/tokens', { email, password: PASSWORD, name: 'x' })).status).to.equal(201);
  });

  it('never reveals whether an e-mail exists: same answer, same lock', async () => {
    const { email } = await staff('observer');
    const c = new Client(s.baseUrl);
    const known = await c.post('/api/v1/tokens', { email, password: 'wrong password', name: 'x' });
    const unknown = await c.post('/api/v1/tokens', { email: 'nobody@example.com', password: 'wrong password', name: 'x' });
    expect(unknown.status).to.equal(known.status);
    expect(unknown.body).to.deep.equal(known.body);
    for (let i = 0; i < 4; i++) await c.post('/api/v1/tokens', { email: 'nobody@example.com', password: 'x', name: 'x' });
    expect((await c.post('/api/v1/tokens', { email: 'nobody@example.com', password: 'x', name: 'x' })).status).to.equal(429);
  });

  it('console login sets an httpOnly SameSite cookie and reaches the dashboard', async () => {
    const { email } = await staff('regular');
    const c = new Client(s.baseUrl);
    const res = await c.form('/console/login', { email, password: PASSWORD });
    expect(res.status).to.equal(303);
    const cookie = res.headers.getSetCookie().find((h) => h.startsWith('beacon_session='))!;
    expect(cookie).to.match(/HttpOnly/i).and.match(/SameSite=Lax/i);
    const dash = await c.get('/console', { accept: 'text/html' });
    expect(dash.status).to.equal(200);
    expect(dash.text).to.include('Dashboard');
  });

  it('rejects a console form without the CSRF token', async () => {
    const { email } = await staff('regular');
    const c = new Client(s.baseUrl);
    await c.form('/console/login', { email, password: PASSWORD });
    const res = await c.request('POST', '/console/tokens', 'name=sneaky', {
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'text/html',
    });
    expect(res.status).to.equal(403);
    expect(res.text).to.include('Reload the page');
    const ok = await c.form('/console/tokens', { name: 'legit' });
    expect(ok.status).to.equal(201);
    expect(ok.text).to.include('shown only once');
  });

  it('ends console sessions when a user is deactivated or changes role', async () => {
    const admin = await staff('admin');
    const target = await staff('regular');
    const c = new Client(s.baseUrl);
    await c.form('/console/login', { email: target.email, password: PASSWORD });
    expect((await c.get('/console', { accept: 'text/html' })).status).to.equal(200);
    const api = new Client(s.baseUrl, admin.token);
    expect((await api.patch(`/api/v1/users/${target.actor.id}`, { role: 'observer' })).status).to.equal(200);
    expect((await c.get('/console', { accept: 'text/html' })).status).to.equal(303);

    await c.form('/console/login', { email: target.email, password: PASSWORD });
    expect((await c.get('/console', { accept: 'text/html' })).status).to.equal(200);
    await api.patch(`/api/v1/users/${target.actor.id}`, { active: false });
    expect((await c.get('/console', { accept: 'text/html' })).status).to.equal(303);
    expect((await new Client(s.baseUrl, target.token).get('/api/v1/me')).status).to.equal(401);
  });

  it('keeps at least one active admin', async () => {
    const admin = await staff('admin');
    const res = await new Client(s.baseUrl, admin.token).patch(`/api/v1/users/${admin.actor.id}`, { role: 'regular' });
    expect(res.status).to.equal(422);
    expect(res.body.error.code).to.equal('last_admin');
  });

  it('admin invites a user who sets a password from the one-time link', async () => {
    const admin = await staff('admin');
    const res = await new Client(s.baseUrl, admin.token).post('/api/v1/users', { email: 'new@example.com', name: 'New', role: 'regular' });
    expect(res.status).to.equal(201);
    const path = new URL(res.body.invite_url).pathname + new URL(res.body.invite_url).search;
    const token = new URL(res.body.invite_url).searchParams.get('token')!;
    const c = new Client(s.baseUrl);
    const set = await c.form('/console/set-password', { token, password: 'a brand new pw' }, path);
    expect(set.status).to.equal(303);
    expect((await c.get('/console', { accept: 'text/html' })).status).to.equal(200);
    // The link is single-use.
    expect((await new Client(s.baseUrl).get(path, { accept: 'text/html' })).status).to.equal(404);
  });
});

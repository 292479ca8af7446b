import { expect } from 'chai';
import { eq } from 'drizzle-orm';
import { auditLog, sessions } from '../../server/db/schema.js';
import { Client, signInAs } from '../support/client.js';
import { PASSWORD, staff } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/server.js';

describe('your sessions', () => {
  let s: TestServer;
  before(async () => (s = await startTestServer()));
  after(() => s.close());
  const db = () => s.deps.database.db;

  /** Signs `email` in from a browser with the given user agent. */
  async function browser(email: string, userAgent: string) {
    const c = new Client(s.baseUrl);
    const page = await c.get('/console/login', { accept: 'text/html', 'user-agent': userAgent });
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)![1]!;
    const res = await c.request('POST', '/console/login', new URLSearchParams({ _csrf: csrf, email, password: PASSWORD }).toString(), {
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'text/html',
      'user-agent': userAgent,
    });
    expect(res.status).to.equal(303);
    return c;
  }

  it('lists own sessions with created, last seen and client, on the Security page and the API', async () => {
    const who = await staff('observer');
    const laptop = await browser(who.email, 'Laptop Firefox/140');
    s.clock.advance(5 * 60_000);
    await browser(who.email, 'Phone Safari/18');
    await browser((await staff('observer')).email, 'Someone Else/1');

    const res = await new Client(s.baseUrl, who.token).get('/api/v1/me/sessions');
    expect(res.status).to.equal(200);
    expect(res.body.sessions.map((x: any) => x.user_agent)).to.deep.equal(['Phone Safari/18', 'Laptop Firefox/140']);
    const [phone, lap] = res.body.sessions;
    expect(lap.created_at).to.equal('2026-11-29T12:00:00.000Z');
    expect(phone.created_at).to.equal('2026-11-29T12:05:00.000Z');
    expect(lap).to.have.keys('id', 'current', 'created_at', 'last_seen_at', 'expires_at', 'user_agent');
    expect(lap.current).to.equal(false);

    const page = await laptop.get('/console/security', { accept: 'text/html' });
    expect(page.status).to.equal(200);
    expect(page.text).to.include('Phone Safari/18');
    expect(page.text).to.match(/Laptop Firefox\/140 <span class="badge">this session<\/span>/);
    expect(page.text).not.to.include('Someone Else');
    // The console nav links to the page.
    expect(page.text).to.include('href="/console/security"');
  });

  it('moves "last seen" at most once a minute', async () => {
    const who = await staff('regular');
    const c = await browser(who.email, 'UA/1');
    const lastSeen = async () => (await db().select().from(sessions).where(eq(sessions.userId, who.actor.id)))[0]!.lastSeenAt!.toISOString();
    const start = await lastSeen();
    s.clock.advance(59_000);
    await c.get('/console/security', { accept: 'text/html' });
    expect(await lastSeen()).to.equal(start);
    s.clock.advance(1_000);
    await c.get('/console/security', { accept: 'text/html' });
    expect(await lastSeen()).to.equal(s.clock.now().toISOString());
  });

  it('ends one of your sessions from the console; that browser is signed out', async () => {
    const who = await staff('regular');
    const a = await browser(who.email, 'A/1');
    const b = await browser(who.email, 'B/1');
    const list = (await new Client(s.baseUrl, who.token).get('/api/v1/me/sessions')).body.sessions;
    const bId = list.find((x: any) => x.user_agent === 'B/1').id;
    const res = await a.form(`/console/security/sessions/${bId}/end`, {}, '/console/security');
    expect(res.status).to.equal(303);
    expect(res.headers.get('location')).to.equal('/console/security?done=session_ended');
    expect((await a.get('/console/security?done=session_ended', { accept: 'text/html' })).text).to.include('The session has ended.');
    expect((await b.get('/console/security', { accept: 'text/html' })).status).to.equal(303);
    const [audit] = await db().select().from(auditLog).where(eq(auditLog.action, 'session.end'));
    expect(audit!.after).to.deep.equal({ session_id: bId });
  });

  it('ending the current session signs this browser out', async () => {
    const who = await staff('regular');
    const a = await browser(who.email, 'A/1');
    const [mine] = (await new Client(s.baseUrl, who.token).get('/api/v1/me/sessions')).body.sessions;
    const res = await a.form(`/console/security/sessions/${mine.id}/end`, {}, '/console/security');
    expect(res.headers.get('location')).to.equal('/console/login');
    expect((await a.get('/console/security', { accept: 'text/html' })).status).to.equal(303);
  });

  it('DELETE /api/v1/me/sessions/:id ends your own; another person’s id is 404 and stays', async () => {
    const me = await staff('regular');
    const other = await staff('admin');
    await browser(me.email, 'Mine/1');
    const theirs = await browser(other.email, 'Theirs/1');
    const api = new Client(s.baseUrl, me.token);
    const [mine] = (await api.get('/api/v1/me/sessions')).body.sessions;
    const [theirId] = (await new Client(s.baseUrl, other.token).get('/api/v1/me/sessions')).body.sessions.map((x: any) => x.id);

    const denied = await api.delete(`/api/v1/me/sessions/${theirId}`);
    expect(denied.status).to.equal(404);
    expect(denied.body.error.code).to.equal('session_not_found');
    expect((await theirs.get('/console/security', { accept: 'text/html' })).status).to.equal(200);

    expect((await api.delete(`/api/v1/me/sessions/${mine.id}`)).status).to.equal(204);
    expect((await api.get('/api/v1/me/sessions')).body.sessions).to.deep.equal([]);
    expect((await api.delete(`/api/v1/me/sessions/${mine.id}`)).status).to.equal(404);
    expect((await api.delete('/api/v1/me/sessions/not-an-id')).status).to.equal(400);
    expect((await new Client(s.baseUrl).get('/api/v1/me/sessions')).status).to.equal(401);
  });

  it('admins end all sessions of a person (API and Staff page); others may not', async () => {
    const admin = await staff('admin');
    const person = await staff('regular');
    const p1 = await browser(person.email, 'P/1');
    const p2 = await browser(person.email, 'P/2');
    const denied = await new Client(s.baseUrl, person.token).delete(`/api/v1/users/${admin.actor.id}/sessions`);
    expect(denied.status).to.equal(403);

    const res = await new Client(s.baseUrl, admin.token).delete(`/api/v1/users/${person.actor.id}/sessions`);
    expect(res.status).to.equal(200);
    expect(res.body).to.deep.equal({ sessions_ended: 2 });
    expect((await p1.get('/console/security', { accept: 'text/html' })).status).to.equal(303);
    expect((await p2.get('/console/security', { accept: 'text/html' })).status).to.equal(303);
    expect((await new Client(s.baseUrl, admin.token).delete('/api/v1/users/00000000-0000-4000-8000-000000000000/sessions')).status).to.equal(404);

    const p3 = await browser(person.email, 'P/3');
    const { c } = await signInAs(s.baseUrl, 'admin');
    const page = await c.form(`/console/users/${person.actor.id}/end-sessions`, {}, '/console/users');
    expect(page.status).to.equal(200);
    expect(page.text).to.include(`Ended 1 console session(s) of ${person.email}`);
    expect((await p3.get('/console/security', { accept: 'text/html' })).status).to.equal(303);
    const audits = await db().select().from(auditLog).where(eq(auditLog.action, 'session.end_all'));
    expect(audits.map((a) => a.after)).to.deep.equal([{ sessions_ended: 2 }, { sessions_ended: 1 }]);
  });

  it('non-admins cannot end other people’s sessions from the console', async () => {
    const person = await staff('regular');
    const { c } = await signInAs(s.baseUrl, 'regular');
    const res = await c.form(`/console/users/${person.actor.id}/end-sessions`, {}, '/console/security');
    expect(res.status).to.equal(403);
  });
});

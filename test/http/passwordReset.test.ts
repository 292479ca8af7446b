import { expect } from 'chai';
import { and, eq } from 'drizzle-orm';
import { auditLog, outboxEvents, sessions } from '../../server/db/schema.js';
import { Client, signInAs } from '../support/client.js';
import { PASSWORD, staff } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { recipient, startSmtp, type FakeSmtp } from '../support/smtp.js';

const NOW = '2026-11-29T12:00:00.000Z';
const NEW_PASSWORD = 'a brand new passphrase';
const linkIn = (text: string) => /https?:\/\/[^\s>]+\/console\/set-password\?token=[^\s>]+/.exec(text)?.[0] ?? '';

describe('password reset by link', () => {
  describe('with e-mail on (real SMTP on loopback)', () => {
    let smtp: FakeSmtp;
    let s: TestServer;
    const db = () => s.deps.database.db;
    const drain = () => s.runtime.dispatcher.drain();
    const path = (url: string) => url.replace(/^https?:\/\/[^/]+/, '');
    const forgot = (email: string, c = new Client(s.baseUrl)) => c.form('/console/forgot-password', { email });
    const signIn = (email: string, password: string) => new Client(s.baseUrl).form('/console/login', { email, password });

    before(async () => (smtp = await startSmtp()));
    after(() => smtp.close());
    beforeEach(async () => {
      smtp.messages.length = 0;
      s = await startTestServer({ now: NOW, env: { SMTP_URL: smtp.url } });
    });
    afterEach(() => s.close());

    it('the sign-in page links to "Forgot password?"', async () => {
      const page = await new Client(s.baseUrl).get('/console/login', { accept: 'text/html' });
      expect(page.text).to.include('href="/console/forgot-password"');
    });

    it('mails a link that sets a new password once, ends every session and is audited', async () => {
      const { c, who } = await signInAs(s.baseUrl, 'regular');
      expect((await c.get('/console/security', { accept: 'text/html' })).status).to.equal(200);

      const res = await forgot(who.email);
      expect(res.status).to.equal(200);
      expect(res.text).to.include('If that address belongs to an active account');
      await drain();
      expect(smtp.messages.map(recipient)).to.deep.equal([who.email]);
      const mail = smtp.messages[0]!;
      expect(mail.subject).to.equal('[Beacon] Reset your password');
      const link = path(linkIn(mail.text!));
      expect(link).to.match(/^\/console\/set-password\?token=/);
      // The link's secret is stored nowhere in clear: not in the outbox, not in the token table.
      const token = decodeURIComponent(link.split('token=')[1]!);
      const [event] = await db().select().from(outboxEvents).where(eq(outboxEvents.type, 'staff.password_reset_requested'));
      expect(JSON.stringify(event)).not.to.include(token);

      const anon = new Client(s.baseUrl);
      const set = await anon.form(link.replace(/\?.*/, ''), { token, password: NEW_PASSWORD }, link);
      expect(set.status).to.equal(303);
      // The old session is gone, the old password no longer works, the new one does.
      expect((await c.get('/console/security', { accept: 'text/html' })).status).to.equal(303);
      expect((await signIn(who.email, PASSWORD)).status).to.equal(401);
      expect((await signIn(who.email, NEW_PASSWORD)).status).to.equal(303);
      // The request log names the page but never the link's secret.
      expect(s.logs.text()).to.include('/console/set-password');
      expect(s.logs.text()).not.to.include(token);
      expect(s.logs.text()).not.to.include(encodeURIComponent(token));
      // Used once: the link is dead.
      expect((await new Client(s.baseUrl).get(link, { accept: 'text/html' })).status).to.equal(404);

      const actions = (await db().select().from(auditLog).where(eq(auditLog.subjectId, who.actor.id))).map((a) => a.action);
      expect(actions).to.include.members(['user.password_reset_requested', 'user.password_reset']);
      const [used] = await db().select().from(auditLog).where(and(eq(auditLog.action, 'user.password_reset'), eq(auditLog.subjectId, who.actor.id)));
      expect(used!.after).to.deep.equal({ sessions_ended: 1 });
    });

    it('answers an unknown address exactly like a known one and sends nothing', async () => {
      const { email } = await staff('observer');
      const known = await forgot(email);
      const unknown = await forgot('nobody@example.com');
      const strip = (t: string) => t.replace(/name="_csrf" value="[^"]+"/g, '').replace(/nonce-[^'"]+/g, '');
      expect(unknown.status).to.equal(known.status);
      expect(strip(unknown.text)).to.equal(strip(known.text));
      await drain();
      expect(smtp.messages.map(recipient)).to.deep.equal([email]);
      const [audit] = await db().select().from(auditLog).where(eq(auditLog.action, 'user.password_reset_requested')).orderBy(auditLog.id).offset(1);
      expect(audit!.after).to.deep.equal({ email: 'nobody@example.com', outcome: 'unknown_or_inactive' });
    });

    it('the link lasts one hour (injected clock)', async () => {
      const { email } = await staff('regular');
      await forgot(email);
      await drain();
      const link = path(linkIn(smtp.messages[0]!.text!));
      s.clock.advance(3600_000 - 1000);
      expect((await new Client(s.baseUrl).get(link, { accept: 'text/html' })).status).to.equal(200);
      s.clock.advance(1000);
      const expired = await new Client(s.baseUrl).get(link, { accept: 'text/html' });
      expect(expired.status).to.equal(404);
      const token = decodeURIComponent(link.split('token=')[1]!);
      const c = new Client(s.baseUrl);
      s.clock.advance(-1000);
      const page = await c.get(link, { accept: 'text/html' }); // for the CSRF token, while still valid
      s.clock.advance(1000);
      const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)![1]!;
      const post = await c.request('POST', '/console/set-password', new URLSearchParams({ _csrf: csrf, token, password: NEW_PASSWORD }).toString(), { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' });
      expect(post.status).to.equal(404);
      expect((await signIn(email, PASSWORD)).status).to.equal(303);
    });

    it('a link replaced before the mail went out is not sent', async () => {
      const { email } = await staff('regular');
      await forgot(email);
      await forgot(email);
      await drain();
      expect(smtp.messages).to.have.length(1);
      expect((await new Client(s.baseUrl).get(path(linkIn(smtp.messages[0]!.text!)), { accept: 'text/html' })).status).to.equal(200);
    });

    it('a newer link kills the older one', async () => {
      const { email } = await staff('regular');
      await forgot(email);
      await drain();
      s.clock.advance(60_000);
      await forgot(email);
      await drain();
      expect(smtp.messages).to.have.length(2);
      const [first, second] = smtp.messages.map((m) => path(linkIn(m.text!)));
      expect(first).not.to.equal(second);
      expect((await new Client(s.baseUrl).get(first!, { accept: 'text/html' })).status).to.equal(404);
      expect((await new Client(s.baseUrl).get(second!, { accept: 'text/html' })).status).to.equal(200);
    });

    it('sends at most three links per person an hour, answering the same', async () => {
      const { email } = await staff('regular');
      for (let i = 0; i < 4; i++) {
        const res = await forgot(email);
        expect(res.status).to.equal(200);
        expect(res.text).to.include('If that address belongs to an active account');
        await drain();
      }
      expect(smtp.messages).to.have.length(3);
      s.clock.advance(3600_000);
      await forgot(email);
      await drain();
      expect(smtp.messages).to.have.length(4);
    });

    it('limits requests per client address (429 on the form)', async () => {
      const c = new Client(s.baseUrl);
      for (let i = 0; i < 10; i++) expect((await forgot(`x${i}@example.com`, c)).status).to.equal(200);
      const limited = await forgot('x@example.com', c);
      expect(limited.status).to.equal(429);
      expect(limited.text).to.include('Too many reset requests');
    });

    it('malformed input re-renders the form with a field error and sends nothing', async () => {
      const res = await forgot('not an address');
      expect(res.status).to.equal(400);
      expect(res.text).to.include('must be an e-mail address');
      await drain();
      expect(smtp.messages).to.have.length(0);
      expect(await db().select().from(outboxEvents)).to.have.length(0);
    });
  });

  describe('with e-mail off', () => {
    let s: TestServer;
    before(async () => (s = await startTestServer({ now: NOW })));
    after(() => s.close());

    it('the page says to ask an admin, and posting stores nothing', async () => {
      const { email } = await staff('regular');
      const page = await new Client(s.baseUrl).get('/console/forgot-password', { accept: 'text/html' });
      expect(page.text).to.include('Ask an admin for a password reset link');
      expect(page.text).not.to.include('name="email"');
      const post = await new Client(s.baseUrl).form('/console/forgot-password', { email }, '/console/login');
      expect(post.status).to.equal(503);
      expect(await s.deps.database.db.select().from(outboxEvents)).to.have.length(0);
    });

    it('an admin issues a one-hour link from the Staff page; the newest one wins', async () => {
      const { c } = await signInAs(s.baseUrl, 'admin');
      const { actor, email } = await staff('regular');
      const first = await c.form(`/console/users/${actor.id}/reset-link`, {}, '/console/users');
      expect(first.status).to.equal(200);
      const second = await c.form(`/console/users/${actor.id}/reset-link`, {}, '/console/users');
      const linkOf = (t: string) => /\/console\/set-password\?token&#x3D;[^<\s"]+/.exec(t)![0].replace('&#x3D;', '=');
      expect(second.text).to.include(`Send this one-time link to ${email}`);
      expect((await new Client(s.baseUrl).get(linkOf(first.text), { accept: 'text/html' })).status).to.equal(404);
      const link = linkOf(second.text);
      const person = new Client(s.baseUrl);
      const token = decodeURIComponent(link.split('token=')[1]!);
      expect((await person.form('/console/set-password', { token, password: NEW_PASSWORD }, link)).status).to.equal(303);
      expect((await new Client(s.baseUrl).form('/console/login', { email, password: NEW_PASSWORD })).status).to.equal(303);
      const actions = (await s.deps.database.db.select().from(auditLog).where(eq(auditLog.subjectId, actor.id))).map((a) => a.action);
      expect(actions).to.include.members(['user.password_reset_issued', 'user.password_reset']);
    });

    it('the API issues a link for admins only', async () => {
      const admin = await staff('admin');
      const regular = await staff('regular');
      const denied = await new Client(s.baseUrl, regular.token).post(`/api/v1/users/${admin.actor.id}/password-reset`);
      expect(denied.status).to.equal(403);
      const res = await new Client(s.baseUrl, admin.token).post(`/api/v1/users/${regular.actor.id}/password-reset`);
      expect(res.status).to.equal(201);
      expect(res.body.reset_url).to.match(/\/console\/set-password\?token=/);
      const missing = await new Client(s.baseUrl, admin.token).post('/api/v1/users/00000000-0000-4000-8000-000000000000/password-reset');
      expect(missing.status).to.equal(404);
      expect(await s.deps.database.db.select().from(sessions)).to.have.length(0);
    });
  });
});

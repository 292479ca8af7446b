import { expect } from 'chai';
import { subscribers } from '../../server/db/schema.js';
import { signSubscriber } from '../../server/domain/subscribers/links.js';
import { Client } from '../support/client.js';
import { component } from '../support/components.js';
import { startTestServer, TEST_SECRET, type TestServer } from '../support/server.js';

describe('public subscriptions', () => {
  let s: TestServer;
  const anon = () => new Client(s.baseUrl);
  // A fresh app per test: the rate limiter counts per app instance. E-mail is on (an SMTP URL is
  // set) but nothing is sent: these tests never run the dispatcher.
  beforeEach(async () => (s = await startTestServer({ env: { SMTP_URL: 'smtp://127.0.0.1:9' } })));
  afterEach(() => s.close());
  const rows = () => s.deps.database.db.select().from(subscribers);

  it('POST /api/v1/subscribers → 202 pending, the same for an address that is already confirmed', async () => {
    const web = await component('Web app');
    const res = await anon().post('/api/v1/subscribers', { email: 'Ann@Example.com', components: [web.id] });
    expect(res.status, res.text).to.equal(202);
    expect(res.body).to.deep.equal({ status: 'pending_confirmation' });
    const [row] = await rows();
    expect(row).to.include({ email: 'Ann@Example.com', confirmedAt: null });
    expect(row!.componentIds).to.deep.equal([web.id]);
    const sig = signSubscriber(TEST_SECRET, row!.id);
    expect((await anon().get(`/subscribe/confirm?s=${row!.id}&sig=${sig}`, { accept: 'text/html' })).status).to.equal(200);
    const again = await anon().post('/api/v1/subscribers', { email: 'ann@example.com' });
    expect(again.status).to.equal(202);
    expect(again.body).to.deep.equal(res.body);
    expect(await rows()).to.have.length(1);
    expect((await rows())[0]!.componentIds).to.deep.equal([web.id]); // untouched
  });

  it('400 for a bad e-mail or unknown fields, 404 for an unknown component', async () => {
    const bad = await anon().post('/api/v1/subscribers', { email: 'not-an-email' });
    expect(bad.status).to.equal(400);
    expect(bad.body.error.code).to.equal('validation_failed');
    expect((await anon().post('/api/v1/subscribers', { email: 'a@example.com', admin: true })).status).to.equal(400);
    const missing = await anon().post('/api/v1/subscribers', { email: 'a@example.com', components: ['6f1d7a52-1111-4222-8333-944455556666'] });
    expect(missing.status).to.equal(404);
    expect(missing.body.error.code).to.equal('component_not_found');
    expect(await rows()).to.have.length(0);
  });

  it('rate-limits subscription requests per IP with 429 in the error shape', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 11; i++) codes.push((await anon().post('/api/v1/subscribers', { email: `r${i}@example.com` })).status);
    expect(codes.slice(0, 10).every((c) => c === 202)).to.equal(true);
    const res = await anon().post('/api/v1/subscribers', { email: 'last@example.com' });
    expect(res.status).to.equal(429);
    expect(res.body.error.code).to.equal('rate_limited');
    expect(res.headers.get('retry-after')).to.equal('60');
  });

  it('the status page form subscribes and shows a check-your-inbox page', async () => {
    const res = await anon().request('POST', '/subscribe', 'email=form%40example.com', { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' });
    expect(res.status).to.equal(202);
    expect(res.text).to.include('Check your inbox');
    expect((await rows()).map((r) => r.email)).to.deep.equal(['form@example.com']);
  });

  it('signed links: forged signatures get 403; manage chooses components; unsubscribe has a page and a one-click POST', async () => {
    const web = await component('Web app');
    await component('Database');
    await anon().post('/api/v1/subscribers', { email: 'bob@example.com' });
    const [row] = await rows();
    const q = `s=${row!.id}&sig=${signSubscriber(TEST_SECRET, row!.id)}`;
    const forged = `s=${row!.id}&sig=${signSubscriber('another-secret-that-is-long-enough-000000', row!.id)}`;
    for (const path of ['/subscribe/confirm', '/subscribe/manage', '/subscribe/unsubscribe']) {
      expect((await anon().get(`${path}?${forged}`, { accept: 'text/html' })).status, path).to.equal(403);
    }
    expect((await anon().request('POST', `/subscribe/unsubscribe?${forged}`, 'List-Unsubscribe=One-Click', { 'content-type': 'application/x-www-form-urlencoded' })).status).to.equal(403);
    expect((await anon().get(`/subscribe/manage?s=${row!.id}`, { accept: 'text/html' })).status).to.equal(400);

    const page = await anon().get(`/subscribe/manage?${q}`, { accept: 'text/html' });
    expect(page.status).to.equal(200);
    expect(page.text).to.include('Web app').and.include('Database');
    const form = (body: string, path = '/subscribe/manage') => anon().request('POST', `${path}?${q}`, body, { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' });
    expect((await form(`scope=some&components=${web.id}`)).status).to.equal(200);
    expect((await rows())[0]!.componentIds).to.deep.equal([web.id]);
    expect((await form('scope=all')).status).to.equal(200);
    expect((await rows())[0]!.componentIds).to.equal(null);

    const confirmPage = await anon().get(`/subscribe/unsubscribe?${q}`, { accept: 'text/html' });
    expect(confirmPage.text).to.include('<button type="submit">Unsubscribe</button>');
    expect((await rows())[0]!.unsubscribedAt).to.equal(null);
    const done = await form('List-Unsubscribe=One-Click', '/subscribe/unsubscribe');
    expect(done.status).to.equal(200);
    expect(done.text).to.include('You are unsubscribed');
    expect(await rows()).to.have.length(0); // unsubscribing deletes the address (see privacy tests)
  });

  describe('when e-mail is off (no SMTP_URL)', () => {
    let off: TestServer;
    beforeEach(async () => (off = await startTestServer()));
    afterEach(() => off.close());

    it('POST /api/v1/subscribers answers 503 email_disabled and stores nothing', async () => {
      const res = await new Client(off.baseUrl).post('/api/v1/subscribers', { email: 'ann@example.com' });
      expect(res.status).to.equal(503);
      expect(res.body.error.code).to.equal('email_disabled');
      expect(res.body.error.message).to.match(/not available/);
      expect(await rows()).to.have.length(0);
    });

    it('the /subscribe form answers 503 with an explanation, not "check your inbox", and stores nothing', async () => {
      const res = await new Client(off.baseUrl).request('POST', '/subscribe', 'email=ann%40example.com', { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' });
      expect(res.status).to.equal(503);
      expect(res.text).to.include('E-mail updates are not available');
      expect(res.text).not.to.include('Check your inbox');
      expect(await rows()).to.have.length(0);
    });

    it('the status page offers no e-mail sign-up and points to the feeds; with e-mail on it offers the form', async () => {
      const page = await new Client(off.baseUrl).get('/', { accept: 'text/html' });
      expect(page.text).not.to.include('action="/subscribe"');
      expect(page.text).to.include('E-mail updates are not available');
      expect(page.text).to.match(/<a href="\/history\.rss">RSS<\/a> or <a href="\/history\.atom">Atom<\/a> feed/);
      const on = await anon().get('/', { accept: 'text/html' });
      expect(on.text).to.include('action="/subscribe"');
      expect(on.text).not.to.include('E-mail updates are not available');
    });
  });
});

import { expect } from 'chai';
import { subscribers } from '../../server/db/schema.js';
import { Client } from '../support/client.js';
import { component } from '../support/components.js';
import { staff } from '../support/factories.js';
import { FakeTwitter } from '../support/fakeTwitter.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { recipient, startSmtp, type FakeSmtp } from '../support/smtp.js';
import { Receiver } from '../support/webhookReceiver.js';

const NOW = '2026-11-29T12:00:00.000Z';
const TWITTER = { TWITTER_APP_KEY: 'k', TWITTER_APP_SECRET: 's', TWITTER_ACCESS_TOKEN: 't', TWITTER_ACCESS_SECRET: 'a' };

// Recording a fix is the most important message of an incident: it goes out on every channel.
describe('recording a fix publishes and notifies (e-mail, Twitter, webhooks, public page)', () => {
  let smtp: FakeSmtp;
  let twitter: FakeTwitter;
  let rx: Receiver;
  let s: TestServer;
  let api: Client;
  const drain = () => s.runtime.dispatcher.drain();
  let tweetMark = 0;
  const newTweets = () => twitter.tweets.slice(tweetMark);

  before(async () => {
    smtp = await startSmtp();
    twitter = await new FakeTwitter().start();
    rx = new Receiver();
    await rx.start();
  });
  after(async () => {
    await rx.close();
    await twitter.close();
    await smtp.close();
  });
  beforeEach(async () => {
    smtp.messages.length = 0;
    twitter.reset();
    rx.hits = [];
    s = await startTestServer({ now: NOW, env: { SMTP_URL: smtp.url, ...TWITTER, TWITTER_API_BASE_URL: twitter.baseUrl, WEBHOOK_ALLOW_PRIVATE: 'true' } });
    api = new Client(s.baseUrl, (await staff('regular')).token);
    const admin = new Client(s.baseUrl, (await staff('admin')).token);
    const hook = await admin.post('/api/v1/webhooks', { url: rx.url, description: 'ops' });
    expect(hook.status, hook.text).to.equal(201);
    rx.secret = hook.body.secret;
    const at = new Date(NOW);
    await s.deps.database.db.insert(subscribers).values({ email: 'ann@example.com', componentIds: null, confirmedAt: at, createdAt: at, updatedAt: at });
  });
  afterEach(() => s.close());

  /** A sev1 on "Checkout" with work started, everything about it already delivered. */
  async function openIncident() {
    const web = await component('Checkout');
    const res = await api.post('/api/v1/incidents', { title: 'Payments failing', severity: 1, message: 'We are investigating.', components: [{ id: web.id, status: 'major_outage' }] });
    expect(res.status, res.text).to.equal(201);
    s.clock.advance(10 * 60_000);
    expect((await api.post(`/api/v1/incidents/${res.body.id}/milestones`, { milestone: 'work_start' })).status).to.equal(201);
    await drain();
    smtp.messages.length = 0;
    tweetMark = twitter.tweets.length; // kept: later tweets reply to the first one
    rx.hits = [];
    s.clock.advance(30 * 60_000);
    return res.body.id as string;
  }

  it('final fix with a message: resolved update, e-mail to the subscriber, tweet in the thread, webhook, public page', async () => {
    const id = await openIncident();
    const message = 'We rolled back the payment gateway change; payments work again.';
    const res = await api.post(`/api/v1/incidents/${id}/milestones`, { milestone: 'final_fix', message });
    expect(res.status, res.text).to.equal(201);
    expect(res.body.status).to.equal('resolved');
    expect(res.body.incident_updates[0]).to.include({ status: 'resolved', body: message, deliver_notifications: true });
    await drain();

    expect(smtp.messages.map(recipient)).to.deep.equal(['ann@example.com']);
    expect(smtp.messages[0]!.subject).to.equal('[Beacon] Resolved: Payments failing');
    expect(smtp.messages[0]!.text).to.include(message);

    expect(newTweets()).to.have.length(1);
    expect(newTweets()[0]!.text).to.include('[Resolved]').and.include('payment gateway');
    expect(newTweets()[0]!.replyTo, 'threaded under the incident tweet').to.equal(twitter.tweets[0]!.id);

    const resolved = rx.hits.filter((h) => h.body.type === 'incident.resolved');
    expect(resolved, JSON.stringify(rx.hits.map((h) => h.body.type))).to.have.length(1);
    expect(resolved[0]!.valid).to.equal(true);
    expect(resolved[0]!.body.data.incident.status).to.equal('resolved');
    expect(resolved[0]!.body.data.incident.incident_updates[0].body).to.equal(message);

    const page = await new Client(s.baseUrl).get(`/incidents/${id}`, { accept: 'text/html' });
    expect(page.text).to.include(message);

    // The resolution was the update: a second "resolved" is a conflict, not a missing message.
    const again = await api.post(`/api/v1/incidents/${id}/updates`, { status: 'resolved', message: 'Resolved.' });
    expect(again.status).to.equal(409);
  });

  it('final fix without a message publishes the default resolution text and still notifies', async () => {
    const id = await openIncident();
    const res = await api.post(`/api/v1/incidents/${id}/milestones`, { milestone: 'final_fix' });
    expect(res.status, res.text).to.equal(201);
    await drain();
    expect(smtp.messages).to.have.length(1);
    expect(smtp.messages[0]!.text).to.include('This incident has been resolved.');
    expect(newTweets()).to.have.length(1);
    expect(rx.hits.map((h) => h.body.type)).to.include('incident.resolved');
  });

  it('temporary fix publishes a "monitoring" update and notifies', async () => {
    const id = await openIncident();
    const res = await api.post(`/api/v1/incidents/${id}/milestones`, { milestone: 'temporary_fix', message: 'Traffic moved to the standby gateway.' });
    expect(res.status, res.text).to.equal(201);
    expect(res.body.status).to.equal('monitoring');
    expect(res.body.monitoring_at).to.equal(new Date(s.clock.now()).toISOString());
    expect(res.body.incident_updates[0]).to.include({ status: 'monitoring', body: 'Traffic moved to the standby gateway.' });
    await drain();
    expect(smtp.messages.map((m) => m.subject)).to.deep.equal(['[Beacon] Monitoring: Payments failing']);
    expect(smtp.messages[0]!.text).to.include('standby gateway');
    expect(newTweets().map((t) => t.text.slice(0, 12))).to.deep.equal(['[Monitoring]']);
    expect(rx.hits.map((h) => h.body.type)).to.deep.equal(['incident.updated']);
  });

  it('posted quietly (deliver_notifications false): resolved on the page, but no e-mail, tweet or webhook', async () => {
    const id = await openIncident();
    const res = await api.post(`/api/v1/incidents/${id}/milestones`, { milestone: 'final_fix', message: 'Fixed quietly.', deliver_notifications: false });
    expect(res.status, res.text).to.equal(201);
    expect(res.body.status).to.equal('resolved');
    expect(res.body.incident_updates[0]).to.include({ body: 'Fixed quietly.', deliver_notifications: false });
    await drain();
    expect(smtp.messages).to.have.length(0);
    expect(newTweets()).to.have.length(0);
    expect(rx.hits.filter((h) => h.body.type.startsWith('incident.'))).to.have.length(0);
    const page = await new Client(s.baseUrl).get(`/incidents/${id}`, { accept: 'text/html' });
    expect(page.text).to.include('Fixed quietly.');
  });

  it('work start publishes nothing and refuses update fields', async () => {
    const web = await component('Checkout');
    const inc = await api.post('/api/v1/incidents', { title: 'Slow', severity: 2, message: 'Looking.', components: [{ id: web.id, status: 'degraded_performance' }] });
    const bad = await api.post(`/api/v1/incidents/${inc.body.id}/milestones`, { milestone: 'work_start', message: 'hello' });
    expect(bad.status).to.equal(400);
    expect(bad.body.error.details.fields[0].field).to.equal('message');
  });
});

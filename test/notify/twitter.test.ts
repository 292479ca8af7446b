import { expect } from 'chai';
import { eq } from 'drizzle-orm';
import { MaintenanceWatcher } from '../../jobs/maintenanceWatcher.js';
import { ConfigError, loadConfig } from '../../server/config.js';
import { deliveries, incidentUpdates } from '../../server/db/schema.js';
import { createLogger } from '../../server/logger.js';
import { retryDelivery } from '../../server/notify/dispatcher.js';
import { tweetLength } from '../../server/notify/tweetText.js';
import { Client } from '../support/client.js';
import { FakeTwitter } from '../support/fakeTwitter.js';
import { PASSWORD, staff } from '../support/factories.js';
import { LogSink, startTestServer, type TestServer } from '../support/server.js';

const NOW = '2026-11-29T12:00:00.000Z';
const PUBLIC = 'https://status.example.com';
const CREDENTIALS = { TWITTER_APP_KEY: 'consumer-key', TWITTER_APP_SECRET: 'consumer-secret', TWITTER_ACCESS_TOKEN: 'access-token', TWITTER_ACCESS_SECRET: 'access-secret' };

describe('twitter channel (fake Twitter API on loopback)', () => {
  let fake: FakeTwitter;
  let s: TestServer;
  let api: Client;
  before(async () => {
    fake = await new FakeTwitter().start();
    s = await startTestServer({ now: NOW, env: { ...CREDENTIALS, TWITTER_API_BASE_URL: fake.baseUrl, PUBLIC_URL: PUBLIC } });
  });
  after(async () => {
    await s.close();
    await fake.close();
  });
  beforeEach(async () => {
    fake.reset();
    s.clock.set(NOW);
    api = new Client(s.baseUrl, (await staff('regular')).token);
  });

  const drain = () => s.runtime.dispatcher.drain();
  const tweetDeliveries = () => s.deps.database.db.select().from(deliveries).where(eq(deliveries.channel, 'twitter')).orderBy(deliveries.id);
  async function file(extra: Record<string, unknown> = {}) {
    const res = await api.post('/api/v1/incidents', { title: 'Checkout failing', severity: 2, message: 'We are looking into it.', ...extra });
    expect(res.status, res.text).to.equal(201);
    return res.body.id as string;
  }
  async function update(id: string, body: Record<string, unknown>) {
    const res = await api.post(`/api/v1/incidents/${id}/updates`, body);
    expect(res.status, res.text).to.equal(201);
    return res.body;
  }

  it('tweets a new incident with its link, signed with OAuth 1.0a, and records the tweet id', async () => {
    const id = await file();
    await drain();
    expect(fake.tweets).to.have.length(1);
    const [t] = fake.tweets;
    expect(t!.text).to.equal(`[Investigating] Checkout failing — We are looking into it. Next update by 13:00 UTC. ${PUBLIC}/incidents/${id}`);
    expect(tweetLength(t!.text)).to.be.at.most(280);
    expect(t!.replyTo).to.equal(undefined);
    expect(t!.authorization).to.match(/^OAuth .*oauth_consumer_key="consumer-key".*oauth_token="access-token"/);
    const [d] = await tweetDeliveries();
    expect(d).to.include({ status: 'delivered', externalId: t!.id, attempts: 1 });
    expect(d!.payload).to.include({ subject_id: id, subject_type: 'incident' });
  });

  it('threads status changes and the resolution under the first tweet; same-status and quiet updates stay off Twitter', async () => {
    const id = await file();
    await drain();
    await update(id, { status: 'investigating', message: 'Still looking.' });
    await update(id, { status: 'identified', message: 'A bad deploy.', deliver_notifications: false });
    await drain();
    expect(fake.tweets).to.have.length(1);
    await update(id, { status: 'monitoring', message: 'Fix deployed.' });
    await update(id, { status: 'resolved', message: 'All good.' });
    await drain();
    const [root, monitoring, resolved] = fake.tweets;
    expect(fake.tweets).to.have.length(3);
    expect(monitoring!.text).to.equal(`[Monitoring] Checkout failing — Fix deployed. Next update by 13:00 UTC. ${PUBLIC}/incidents/${id}`);
    expect(resolved!.text).to.match(/^\[Resolved\] Checkout failing — All good\. https:/);
    expect(monitoring!.replyTo).to.equal(root!.id);
    expect(resolved!.replyTo).to.equal(root!.id);
    expect((await tweetDeliveries()).map((d) => d.status)).to.deep.equal(['delivered', 'delivered', 'delivered']);
  });

  it('skip_twitter keeps an update off Twitter; custom_tweet is posted verbatim and stored', async () => {
    const id = await file({ skip_twitter: true });
    await update(id, { status: 'identified', message: 'Found it.', skip_twitter: true });
    await drain();
    expect(fake.tweets).to.have.length(0);
    const custom = 'Checkout is back for most customers; card payments follow shortly. Details: https://status.example.com';
    await update(id, { status: 'monitoring', message: 'Long internal-ish explanation.', custom_tweet: custom });
    await drain();
    expect(fake.tweets.map((t) => t.text)).to.deep.equal([custom]);
    const rows = await s.deps.database.db.select().from(incidentUpdates).where(eq(incidentUpdates.incidentId, id));
    expect(rows.find((r) => r.status === 'monitoring')).to.include({ customTweet: custom, skipTwitter: false });
    expect(rows.find((r) => r.status === 'identified')).to.include({ customTweet: null, skipTwitter: true });
  });

  it('refuses a custom tweet over 280 (links count 23) and a non-boolean skip_twitter', async () => {
    const long = await api.post('/api/v1/incidents', { title: 'x', severity: 3, message: 'y', custom_tweet: 'a'.repeat(281) });
    expect(long.status).to.equal(400);
    expect(long.body.error.message).to.match(/^custom_tweet: must be at most 280/);
    const withLinks = `${'a'.repeat(230)} https://example.com/${'p'.repeat(100)}`; // 230 + 1 + 23 = 254
    const id = await file({ custom_tweet: withLinks });
    const bad = await api.post(`/api/v1/incidents/${id}/updates`, { status: 'identified', message: 'm', skip_twitter: 'yes' });
    expect(bad.status).to.equal(400);
    const bigUpdate = await api.post(`/api/v1/incidents/${id}/updates`, { status: 'identified', message: 'm', custom_tweet: 'b'.repeat(300) });
    expect(bigUpdate.status).to.equal(400);
  });

  it('previews the tweet for staff (API for regular+, console with a session)', async () => {
    const id = await file();
    const res = await api.get(`/api/v1/tweet-preview?incident_id=${id}&status=identified&message=${encodeURIComponent('Found it.')}`);
    expect(res.status, res.text).to.equal(200);
    const text = `[Identified] Checkout failing — Found it. Next update by 13:00 UTC. ${PUBLIC}/incidents/${id}`;
    expect(res.body).to.deep.equal({ text, length: tweetLength(text), max: 280, enabled: true });
    const observer = new Client(s.baseUrl, (await staff('observer')).token);
    expect((await observer.get(`/api/v1/tweet-preview?incident_id=${id}`)).status).to.equal(403);
    expect((await api.get('/api/v1/tweet-preview?incident_id=nope')).status).to.equal(400);

    const who = await staff('observer');
    const c = new Client(s.baseUrl);
    await c.form('/console/login', { email: who.email, password: PASSWORD });
    const preview = await c.get(`/console/incidents/${id}/tweet-preview?status=monitoring&message=Watching`);
    expect(preview.status).to.equal(200);
    // The preview counts the "next update by" line the update will carry (severity 2: 60 min by default).
    expect(preview.body).to.include({ text: `[Monitoring] Checkout failing — Watching Next update by 13:00 UTC. ${PUBLIC}/incidents/${id}`, max: 280, enabled: true });
    const promised = await api.get(`/api/v1/tweet-preview?incident_id=${id}&status=identified&message=Found&next_update_in=30`);
    expect(promised.body.text).to.equal(`[Identified] Checkout failing — Found Next update by 12:30 UTC. ${PUBLIC}/incidents/${id}`);
    const resolving = await api.get(`/api/v1/tweet-preview?incident_id=${id}&status=resolved&message=Done`);
    expect(resolving.body.text).to.equal(`[Resolved] Checkout failing — Done ${PUBLIC}/incidents/${id}`);
  });

  it('console update form passes custom_tweet and skip_twitter through', async () => {
    const id = await file();
    const who = await staff('regular');
    const c = new Client(s.baseUrl);
    await c.form('/console/login', { email: who.email, password: PASSWORD });
    const page = `/console/incidents/${id}`;
    const html = await c.get(page, { accept: 'text/html' });
    expect(html.text).to.include('name="custom_tweet"').and.include('Skip Twitter for this update').and.include('/public/js/tweet-preview.js');
    expect((await c.form(`${page}/updates`, { status: 'identified', message: 'Found it.', custom_tweet: 'Found the cause.', skip_twitter: '' }, page)).status).to.equal(303);
    expect((await c.form(`${page}/updates`, { status: 'monitoring', message: 'Watching.', custom_tweet: '', skip_twitter: 'on' }, page)).status).to.equal(303);
    const tooLong = await c.form(`${page}/updates`, { status: 'resolved', message: 'Done.', custom_tweet: 'z'.repeat(281) }, page);
    expect(tooLong.status).to.equal(400);
    await drain();
    expect(fake.tweets.map((t) => t.text)).to.deep.equal([`[Investigating] Checkout failing — We are looking into it. Next update by 13:00 UTC. ${PUBLIC}/incidents/${id}`, 'Found the cause.']);
  });

  it('tweets maintenance announced, 30-minute notice, started and completed as one thread', async () => {
    const res = await api.post('/api/v1/maintenances', { title: 'Database upgrade', body: 'Postgres 17.', scheduled_for: '2026-12-06T03:00:00Z', scheduled_until: '2026-12-06T06:30:00Z' });
    expect(res.status, res.text).to.equal(201);
    const id = res.body.id as string;
    await drain();
    const watcher = new MaintenanceWatcher(s.deps.database.db, s.clock, createLogger('silent', new LogSink()));
    watcher.timersEnabled = false;
    try {
      for (const at of ['2026-12-06T02:30:00Z', '2026-12-06T03:00:00Z', '2026-12-06T06:30:00Z']) {
        s.clock.set(at);
        await watcher.tick();
        await drain();
      }
    } finally {
      watcher.stop();
    }
    const texts = fake.tweets.map((t) => t.text);
    expect(texts).to.have.length(4);
    expect(texts[0]).to.equal(`[Scheduled maintenance] Database upgrade — 2026-12-06 03:00 – 2026-12-06 06:30 UTC. Postgres 17. ${PUBLIC}/maintenance/${id}`);
    expect(texts[1]).to.match(/^\[Maintenance in 30 minutes\] Database upgrade/);
    expect(texts[2]).to.match(/^\[Maintenance in progress\] Database upgrade/);
    expect(texts[3]).to.match(/^\[Maintenance completed\] Database upgrade/);
    expect(fake.tweets.slice(1).map((t) => t.replyTo)).to.deep.equal([fake.tweets[0]!.id, fake.tweets[0]!.id, fake.tweets[0]!.id]);
  });

  it('a 429 reschedules the tweet to the rate-limit reset without spending an attempt', async () => {
    const reset = new Date('2026-11-29T12:15:00Z');
    fake.rateLimitNext(1, reset);
    await file();
    await drain();
    expect(fake.tweets).to.have.length(0);
    let [d] = await tweetDeliveries();
    expect(d).to.include({ status: 'pending', attempts: 0 });
    expect(d!.nextAttemptAt.toISOString()).to.equal(reset.toISOString());
    expect(d!.lastError).to.match(/rate limit/);
    s.clock.set('2026-11-29T12:14:59Z');
    await drain();
    expect(fake.requests).to.equal(1);
    s.clock.set(reset);
    await drain();
    expect(fake.tweets).to.have.length(1);
    [d] = await tweetDeliveries();
    expect(d).to.include({ status: 'delivered', attempts: 1, externalId: fake.tweets[0]!.id });
  });

  it('after a crash between posting and recording, the retry meets "duplicate content" and counts as delivered', async () => {
    fake.dropNextResponse();
    const id = await file();
    await drain();
    expect(fake.tweets).to.have.length(1); // posted, but Beacon never heard back
    let [d] = await tweetDeliveries();
    expect(d).to.include({ status: 'pending', attempts: 1 });
    await retryDelivery(s.deps.database.db, d!.id, s.clock.now());
    await drain();
    expect(fake.requests).to.equal(2);
    expect(fake.tweets).to.have.length(1);
    [d] = await tweetDeliveries();
    expect(d).to.include({ status: 'delivered', attempts: 2, lastError: null });
    // The thread goes on (as a plain tweet: the duplicate answer carries no id).
    await update(id, { status: 'identified', message: 'Found it.' });
    await drain();
    expect(fake.tweets).to.have.length(2);
  });

  it('permanent 4xx answers go to the dead letters; a 5xx is retried with backoff', async () => {
    fake.failNext(1, 400, 'Invalid Request');
    const a = await file();
    await drain();
    fake.failNext(1, 401, 'Unauthorized');
    await update(a, { status: 'identified', message: 'x' });
    await drain();
    fake.failNext(1, 503, 'Service Unavailable');
    await update(a, { status: 'monitoring', message: 'y' });
    await drain();
    const rows = await tweetDeliveries();
    expect(rows.map((r) => [r.status, r.attempts])).to.deep.equal([['dead', 1], ['dead', 1], ['pending', 1]]);
    expect(rows[0]!.lastError).to.equal('Twitter 400: Invalid Request; Bad Request');
    expect(rows[1]!.lastError).to.match(/^Twitter 401/);
    expect(rows[2]!.nextAttemptAt.getTime()).to.be.greaterThan(s.clock.now().getTime());
    s.clock.advance(60 * 60_000);
    await drain();
    expect((await tweetDeliveries())[2]).to.include({ status: 'delivered', attempts: 2 });
    expect(fake.tweets).to.have.length(1);
  });
});

describe('twitter channel without credentials', () => {
  let s: TestServer;
  before(async () => (s = await startTestServer({ now: NOW })));
  after(() => s.close());

  it('is disabled: incidents still work, nothing is queued, the dashboard says so', async () => {
    const who = await staff('regular');
    const api = new Client(s.baseUrl, who.token);
    const res = await api.post('/api/v1/incidents', { title: 'Checkout failing', severity: 2, message: 'Looking.', custom_tweet: 'Hello' });
    expect(res.status, res.text).to.equal(201);
    await s.runtime.dispatcher.drain();
    expect(await s.deps.database.db.select().from(deliveries).where(eq(deliveries.channel, 'twitter'))).to.have.length(0);
    const preview = await api.get(`/api/v1/tweet-preview?incident_id=${res.body.id}`);
    expect(preview.body).to.include({ enabled: false, max: 280 });
    expect(preview.body.text).to.match(/^\[Investigating\] Checkout failing/);
    const c = new Client(s.baseUrl);
    await c.form('/console/login', { email: who.email, password: PASSWORD });
    expect((await c.get('/console', { accept: 'text/html' })).text).to.include('Twitter is off (no credentials)');
  });

  it('config wants all four credentials or none, naming them', () => {
    expect(() => loadConfig({ TWITTER_APP_KEY: 'k', TWITTER_ACCESS_TOKEN: 't' })).to.throw(ConfigError, /TWITTER_APP_KEY, TWITTER_APP_SECRET, TWITTER_ACCESS_TOKEN, TWITTER_ACCESS_SECRET must be set together \(missing: TWITTER_APP_SECRET, TWITTER_ACCESS_SECRET\)/);
    expect(() => loadConfig({ ...CREDENTIALS, TWITTER_API_BASE_URL: 'not a url' })).to.throw(ConfigError, /TWITTER_API_BASE_URL/);
    expect(loadConfig(CREDENTIALS).TWITTER_APP_KEY).to.equal('consumer-key');
  });
});

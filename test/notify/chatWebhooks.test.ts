import { expect } from 'chai';
import { eq } from 'drizzle-orm';
import { auditLog, deliveries } from '../../server/db/schema.js';
import { MAX_ATTEMPTS } from '../../server/notify/backoff.js';
import { SLACK_TEXT_MAX } from '../../server/notify/chatMessages.js';
import { Receiver } from '../support/webhookReceiver.js';
import { Client } from '../support/client.js';
import { component } from '../support/components.js';
import { PASSWORD, staff } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/server.js';

const NOW = '2026-11-29T12:00:00.000Z'; // Sunday
const SAT = { scheduled_for: '2026-12-06T03:00:00Z', scheduled_until: '2026-12-06T06:30:00Z' };
const HOSTILE = 'Checkout <!channel> & <https://evil.example|click> **bold** [x](https://evil.example)';

/** What Slack accepts of a Block Kit message, checked the way Slack does (types, lengths). */
function assertBlockKit(body: any) {
  expect(body).to.have.all.keys('text', 'blocks');
  expect(body.text).to.be.a('string').with.length.within(1, SLACK_TEXT_MAX);
  expect(body.blocks).to.be.an('array').with.length.within(1, 50);
  for (const b of body.blocks) {
    expect(b.type).to.be.oneOf(['section', 'context']);
    const texts = b.type === 'section' ? [b.text] : b.elements;
    for (const t of texts) {
      expect(t.type).to.equal('mrkdwn');
      expect(t.text).to.be.a('string').with.length.within(1, SLACK_TEXT_MAX);
    }
  }
}

/** An Adaptive Card 1.4 in the Teams workflow-webhook envelope, with known element types only. */
function assertAdaptiveCard(body: any) {
  expect(body.type).to.equal('message');
  expect(body.attachments).to.have.length(1);
  const [a] = body.attachments;
  expect(a.contentType).to.equal('application/vnd.microsoft.card.adaptive');
  const card = a.content;
  expect(card).to.include({ type: 'AdaptiveCard', version: '1.4', $schema: 'http://adaptivecards.io/schemas/adaptive-card.json' });
  expect(card.body).to.be.an('array').that.is.not.empty;
  for (const el of card.body) {
    expect(el.type).to.be.oneOf(['TextBlock', 'RichTextBlock', 'FactSet']);
    if (el.type === 'TextBlock') expect(el.text).to.be.a('string');
    if (el.type === 'RichTextBlock') for (const i of el.inlines) expect(i).to.have.property('type', 'TextRun').and.to.satisfy(() => typeof i.text === 'string');
    if (el.type === 'FactSet') for (const f of el.facts) expect(Object.keys(f).sort()).to.deep.equal(['title', 'value']);
  }
  for (const act of card.actions ?? []) expect(act.type).to.equal('Action.OpenUrl');
  return card;
}

const cardText = (card: any): string[] => card.body.flatMap((el: any) => (el.type === 'RichTextBlock' ? el.inlines.map((i: any) => i.text) : el.type === 'TextBlock' ? [el.text] : el.facts.map((f: any) => f.value)));

describe('Slack and Teams webhooks', () => {
  let s: TestServer;
  let slack: Receiver;
  let teams: Receiver;
  let admin: Client;
  let api: Client;
  before(async () => {
    s = await startTestServer({ now: NOW });
    slack = new Receiver();
    teams = new Receiver();
    await slack.start();
    await teams.start();
  });
  after(async () => {
    await slack.close();
    await teams.close();
    await s.close();
  });
  beforeEach(async () => {
    s.clock.set(NOW);
    for (const r of [slack, teams]) {
      r.hits = [];
      r.answer = { status: 200 };
    }
    admin = new Client(s.baseUrl, (await staff('admin')).token);
    api = new Client(s.baseUrl, (await staff('regular')).token);
  });

  async function endpoint(type: string, url: string, extra: Record<string, unknown> = {}) {
    const res = await admin.post('/api/v1/webhooks', { type, url, ...extra });
    expect(res.status, res.text).to.equal(201);
    return res.body;
  }
  async function file(body: Record<string, unknown> = {}) {
    const res = await api.post('/api/v1/incidents', { title: HOSTILE, severity: 2, message: 'We are <investigating> & will update.', ...body });
    expect(res.status, res.text).to.equal(201);
    return res.body;
  }
  const rowsFor = async (id: string) => (await s.deps.database.db.select().from(deliveries).where(eq(deliveries.channel, 'webhook'))).filter((d) => d.target === id);

  it('adds Slack and Teams endpoints by type; generic stays the default; the type is fixed once set', async () => {
    const hook = await endpoint('slack', slack.url);
    expect(hook).to.include({ type: 'slack', url: slack.url, active: true });
    const plain = await endpoint('generic', teams.url);
    expect(plain.type).to.equal('generic');
    const dflt = await admin.post('/api/v1/webhooks', { url: teams.url });
    expect(dflt.body.type).to.equal('generic');
    const list = (await admin.get('/api/v1/webhooks')).body.webhooks;
    expect(list.map((w: any) => w.type).sort()).to.deep.equal(['generic', 'generic', 'slack']);
    const bad = await admin.post('/api/v1/webhooks', { type: 'discord', url: slack.url });
    expect(bad.status).to.equal(400);
    expect(bad.body.error.details.fields[0].field).to.equal('type');
    const change = await admin.patch(`/api/v1/webhooks/${hook.id}`, { type: 'teams' });
    expect(change.status).to.equal(400);
    expect((await admin.get(`/api/v1/webhooks/${hook.id}`)).body.type).to.equal('slack');
    expect((await api.post('/api/v1/webhooks', { type: 'slack', url: slack.url })).status).to.equal(403);
    // The Slack URL is the credential: the audit log keeps its origin only.
    const audit = await s.deps.database.db.select().from(auditLog).where(eq(auditLog.subjectId, hook.id));
    expect(JSON.stringify(audit)).to.not.include(slack.url);
    expect((audit[0]!.after as { url: string }).url).to.equal(`${new URL(slack.url).origin}/…`);
    for (const w of [hook, plain, dflt.body]) expect((await admin.delete(`/api/v1/webhooks/${w.id}`)).status).to.equal(204);
  });

  it('Slack gets Block Kit with mrkdwn escaped; Teams gets an Adaptive Card with the words as plain runs', async () => {
    const web = await component('Web');
    const sh = await endpoint('slack', slack.url);
    const th = await endpoint('teams', teams.url);
    const inc = await file({ components: [{ id: web.id, status: 'major_outage' }] });
    await s.runtime.dispatcher.drain();

    expect(slack.hits).to.have.length(1);
    const sb = slack.hits[0]!.body;
    assertBlockKit(sb);
    const allSlack = JSON.stringify(sb);
    expect(allSlack).to.include('Checkout &lt;!channel&gt; &amp; &lt;https://evil.example|click&gt;');
    expect(allSlack).to.not.include('<!channel>');
    expect(allSlack).to.include('We are &lt;investigating&gt; &amp; will update.');
    expect(sb.blocks[0].text.text).to.include('New incident').and.include('*Investigating*').and.include('*Major impact*');
    expect(sb.blocks.at(-1).elements[0].text).to.include('Affected: Web').and.include(`<${s.deps.config.publicUrl}/incidents/${inc.id}|View on the status page>`);
    expect(slack.hits[0]!.headers['x-beacon-delivery']).to.equal((await rowsFor(sh.id))[0]!.idempotencyKey);

    expect(teams.hits).to.have.length(1);
    const card = assertAdaptiveCard(teams.hits[0]!.body);
    const words = cardText(card);
    expect(words).to.include(HOSTILE); // a TextRun: Teams shows it literally, never as Markdown
    expect(words).to.include('We are <investigating> & will update.');
    expect(words).to.include('Affected: Web');
    expect(card.body.find((el: any) => el.type === 'FactSet').facts).to.deep.include({ title: 'Status', value: 'Investigating' });
    expect(card.actions).to.deep.equal([{ type: 'Action.OpenUrl', title: 'View on the status page', url: `${s.deps.config.publicUrl}/incidents/${inc.id}` }]);
    // Markdown-reading elements carry only Beacon's own words.
    for (const el of card.body.filter((e: any) => e.type === 'TextBlock')) expect(el.text).to.not.include('evil');
    expect((await rowsFor(th.id))[0]).to.include({ status: 'delivered', attempts: 1 });
    for (const w of [sh, th]) await admin.delete(`/api/v1/webhooks/${w.id}`);
  });

  it('long messages are cut to Slack limits without breaking an escape', async () => {
    const sh = await endpoint('slack', slack.url);
    await file({ title: 'Long one', message: `${'x'.repeat(2990)}&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&&${'y'.repeat(2000)}` });
    await s.runtime.dispatcher.drain();
    const sb = slack.hits[0]!.body;
    assertBlockKit(sb);
    const msg = sb.blocks[1].text.text as string;
    expect(msg.length).to.be.at.most(SLACK_TEXT_MAX);
    expect(msg).to.match(/x(&amp;)+…$/);
    await admin.delete(`/api/v1/webhooks/${sh.id}`);
  });

  it('maintenance reaches both; component changes go to signed-JSON endpoints only', async () => {
    const web = await component('Web');
    const sh = await endpoint('slack', slack.url);
    const th = await endpoint('teams', teams.url);
    const res = await api.post('/api/v1/maintenances', { title: 'Database upgrade', body: 'Postgres 17.', notify: true, components: [web.id], ...SAT });
    expect(res.status, res.text).to.equal(201);
    expect((await admin.patch(`/api/v1/components/${web.id}`, { status: 'degraded_performance' })).status).to.equal(200);
    await s.runtime.dispatcher.drain();
    expect(slack.hits).to.have.length(1);
    assertBlockKit(slack.hits[0]!.body);
    expect(slack.hits[0]!.body.text).to.equal('Maintenance scheduled: Database upgrade (Scheduled)');
    expect(slack.hits[0]!.body.blocks[0].text.text).to.include('Window: Dec 6, 2026, 03:00 UTC');
    expect(teams.hits).to.have.length(1);
    const card = assertAdaptiveCard(teams.hits[0]!.body);
    expect(cardText(card)).to.include('Database upgrade').and.include('Postgres 17.');
    expect(card.body.find((el: any) => el.type === 'FactSet').facts).to.deep.include({ title: 'Impact', value: 'Maintenance' });
    const kinds = (await s.deps.database.db.select().from(deliveries).where(eq(deliveries.channel, 'webhook'))).filter((d) => d.target === sh.id || d.target === th.id);
    expect(kinds).to.have.length(2);
    for (const w of [sh, th]) await admin.delete(`/api/v1/webhooks/${w.id}`);
  });

  it('a 500 is retried with the same content; a receiver that keeps failing ends in the dead letters', async () => {
    const th = await endpoint('teams', teams.url);
    teams.answer = { status: 500 };
    await file({ title: 'Flaky' });
    await s.runtime.dispatcher.drain();
    let [row] = await rowsFor(th.id);
    expect(row).to.include({ status: 'pending', attempts: 1 });
    expect(row!.lastError).to.include('HTTP 500');
    for (let i = 1; i < MAX_ATTEMPTS; i++) {
      s.clock.advance(3_600_000);
      await s.runtime.dispatcher.drain();
    }
    [row] = await rowsFor(th.id);
    expect(row).to.include({ status: 'dead', attempts: MAX_ATTEMPTS });
    expect(teams.hits).to.have.length(MAX_ATTEMPTS);
    expect(new Set(teams.hits.map((h) => h.raw)).size).to.equal(1); // byte-identical every time
    expect(new Set(teams.hits.map((h) => h.headers['x-beacon-delivery'])).size).to.equal(1);
    const dead = await admin.get('/api/v1/deliveries?status=dead');
    expect(dead.body.deliveries.map((d: any) => d.id)).to.include(row!.id);

    // Slack: 500 once, then delivered on the retry.
    const sh = await endpoint('slack', slack.url);
    slack.answer = { status: 500 };
    await file({ title: 'Flaky again' });
    await s.runtime.dispatcher.drain();
    let [srow] = await rowsFor(sh.id);
    expect(srow).to.include({ status: 'pending', attempts: 1 });
    slack.answer = { status: 200 };
    s.clock.set(new Date(srow!.nextAttemptAt.getTime() + 1000));
    await s.runtime.dispatcher.drain();
    [srow] = await rowsFor(sh.id);
    expect(srow).to.include({ status: 'delivered', attempts: 2 });
    expect(slack.hits).to.have.length(2);
    expect(slack.hits[1]!.raw).to.equal(slack.hits[0]!.raw);
    for (const w of [sh, th]) await admin.delete(`/api/v1/webhooks/${w.id}`);
  });

  it('the test button sends each product its own test message', async () => {
    const sh = await endpoint('slack', slack.url);
    const th = await endpoint('teams', teams.url);
    expect((await admin.post(`/api/v1/webhooks/${sh.id}/test`, {})).body).to.include({ ok: true, status: 200 });
    expect((await admin.post(`/api/v1/webhooks/${th.id}/test`, {})).body).to.include({ ok: true, status: 200 });
    assertBlockKit(slack.hits[0]!.body);
    expect(slack.hits[0]!.body.text).to.equal('Test message: Beacon is connected');
    expect(cardText(assertAdaptiveCard(teams.hits[0]!.body))).to.include('Beacon is connected');
    for (const w of [sh, th]) await admin.delete(`/api/v1/webhooks/${w.id}`);
  });

  it('the console adds a Slack endpoint by kind, without a secret to copy', async () => {
    const who = await staff('admin');
    const c = new Client(s.baseUrl);
    expect((await c.form('/console/login', { email: who.email, password: PASSWORD })).status).to.equal(303);
    const form = await c.get('/console/webhooks', { accept: 'text/html' });
    expect(form.text).to.include('<option value="slack"');
    const created = await c.form('/console/webhooks', { type: 'slack', url: slack.url, description: 'incidents channel' });
    expect(created.status, created.text).to.equal(201);
    expect(created.text).to.not.include('class="secret"');
    expect(created.text).to.include('Slack (incoming webhook)');
    const [hook] = (await admin.get('/api/v1/webhooks')).body.webhooks;
    expect(hook).to.include({ type: 'slack', url: slack.url });
    const bad = await c.form('/console/webhooks', { type: 'irc', url: slack.url }, '/console/webhooks');
    expect(bad.status).to.equal(400);
    expect(bad.text).to.include('must be one of the listed kinds');
    await admin.delete(`/api/v1/webhooks/${hook.id}`);
  });
});

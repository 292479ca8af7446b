import { expect } from 'chai';
import { eq } from 'drizzle-orm';
import type { ParsedMail } from 'mailparser';
import { deliveries, outboxEvents, subscribers, users } from '../../server/db/schema.js';
import { OutboxDispatcher } from '../../server/notify/dispatcher.js';
import type { DeliveryChannel } from '../../server/notify/channel.js';
import { emailChannel, emailChannels } from '../../server/notify/emailChannel.js';
import { Client } from '../support/client.js';
import { component } from '../support/components.js';
import { PASSWORD, staff } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { recipient, startSmtp, type FakeSmtp } from '../support/smtp.js';

const NOW = '2026-11-29T12:00:00.000Z';
const header = (m: ParsedMail, name: string) => m.headerLines.find((h) => h.key === name)?.line.replace(/^[^:]+:\s*/, '').replace(/\r?\n\s+/g, ' ');
const linkIn = (text: string, path: string) => new RegExp(`https?://[^\\s>]+${path.replace(/\//g, '\\/')}\\?[^\\s>]+`).exec(text)?.[0] ?? '';

describe('e-mail channel (real SMTP on loopback)', () => {
  let smtp: FakeSmtp;
  let s: TestServer;
  let api: Client;
  const db = () => s.deps.database.db;
  const local = (url: string) => url.replace(/^https?:\/\/[^/]+/, s.baseUrl);
  const drain = () => s.runtime.dispatcher.drain();
  const subscriber = async (email: string, componentIds: string[] | null = null) => {
    const [row] = await db().insert(subscribers).values({ email, componentIds, confirmedAt: new Date(NOW), createdAt: new Date(NOW), updatedAt: new Date(NOW) }).returning();
    return row!;
  };
  const incident = async (extra: Record<string, unknown> = {}) => {
    const res = await api.post('/api/v1/incidents', { title: 'Checkout failing', severity: 1, message: 'We are looking into failed payments.', ...extra });
    expect(res.status, res.text).to.equal(201);
    return res.body.id as string;
  };
  const emailRows = () => db().select().from(deliveries).where(eq(deliveries.channel, 'email'));

  before(async () => (smtp = await startSmtp()));
  after(() => smtp.close());
  // A fresh runtime per test: event ids restart after each truncation, and dispatchers cache events by id.
  beforeEach(async () => {
    smtp.messages.length = 0;
    smtp.mode = 'accept';
    s = await startTestServer({ now: NOW, env: { SMTP_URL: smtp.url, MAIL_FROM: 'Status <status@example.com>' } });
    api = new Client(s.baseUrl, (await staff('regular')).token);
  });
  afterEach(() => s.close());

  it('confirms by mail, then sends incident mail with links, both time zones and one-click unsubscribe', async () => {
    const anon = new Client(s.baseUrl);
    expect((await anon.post('/api/v1/subscribers', { email: 'ann@example.com' })).status).to.equal(202);
    await drain();
    expect(smtp.messages).to.have.length(1);
    const confirm = smtp.messages[0]!;
    expect(recipient(confirm)).to.equal('ann@example.com');
    expect(confirm.subject).to.match(/Confirm your subscription/);
    expect(confirm.from?.text).to.include('status@example.com');
    const confirmed = await anon.get(local(linkIn(confirm.text!, '/subscribe/confirm')).slice(s.baseUrl.length), { accept: 'text/html' });
    expect(confirmed.status).to.equal(200);
    expect(confirmed.text).to.include('Your subscription is confirmed');

    const id = await incident();
    await drain();
    expect(smtp.messages).to.have.length(2);
    const mail = smtp.messages[1]!;
    expect(recipient(mail)).to.equal('ann@example.com');
    expect(mail.subject).to.equal('[Beacon] Investigating: Checkout failing');
    expect(mail.text).to.include(`/incidents/${id}`).and.include('We are looking into failed payments.');
    expect(mail.text).to.include('Posted Nov 29, 2026, 12:00 UTC (07:00 EST)'); // one human time format (presenters/times.ts)
    expect(mail.text).not.to.match(/\d{4}-\d{2}-\d{2}T/);
    expect(mail.html).to.include(`/incidents/${id}`);
    const [sub] = await db().select().from(subscribers);
    expect(mail.messageId).to.match(new RegExp(`^<\\d+\\.email\\.${sub!.id}@beacon>$`));
    const unsubscribeUrl = /<([^>]+)>/.exec(header(mail, 'list-unsubscribe') ?? '')?.[1] ?? '';
    expect(unsubscribeUrl).to.include('/subscribe/unsubscribe?s=');
    expect(header(mail, 'list-unsubscribe-post')).to.equal('List-Unsubscribe=One-Click');

    // RFC 8058: a mail client POSTs exactly this body, with no cookie and no CSRF token.
    const res = await fetch(local(unsubscribeUrl), { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
    expect(res.status).to.equal(200);
    await api.post(`/api/v1/incidents/${id}/updates`, { status: 'identified', message: 'Found it' });
    await drain();
    expect(smtp.messages).to.have.length(2);
  });

  it('incident mail states the "next update by" promise; the resolution mail promises nothing', async () => {
    await subscriber('nu@example.com');
    const id = await incident(); // severity 1: next update within 30 minutes
    await drain();
    expect(smtp.messages[0]!.text).to.include('Next update by 12:30 UTC.');
    expect(smtp.messages[0]!.html).to.include('<strong>Next update by 12:30 UTC.</strong>');
    smtp.messages.length = 0;
    await api.post(`/api/v1/incidents/${id}/updates`, { status: 'resolved', message: 'Fixed.' });
    await drain();
    expect(smtp.messages[0]!.text).not.to.include('Next update');
  });

  it('a quiet update (deliver_notifications false) sends nothing', async () => {
    await subscriber('quiet@example.com');
    const id = await incident({ deliver_notifications: false });
    await api.post(`/api/v1/incidents/${id}/updates`, { status: 'identified', message: 'Internal detail', deliver_notifications: false });
    await drain();
    expect(smtp.messages).to.have.length(0);
    await api.post(`/api/v1/incidents/${id}/updates`, { status: 'resolved', message: 'Fixed' });
    await drain();
    expect(smtp.messages.map((m) => m.subject)).to.deep.equal(['[Beacon] Resolved: Checkout failing']);
  });

  it('maintenance mail reaches subscribers of an affected component or of everything, not of others', async () => {
    const web = await component('Web app');
    const dbc = await component('Database');
    await subscriber('web@example.com', [web.id]);
    await subscriber('db@example.com', [dbc.id]);
    await subscriber('all@example.com');
    const m = await api.post('/api/v1/maintenances', { title: 'Web patch', body: 'Patching', kind: 'unplanned', reason: 'CVE', scheduled_for: '2026-11-29T13:00:00Z', scheduled_until: '2026-11-29T14:00:00Z', components: [web.id] });
    expect(m.status, m.text).to.equal(201);
    await drain();
    expect(smtp.messages.map(recipient).sort()).to.deep.equal(['all@example.com', 'web@example.com']);
    const mail = smtp.messages[0]!;
    expect(mail.subject).to.equal('[Beacon] Scheduled maintenance: Web patch');
    expect(mail.text).to.include(`/maintenance/${m.body.id}`).and.include('13:00 UTC').and.include('08:00 EST');
  });

  it('SMTP 550 is permanent: the delivery is dead after one attempt', async () => {
    await subscriber('gone@example.com');
    smtp.mode = 'reject550';
    await incident();
    await drain();
    const [row] = await emailRows();
    expect(row).to.include({ status: 'dead', attempts: 1 });
    expect(row!.lastError).to.match(/550/);
  });

  it('SMTP 451 is retried with backoff, then delivered', async () => {
    await subscriber('later@example.com');
    smtp.mode = 'defer451';
    await incident();
    await drain();
    let [row] = await emailRows();
    expect(row).to.include({ status: 'pending', attempts: 1 });
    expect(row!.nextAttemptAt.getTime()).to.be.greaterThan(new Date(NOW).getTime());
    smtp.mode = 'accept';
    await drain();
    expect(smtp.messages).to.have.length(0);
    s.clock.set(new Date(row!.nextAttemptAt.getTime() + 1000));
    await drain();
    [row] = await emailRows();
    expect(row).to.include({ status: 'delivered', attempts: 2 });
    expect(smtp.messages.map(recipient)).to.deep.equal(['later@example.com']);
  });

  it('a crash between sending and recording resends with the same Message-ID', async () => {
    await subscriber('crash@example.com');
    const real = emailChannel(s.deps);
    let crashed = false;
    const flaky: DeliveryChannel = {
      ...real,
      async send(d, e, c) {
        const result = await real.send(d, e, c);
        if (!crashed) {
          crashed = true;
          throw new Error('process died before recording the send');
        }
        return result;
      },
    };
    const d = new OutboxDispatcher(db(), [], [flaky], s.clock, s.deps.logger);
    await incident();
    await d.drain();
    s.clock.set('2026-11-29T14:00:00Z');
    await d.drain();
    real.close?.();
    expect(smtp.messages).to.have.length(2);
    expect(smtp.messages[1]!.messageId).to.equal(smtp.messages[0]!.messageId);
    const [row] = await emailRows();
    expect(row).to.include({ status: 'delivered', attempts: 2 });
    expect(row!.externalId).to.equal(smtp.messages[0]!.messageId);
  });

  it('two dispatchers on one database deliver each mail once', async () => {
    for (const n of [1, 2, 3, 4, 5]) await subscriber(`twin${n}@example.com`);
    const a = emailChannels(s.deps);
    const b = emailChannels(s.deps);
    const d1 = new OutboxDispatcher(db(), [], a, s.clock, s.deps.logger);
    const d2 = new OutboxDispatcher(db(), [], b, s.clock, s.deps.logger);
    await incident();
    await Promise.all([d1.drain(), d2.drain(), d1.drain(), d2.drain()]);
    await Promise.all([d1.drain(), d2.drain()]);
    for (const ch of [...a, ...b]) ch.close?.();
    expect(smtp.messages).to.have.length(5);
    expect(new Set(smtp.messages.map((m) => m.messageId)).size).to.equal(5);
    expect((await emailRows()).every((r) => r.status === 'delivered' && r.attempts === 1)).to.equal(true);
  });

  it('staff alerts: sla.breached mails every active admin and the owner', async () => {
    const admin = await staff('admin');
    const retired = await staff('admin');
    await db().update(users).set({ active: false }).where(eq(users.id, retired.actor.id));
    const owner = await staff('regular');
    await staff('regular'); // not the owner: no mail
    const id = await (async () => {
      api = new Client(s.baseUrl, owner.token);
      return incident();
    })();
    await db().insert(outboxEvents).values({ type: 'sla.breached', createdAt: new Date(NOW), payload: { incident_id: id, title: 'Checkout failing', severity: 1, owner_id: owner.actor.id, goal: 'work_start', level: 'breach', due_at: '2026-11-29T13:00:00.000Z', instant: '2026-11-29T13:00:00.000Z', late_ms: 0 } });
    await drain();
    expect(smtp.messages.map(recipient).sort()).to.deep.equal([admin.email, owner.email].sort());
    const mail = smtp.messages[0]!;
    expect(mail.subject).to.match(/SLA breached: work start · sev1 Checkout failing/);
    expect(mail.text).to.include(`/console/incidents/${id}`).and.include('13:00 UTC').and.include('08:00 EST');
  });

  it('without SMTP_URL e-mail is off: subscribing is refused (503), nothing is planned, the dashboard says so', async () => {
    const off = await startTestServer({ now: NOW });
    try {
      const anon = new Client(off.baseUrl);
      expect((await anon.post('/api/v1/subscribers', { email: 'nomail@example.com' })).status).to.equal(503);
      expect(await db().select().from(subscribers)).to.have.length(0);
      await off.runtime.dispatcher.drain();
      expect(await emailRows()).to.have.length(0);
      const admin = await staff('admin');
      const c = new Client(off.baseUrl);
      await c.form('/console/login', { email: admin.email, password: PASSWORD });
      const page = await c.get('/console/', { accept: 'text/html' });
      expect(page.text).to.include('E-mail is off');
      const on = new Client(s.baseUrl);
      await on.form('/console/login', { email: admin.email, password: PASSWORD });
      expect((await on.get('/console/', { accept: 'text/html' })).text).not.to.include('E-mail is off');
    } finally {
      await off.close();
    }
    expect(smtp.messages).to.have.length(0);
  });
});

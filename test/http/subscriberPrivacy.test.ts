import { expect } from 'chai';
import { eq, sql } from 'drizzle-orm';
import { auditLog, deletionLedger, deliveries, subscriberSuppressions, subscribers } from '../../server/db/schema.js';
import { emailHash } from '../../server/domain/privacy/subjectHash.js';
import { signSubscriber } from '../../server/domain/subscribers/links.js';
import { Client } from '../support/client.js';
import { component } from '../support/components.js';
import { staff } from '../support/factories.js';
import { startTestServer, TEST_SECRET, type TestServer } from '../support/server.js';
import { startSmtp, type FakeSmtp } from '../support/smtp.js';

const NOW = '2026-11-29T12:00:00.000Z';
const ADDRESS = 'Privacy.Person@Example.com';

describe('subscriber personal data', () => {
  let smtp: FakeSmtp;
  let s: TestServer;
  const db = () => s.deps.database.db;
  const anon = () => new Client(s.baseUrl);
  const drain = () => s.runtime.dispatcher.drain();
  const link = (path: string, id: string) => `${path}?s=${id}&sig=${signSubscriber(TEST_SECRET, id)}`;

  /** Every row of every table as JSON text: where an address could hide. */
  async function everyRowMentioning(text: string): Promise<string[]> {
    const tables = (await db().execute(sql`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`)) as unknown as { rows: { table_name: string }[] };
    const hits: string[] = [];
    for (const { table_name } of tables.rows) {
      const res = (await db().execute(sql.raw(`select row_to_json(t)::text as j from "${table_name}" t`))) as unknown as { rows: { j: string }[] };
      for (const r of res.rows) if (r.j.toLowerCase().includes(text.toLowerCase())) hits.push(`${table_name}: ${r.j}`);
    }
    return hits;
  }

  before(async () => (smtp = await startSmtp()));
  after(() => smtp.close());
  beforeEach(async () => {
    smtp.messages.length = 0;
    s = await startTestServer({ now: NOW, env: { SMTP_URL: smtp.url, MAIL_FROM: 'Status <status@example.com>' } });
  });
  afterEach(() => s.close());

  async function confirmedSubscriberWithMail() {
    const web = await component('Web app');
    expect((await anon().post('/api/v1/subscribers', { email: ADDRESS, components: [web.id] })).status).to.equal(202);
    await drain();
    const [sub] = await db().select().from(subscribers);
    expect((await anon().get(link('/subscribe/confirm', sub!.id), { accept: 'text/html' })).status).to.equal(200);
    const api = new Client(s.baseUrl, (await staff('regular')).token);
    const inc = await api.post('/api/v1/incidents', { title: 'Checkout failing', severity: 2, message: 'Looking.', components: [{ id: web.id, status: 'major_outage' }] });
    expect(inc.status, inc.text).to.equal(201);
    await drain();
    expect(smtp.messages.map((m) => m.to)).to.have.length(2); // the confirmation and the incident
    const [confirmed] = await db().select().from(subscribers);
    return { sub: confirmed!, web };
  }

  it('"download my data" gives the address, the choices and the e-mails sent, as JSON', async () => {
    const { sub, web } = await confirmedSubscriberWithMail();
    const manage = await anon().get(link('/subscribe/manage', sub.id), { accept: 'text/html' });
    expect(manage.text).to.include('Download my data').and.include('Delete me');
    const res = await anon().get(link('/subscribe/data', sub.id));
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-disposition')).to.match(/^attachment; filename="?my-subscription-data\.json"?$/);
    expect(res.body.subscriber).to.deep.include({ email: ADDRESS, components: [web.id], confirmed_at: NOW });
    expect(res.body.emails.map((e: any) => [e.about, e.status])).to.deep.equal([
      ['subscriber.confirmation_requested', 'delivered'],
      ['incident.created', 'delivered'],
    ]);
    const forged = await anon().get(`/subscribe/data?s=${sub.id}&sig=${signSubscriber('another-secret-that-is-long-enough-000000', sub.id)}`);
    expect(forged.status).to.equal(403);
  });

  it('"delete me" removes the address from every table at once, leaving only a keyed hash', async () => {
    const { sub } = await confirmedSubscriberWithMail();
    // Copies of the address elsewhere: an audit entry and a delivery payload.
    await db().insert(auditLog).values({ at: new Date(NOW), action: 'subscriber.note', subjectType: 'subscriber', subjectId: sub.id, after: { email: ADDRESS } });
    await db().insert(auditLog).values({ at: new Date(NOW), action: 'other', subjectType: 'thing', after: { note: `mail ${ADDRESS.toLowerCase()} later` } });
    await db().insert(deliveries).values({ eventId: 1, channel: 'webhook', target: 'https://hooks.example/x', idempotencyKey: 'privacy-1', payload: { to: ADDRESS }, nextAttemptAt: new Date(NOW), createdAt: new Date(NOW) });
    expect((await everyRowMentioning(ADDRESS)).length).to.be.greaterThan(2);

    const res = await anon().request('POST', link('/subscribe/unsubscribe', sub.id), 'List-Unsubscribe=One-Click', { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' });
    expect(res.status).to.equal(200);
    expect(res.text).to.include('is deleted from our records');

    expect(await everyRowMentioning(ADDRESS)).to.deep.equal([]);
    expect(await db().select().from(deliveries).where(eq(deliveries.target, sub.id))).to.have.length(0);
    const hash = emailHash(TEST_SECRET, ADDRESS);
    expect(hash).to.equal(emailHash(TEST_SECRET, ' privacy.person@example.COM'));
    expect(hash).not.to.equal(emailHash('another-secret-that-is-long-enough-000000', ADDRESS));
    expect((await db().select().from(subscriberSuppressions)).map((r) => r.emailHash)).to.deep.equal([hash]);
    const ledger = await db().select().from(deletionLedger);
    expect(ledger.map((l) => [l.kind, l.subjectHash])).to.deep.equal([['subscriber', hash]]);
    expect(await everyRowMentioning(sub.id)).to.deep.equal([]); // not even the id is left to link back

    // The old links: unsubscribe says it is done, manage and data find nobody.
    const again = await anon().request('POST', link('/subscribe/unsubscribe', sub.id), 'List-Unsubscribe=One-Click', { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' });
    expect(again.status).to.equal(200);
    expect(again.text).to.include('You are unsubscribed');
    expect((await anon().get(link('/subscribe/unsubscribe', sub.id), { accept: 'text/html' })).text).to.include('You are unsubscribed');
    expect((await anon().get(link('/subscribe/manage', sub.id), { accept: 'text/html' })).status).to.equal(404);
    expect((await anon().get(link('/subscribe/data', sub.id))).status).to.equal(404);
    expect(await db().select().from(deletionLedger)).to.have.length(1);
  });

  it('a copy of the row older than the deletion (a restore) is never mailed; a new sign-up is', async () => {
    const { sub, web } = await confirmedSubscriberWithMail();
    await anon().request('POST', link('/subscribe/unsubscribe', sub.id), 'List-Unsubscribe=One-Click', { 'content-type': 'application/x-www-form-urlencoded' });
    smtp.messages.length = 0;
    await db().insert(subscribers).values({ ...sub }); // as a backup from before the deletion would bring it back
    const api = new Client(s.baseUrl, (await staff('regular')).token);
    const again = await api.post('/api/v1/incidents', { title: 'Again', severity: 2, message: 'Hm.', components: [{ id: web.id, status: 'partial_outage' }] });
    expect(again.status, again.text).to.equal(201);
    await drain();
    expect(smtp.messages).to.have.length(0);
    const [d] = await db().select().from(deliveries).where(eq(deliveries.target, sub.id));
    expect(d).to.include({ status: 'delivered', externalId: 'skipped:deleted' });

    // The person signs up again of their own will: a new row, mailed as usual.
    await db().delete(subscribers);
    s.clock.set(new Date(Date.parse(NOW) + 60_000));
    expect((await anon().post('/api/v1/subscribers', { email: ADDRESS })).status).to.equal(202);
    await drain();
    expect(smtp.messages.map((m) => m.subject)).to.deep.equal(['[Beacon] Confirm your subscription']);
  });
});

import { expect } from 'chai';
import { eq } from 'drizzle-orm';
import { outboxEvents, subscribers } from '../../server/db/schema.js';
import { Client } from '../support/client.js';
import { startTestServer, type TestServer } from '../support/server.js';

const NOW = '2026-11-29T12:00:00.000Z';

/** A global ceiling on confirmation mails: one address per client IP cannot get around it (issue 10 §7). */
describe('confirmation mails: a global ceiling per minute', () => {
  let s: TestServer;
  const subscribeFrom = (ip: string, email: string) => new Client(s.baseUrl).post('/api/v1/subscribers', { email }, { 'x-forwarded-for': ip });
  const ipOf = (i: number) => `198.18.${Math.floor(i / 250)}.${(i % 250) + 1}`;
  const requested = () => s.deps.database.db.select().from(outboxEvents).where(eq(outboxEvents.type, 'subscriber.confirmation_requested'));

  afterEach(() => s.close());

  it('200 addresses from 200 client addresses: 100 confirmations (the default), then 429 and nothing queued', async () => {
    // E-mail on (nothing is sent: the dispatcher is off in tests); with it off subscribing is a 503.
    s = await startTestServer({ now: NOW, env: { TRUST_PROXY: 'true', SMTP_URL: 'smtp://127.0.0.1:1' } });
    const statuses: number[] = [];
    for (let i = 0; i < 200; i++) statuses.push((await subscribeFrom(ipOf(i), `flood${i}@example.com`)).status);
    expect(statuses.filter((c) => c === 202)).to.have.length(100);
    expect(statuses.slice(100)).to.deep.equal(Array(100).fill(429));
    expect(await requested()).to.have.length(100);
    expect(await s.deps.database.db.select().from(subscribers)).to.have.length(100);
  });

  it('answers 429 in the error contract with Retry-After, also to already-confirmed addresses, until the minute is over', async () => {
    s = await startTestServer({ now: NOW, env: { TRUST_PROXY: 'true', SMTP_URL: 'smtp://127.0.0.1:1', CONFIRMATION_MAILS_PER_MINUTE: '3' } });
    const { db } = s.deps.database;
    await db.insert(subscribers).values({ email: 'old@example.com', confirmedAt: new Date(NOW), createdAt: new Date(NOW), updatedAt: new Date(NOW) });
    for (let i = 0; i < 3; i++) expect((await subscribeFrom(ipOf(i), `a${i}@example.com`)).status).to.equal(202);
    s.clock.advance(20_000);
    const limited = await subscribeFrom(ipOf(10), 'late@example.com');
    expect(limited.status).to.equal(429);
    expect(limited.body.error.code).to.equal('rate_limited');
    expect(limited.headers.get('retry-after')).to.equal('40');
    // A confirmed address (which would get no mail) hears the same: the ceiling reveals nothing.
    const confirmed = await subscribeFrom(ipOf(11), 'old@example.com');
    expect([confirmed.status, confirmed.body]).to.deep.equal([limited.status, limited.body]);
    // The status page form too.
    const form = await new Client(s.baseUrl).request('POST', '/subscribe', 'email=form%40example.com', { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html', 'x-forwarded-for': ipOf(12) });
    expect(form.status).to.equal(429);
    expect(await requested()).to.have.length(3);
    expect((await db.select().from(subscribers)).map((r) => r.email).sort()).to.deep.equal(['a0@example.com', 'a1@example.com', 'a2@example.com', 'old@example.com']);

    s.clock.advance(40_000);
    expect((await subscribeFrom(ipOf(10), 'late@example.com')).status).to.equal(202);
    expect(await requested()).to.have.length(4);
  });
});

import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { eq } from 'drizzle-orm';
import { deliveries, outboxEvents } from '../../server/db/schema.js';
import { Client } from '../support/client.js';
import { FakeTwitter } from '../support/fakeTwitter.js';
import { staff } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { Receiver } from '../support/webhookReceiver.js';

const NOW = '2026-11-29T12:00:00.000Z';
const CREDENTIALS = { TWITTER_APP_KEY: 'consumer-key', TWITTER_APP_SECRET: 'consumer-secret', TWITTER_ACCESS_TOKEN: 'access-token', TWITTER_ACCESS_SECRET: 'access-secret' };

/** An SMTP server that accepts the TCP connection and then never says a word (no greeting). */
async function hungSmtp() {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `smtp://127.0.0.1:${(server.address() as AddressInfo).port}`,
    connections: () => sockets.size,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** Waits (polling the observable outcome, not sleeping a fixed time) until `done` or the deadline. */
async function within(ms: number, done: () => boolean | Promise<boolean>): Promise<number> {
  const started = Date.now();
  while (!(await done())) {
    if (Date.now() - started > ms) throw new Error(`not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return Date.now() - started;
}

describe('channels are isolated: a hung SMTP server delays nothing else', function () {
  this.timeout(30_000);
  let smtp: Awaited<ReturnType<typeof hungSmtp>>;
  let fake: FakeTwitter;
  let rx: Receiver;
  let s: TestServer;

  beforeEach(async () => {
    smtp = await hungSmtp();
    fake = await new FakeTwitter().start();
    rx = new Receiver();
    await rx.start();
    // The real runtime with the post-write kick, as in production (only the poll timer is off).
    s = await startTestServer({ now: NOW, dispatchAfterWrite: true, env: { SMTP_URL: smtp.url, ...CREDENTIALS, TWITTER_API_BASE_URL: fake.baseUrl, WEBHOOK_ALLOW_PRIVATE: 'true' } });
  });
  afterEach(async () => {
    await smtp.close(); // drops the hung connections, so the stuck sends fail and the runtime stops
    await s.close();
    await rx.close();
    await fake.close();
  });

  it('with e-mail stuck, an incident still answers at once and its webhook and tweet go out within 10 s', async () => {
    const admin = new Client(s.baseUrl, (await staff('admin')).token);
    const hook = await admin.post('/api/v1/webhooks', { url: rx.url, description: 'ops bot' });
    expect(hook.status, hook.text).to.equal(201);
    rx.secret = hook.body.secret;

    // A confirmation mail goes to the hung SMTP server first and stays stuck there.
    expect((await new Client(s.baseUrl).post('/api/v1/subscribers', { email: 'ann@example.com' })).status).to.equal(202);
    await within(5000, () => smtp.connections() > 0);

    const started = Date.now();
    const res = await admin.post('/api/v1/incidents', { title: 'Checkout failing', severity: 1, message: 'We are looking into failed payments.' });
    const answeredMs = Date.now() - started;
    expect(res.status, res.text).to.equal(201);
    expect(answeredMs, 'the staff request answers at once').to.be.below(1000);

    const db = s.deps.database.db;
    await within(10_000, async () => (await db.select().from(outboxEvents)).every((e) => e.dispatchedAt)); // live pushes go with the fan-out
    await within(10_000, () => rx.hits.some((h) => h.body.type === 'incident.created'));
    await within(10_000, () => fake.tweets.length === 1);
    expect(rx.hits.find((h) => h.body.type === 'incident.created')!.valid).to.equal(true);
    expect(fake.tweets[0]!.text).to.include('Checkout failing');
    const [mail] = await db.select().from(deliveries).where(eq(deliveries.channel, 'email'));
    expect(mail!.status, 'the confirmation mail is still waiting, not lost').to.equal('pending');
  });
});

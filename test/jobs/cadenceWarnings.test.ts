import { expect } from 'chai';
import { io as connect, type Socket } from 'socket.io-client';
import { cadenceWarnings, outboxEvents } from '../../server/db/schema.js';
import { CadenceWatcher } from '../../jobs/cadenceWatcher.js';
import { FixedClock } from '../../server/clock.js';
import { createLogger } from '../../server/logger.js';
import { Client } from '../support/client.js';
import { testDatabase } from '../support/db.js';
import { staff } from '../support/factories.js';
import { LogSink, startTestServer, type TestServer } from '../support/server.js';
import { startSmtp, recipient, type FakeSmtp } from '../support/smtp.js';

const T0 = '2026-11-29T12:00:00.000Z';
const at = (min: number) => new Date(Date.parse(T0) + min * 60_000);
const levels = (fired: { level: string }[]) => fired.map((f) => f.level);

describe('"next update by" warnings', () => {
  let s: TestServer;
  let smtp: FakeSmtp;
  let api: Client;
  before(async () => {
    smtp = await startSmtp();
    s = await startTestServer({ now: T0, env: { SMTP_URL: smtp.url, MAIL_FROM: 'Status <status@example.com>' } });
  });
  after(async () => {
    await s.close();
    await smtp.close();
  });
  beforeEach(async () => {
    s.clock.set(T0);
    smtp.messages.length = 0;
    api = new Client(s.baseUrl, (await staff('regular')).token);
  });

  const events = async () => (await (await testDatabase()).db.select().from(outboxEvents).orderBy(outboxEvents.id)).filter((e) => e.type.startsWith('cadence.'));
  const fresh = () => {
    const w = new CadenceWatcher(s.deps.database.db, new FixedClock(s.clock.now()), createLogger('silent', new LogSink()));
    w.timersEnabled = false;
    return w;
  };

  it('warns at 80 % of the promised interval and when it lapses, each exactly once', async () => {
    // Severity 1 promises the next update in 30 minutes by default: 80 % at 24 min.
    const inc = (await api.post('/api/v1/incidents', { title: 'down', severity: 1, message: 'x' })).body;
    expect(inc.next_update_at).to.equal(at(30).toISOString());
    const watcher = s.runtime.cadenceWatcher;
    s.clock.set(at(23.99));
    expect(await watcher.tick()).to.have.length(0);
    s.clock.set(at(24));
    expect(levels(await watcher.tick())).to.deep.equal(['80']);
    expect(await watcher.tick()).to.have.length(0);
    s.clock.set(at(30));
    expect(levels(await watcher.tick())).to.deep.equal(['lapsed']);
    s.clock.set(at(90));
    expect(await watcher.tick()).to.have.length(0);
    const ev = await events();
    expect(ev.map((e) => e.type)).to.deep.equal(['cadence.warning', 'cadence.lapsed']);
    expect(ev[1]!.payload).to.include({ incident_id: inc.id, level: 'lapsed', next_update_at: at(30).toISOString() });
  });

  it('exactly once across a restart: a fresh watcher on the same rows neither repeats nor loses a warning', async () => {
    await api.post('/api/v1/incidents', { title: 'down', severity: 2, message: 'x', next_update_in: 100 });
    s.clock.set(at(80));
    const first = fresh();
    expect(levels(await first.tick())).to.deep.equal(['80']);
    first.stop();
    // "Restart" at 85 min: the 80 % warning is not repeated.
    s.clock.set(at(85));
    const second = fresh();
    expect(await second.tick()).to.deep.equal([]);
    second.stop();
    // Down across the lapse; the next start fires it late, once.
    s.clock.set(at(130));
    const third = fresh();
    const fired = await third.tick();
    third.stop();
    expect(levels(fired)).to.deep.equal(['lapsed']);
    expect(fired[0]!.lateMs).to.equal(30 * 60_000);
    const fourth = fresh();
    expect(await fourth.tick()).to.deep.equal([]);
    fourth.stop();
    expect((await s.deps.database.db.select().from(cadenceWarnings)).map((r) => r.level).sort()).to.deep.equal(['80', 'lapsed']);
    expect((await events()).map((e) => e.type)).to.deep.equal(['cadence.warning', 'cadence.lapsed']);
  });

  it('a fresh runtime on the same database (a restarted instance) fires what is left, once', async () => {
    await api.post('/api/v1/incidents', { title: 'down', severity: 1, message: 'x' });
    s.clock.set(at(24));
    expect(levels(await s.runtime.cadenceWatcher.tick())).to.deep.equal(['80']);
    const restarted = await startTestServer({ now: at(24).toISOString() });
    try {
      expect(await restarted.runtime.cadenceWatcher.tick(), 'the 80 % warning is not repeated').to.deep.equal([]);
      restarted.clock.set(at(31));
      expect(levels(await restarted.runtime.cadenceWatcher.tick())).to.deep.equal(['lapsed']);
      s.clock.set(at(31));
      expect(await s.runtime.cadenceWatcher.tick(), 'nor fired again by the first instance').to.deep.equal([]);
    } finally {
      await restarted.close();
    }
    expect((await events()).map((e) => e.type)).to.deep.equal(['cadence.warning', 'cadence.lapsed']);
  });

  it('two watchers racing on one database fire each warning once; both levels due together announce only the lapse', async () => {
    await api.post('/api/v1/incidents', { title: 'down', severity: 1, message: 'x' });
    s.clock.set(at(45));
    const a = fresh();
    const b = fresh();
    const settled = await Promise.allSettled([a.tick(), b.tick()]);
    a.stop();
    b.stop();
    const fired = settled.flatMap((r) => (r.status === 'fulfilled' ? r.value : []));
    expect(levels(fired)).to.deep.equal(['lapsed']);
    expect((await s.deps.database.db.select().from(cadenceWarnings)).map((r) => r.level).sort()).to.deep.equal(['80', 'lapsed']);
    expect(await events()).to.have.length(1);
  });

  it('a new update clears the pending commitment: the old one never warns, the new one does', async () => {
    const inc = (await api.post('/api/v1/incidents', { title: 'down', severity: 1, message: 'x' })).body;
    s.clock.set(at(20));
    const up = await api.post(`/api/v1/incidents/${inc.id}/updates`, { status: 'identified', message: 'found it', next_update_at: at(80).toISOString() });
    expect(up.status, up.text).to.equal(201);
    expect(up.body.incident_update.next_update_at).to.equal(at(80).toISOString());
    expect(up.body.incident.next_update_at).to.equal(at(80).toISOString());
    s.clock.set(at(30)); // the first promise's instant: nothing, it was kept
    expect(await s.runtime.cadenceWatcher.tick()).to.deep.equal([]);
    s.clock.set(at(68)); // 80 % of 20 → 80
    expect(levels(await s.runtime.cadenceWatcher.tick())).to.deep.equal(['80']);
    // Resolving promises nothing more.
    s.clock.set(at(70));
    const done = await api.post(`/api/v1/incidents/${inc.id}/updates`, { status: 'resolved', message: 'fixed' });
    expect(done.body.incident.next_update_at).to.equal(null);
    s.clock.set(at(200));
    expect(await s.runtime.cadenceWatcher.tick()).to.deep.equal([]);
  });

  it('the next instant is what the in-process timer is armed for', async () => {
    const { nextCadenceWarningAt } = await import('../../server/domain/incidents/cadenceWarnings.js');
    const { db } = s.deps.database;
    expect(await nextCadenceWarningAt(db, at(0))).to.equal(null);
    await api.post('/api/v1/incidents', { title: 'down', severity: 1, message: 'x' });
    expect((await nextCadenceWarningAt(db, at(0)))!.toISOString()).to.equal(at(24).toISOString());
    expect((await nextCadenceWarningAt(db, at(24)))!.toISOString()).to.equal(at(30).toISOString());
    expect(await nextCadenceWarningAt(db, at(30))).to.equal(null);
  });

  it('staff get the lapse live on the staff socket and by e-mail', async () => {
    const admin = await staff('admin');
    const socket: Socket = connect(`${s.baseUrl}/staff`, { auth: { token: admin.token }, transports: ['websocket'], forceNew: true });
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', reject);
      });
      const inc = (await api.post('/api/v1/incidents', { title: 'Checkout down', severity: 1, message: 'x' })).body;
      await s.runtime.dispatcher.drain();
      const got = new Promise<any>((resolve) => socket.on('cadence.lapsed', resolve));
      s.clock.set(at(31));
      await s.runtime.cadenceWatcher.tick();
      await s.runtime.dispatcher.drain();
      expect(await got).to.include({ incident_id: inc.id, level: 'lapsed' });
      const mails = smtp.messages.filter((m) => /Next update overdue/.test(m.subject ?? ''));
      expect(mails.map(recipient)).to.include(admin.email);
      expect(mails[0]!.text).to.include('2026-11-29 12:30 UTC');
    } finally {
      socket.close();
    }
  });
});

import { asc } from 'drizzle-orm';
import { expect } from 'chai';
import { io as connect, type Socket } from 'socket.io-client';
import { slaWarnings, outboxEvents } from '../../server/db/schema.js';
import { SlaWatcher } from '../../jobs/slaWatcher.js';
import { FixedClock } from '../../server/clock.js';
import { createLogger } from '../../server/logger.js';
import { Client } from '../support/client.js';
import { testDatabase } from '../support/db.js';
import { staff } from '../support/factories.js';
import { LogSink, startTestServer, type TestServer } from '../support/server.js';

const T0 = '2026-11-29T12:00:00.000Z';
const at = (min: number) => new Date(Date.parse(T0) + min * 60_000);

describe('SLA warnings', () => {
  let s: TestServer;
  let api: Client;
  before(async () => (s = await startTestServer({ now: T0 })));
  after(() => s.close());
  beforeEach(async () => {
    s.clock.set(T0);
    api = new Client(s.baseUrl, (await staff('regular')).token);
  });

  // In the order they were recorded: without ORDER BY, PostgreSQL returns a row the dispatcher has since updated after newer ones.
  const events = async () => (await (await testDatabase()).db.select().from(outboxEvents).orderBy(asc(outboxEvents.id))).filter((e) => e.type.startsWith('sla.'));

  it('warns at 50 %, 80 % and breach of each pending goal, each exactly once', async () => {
    const inc = (await api.post('/api/v1/incidents', { title: 'down', severity: 1, message: 'x' })).body;
    const watcher = s.runtime.slaWatcher;
    s.clock.set(at(29.99));
    expect(await watcher.tick()).to.have.length(0);
    s.clock.set(at(30));
    let fired = await watcher.tick();
    expect(fired.map((f) => `${f.goal}:${f.level}`)).to.deep.equal(['work_start:50']);
    expect(fired[0]!.lateMs).to.equal(0);
    expect(await watcher.tick()).to.have.length(0); // not again
    s.clock.set(at(48));
    expect((await watcher.tick()).map((f) => `${f.goal}:${f.level}`)).to.deep.equal(['work_start:80']);
    s.clock.set(at(60));
    fired = await watcher.tick();
    expect(fired.map((f) => `${f.goal}:${f.level}`)).to.deep.equal(['work_start:breach']);
    const ev = await events();
    expect(ev.map((e) => e.type)).to.deep.equal(['sla.warning', 'sla.warning', 'sla.breached']);
    expect(ev[2]!.payload).to.include({ incident_id: inc.id, goal: 'work_start', level: 'breach', due_at: at(60).toISOString() });
    // temporary fix (4 h): 50 % at 2 h
    s.clock.set(at(120));
    expect((await watcher.tick()).map((f) => `${f.goal}:${f.level}`)).to.deep.equal(['temporary_fix:50']);
  });

  it('reached goals and sev4 incidents are never warned about', async () => {
    const inc = (await api.post('/api/v1/incidents', { title: 'slow', severity: 1, message: 'x' })).body;
    await api.post('/api/v1/incidents', { title: 'typo', severity: 4, message: 'x' });
    s.clock.set(at(10));
    await api.post(`/api/v1/incidents/${inc.id}/milestones`, { milestone: 'work_start' });
    s.clock.set(at(61));
    expect(await s.runtime.slaWatcher.tick()).to.deep.equal([]);
  });

  it('a restart does not repeat warnings; one missed while down fires late, once, as the most severe due', async () => {
    await api.post('/api/v1/incidents', { title: 'down', severity: 1, message: 'x' });
    const { db } = await testDatabase();
    const clock = new FixedClock(at(30));
    const first = new SlaWatcher(db, clock, createLogger('silent', new LogSink()));
    first.timersEnabled = false;
    expect(await first.tick()).to.have.length(1);
    first.stop();
    // "Restart": a new watcher on the same rows, after being down across the 80 % and breach instants.
    clock.set(at(75));
    const second = new SlaWatcher(db, clock, createLogger('silent', new LogSink()));
    second.timersEnabled = false;
    const fired = await second.tick();
    second.stop();
    expect(fired.map((f) => `${f.goal}:${f.level}`)).to.deep.equal(['work_start:breach']);
    expect(fired[0]!.lateMs).to.equal(15 * 60_000);
    const rows = await db.select().from(slaWarnings);
    expect(rows.map((r) => r.level).sort()).to.deep.equal(['50', '80', 'breach']);
    const third = new SlaWatcher(db, clock, createLogger('silent', new LogSink()));
    third.timersEnabled = false;
    expect(await third.tick()).to.have.length(0);
    third.stop();
  });

  it('two watchers racing on one database fire each warning once', async () => {
    await api.post('/api/v1/incidents', { title: 'down', severity: 1, message: 'x' });
    const { db } = await testDatabase();
    const clock = new FixedClock(at(30));
    const a = new SlaWatcher(db, clock, createLogger('silent', new LogSink()));
    a.timersEnabled = false;
    const b = new SlaWatcher(db, clock, createLogger('silent', new LogSink()));
    b.timersEnabled = false;
    const settled = await Promise.allSettled([a.tick(), b.tick()]);
    a.stop();
    b.stop();
    const fired = settled.flatMap((r) => (r.status === 'fulfilled' ? r.value : []));
    expect(fired).to.have.length(1);
    expect(await events()).to.have.length(1);
  });

  it('the next instant is what the in-process timer is armed for', async () => {
    const { nextSlaWarningAt } = await import('../../server/domain/incidents/slaWarnings.js');
    const { db } = await testDatabase();
    expect(await nextSlaWarningAt(db, at(0))).to.equal(null);
    await api.post('/api/v1/incidents', { title: 'down', severity: 1, message: 'x' });
    expect((await nextSlaWarningAt(db, at(0)))!.toISOString()).to.equal(at(30).toISOString());
    expect((await nextSlaWarningAt(db, at(30)))!.toISOString()).to.equal(at(48).toISOString());
  });

  it('a staff socket receives the breach warning live; anonymous sockets are refused', async () => {
    const { token } = await staff('observer');
    const socket: Socket = connect(`${s.baseUrl}/staff`, { auth: { token }, transports: ['websocket'], forceNew: true });
    const anon: Socket = connect(`${s.baseUrl}/staff`, { transports: ['websocket'], forceNew: true });
    // Listen at once: the refusal needs no database lookup and can arrive before the other socket connects.
    const refusal = new Promise<string>((resolve) => anon.once('connect_error', (e) => resolve(e.message)));
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', reject);
      });
      const refused = await refusal;
      expect(refused).to.equal('unauthenticated');
      const inc = (await api.post('/api/v1/incidents', { title: 'down', severity: 1, message: 'x' })).body;
      const got = new Promise<any>((resolve) => socket.on('sla.breached', resolve));
      s.clock.set(at(60));
      await s.runtime.slaWatcher.tick();
      await s.runtime.dispatcher.drain();
      const payload = await got;
      expect(payload).to.include({ incident_id: inc.id, goal: 'work_start', level: 'breach' });
    } finally {
      socket.close();
      anon.close();
    }
  });
});

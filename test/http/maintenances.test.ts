import { expect } from 'chai';
import { eq } from 'drizzle-orm';
import { MaintenanceWatcher } from '../../jobs/maintenanceWatcher.js';
import { components, maintenanceNotices, outboxEvents } from '../../server/db/schema.js';
import { FixedClock } from '../../server/clock.js';
import { createLogger } from '../../server/logger.js';
import { Client } from '../support/client.js';
import { component } from '../support/components.js';
import { testDatabase } from '../support/db.js';
import { staff } from '../support/factories.js';
import { LogSink, startTestServer, type TestServer } from '../support/server.js';

const NOW = '2026-11-29T12:00:00.000Z'; // Sunday
// Saturday 2026-12-05 22:00 EST → Sunday 02:00 EST is 2026-12-06T03:00Z → 07:00Z.
const SAT = { scheduled_for: '2026-12-06T03:00:00Z', scheduled_until: '2026-12-06T06:30:00Z' };

describe('maintenance API', () => {
  let s: TestServer;
  let api: Client;
  const watchers: MaintenanceWatcher[] = [];
  before(async () => (s = await startTestServer({ now: NOW })));
  after(() => s.close());
  beforeEach(async () => {
    s.clock.set(NOW);
    api = new Client(s.baseUrl, (await staff('regular')).token);
  });
  afterEach(() => watchers.splice(0).forEach((w) => w.stop()));

  const watcher = (clock = s.clock) => {
    const w = new MaintenanceWatcher(s.deps.database.db, clock, createLogger('silent', new LogSink()));
    w.timersEnabled = false; // the test ticks by hand; a real timer would race it
    watchers.push(w);
    return w;
  };
  const events = async () => (await (await testDatabase()).db.select().from(outboxEvents).orderBy(outboxEvents.id)).filter((e) => e.type.startsWith('maintenance.'));
  const statusOf = async (id: string) => (await s.deps.database.db.select().from(components).where(eq(components.id, id)))[0]!.status;
  const tickAt = async (iso: string, w = watcher()) => {
    s.clock.set(iso);
    return (await w.tick()).map((n) => n.kind);
  };
  async function plan(body: Record<string, unknown> = {}) {
    const res = await api.post('/api/v1/maintenances', { title: 'Database upgrade', body: 'Postgres 17.', ...SAT, ...body });
    expect(res.status, res.text).to.equal(201);
    return res.body;
  }

  it('lists the upcoming weekly windows', async () => {
    const obs = new Client(s.baseUrl, (await staff('observer')).token);
    const res = await obs.get('/api/v1/maintenance-windows?from=2026-11-29T12:00:00Z&count=2');
    expect(res.status, res.text).to.equal(200);
    expect(res.body.windows).to.deep.equal([
      { starts_at: '2026-12-02T03:00:00.000Z', ends_at: '2026-12-02T07:00:00.000Z', rule: { weekday: 2, start: '22:00', end: '02:00', zone: 'America/New_York' } },
      { starts_at: '2026-12-06T03:00:00.000Z', ends_at: '2026-12-06T07:00:00.000Z', rule: { weekday: 6, start: '22:00', end: '02:00', zone: 'America/New_York' } },
    ]);
  });

  it('refuses a Thursday slot with the nearest windows; accepts Saturday night a week ahead', async () => {
    const thu = await api.post('/api/v1/maintenances', { title: 'x', body: 'y', scheduled_for: '2026-12-04T03:00:00Z', scheduled_until: '2026-12-04T04:00:00Z' });
    expect(thu.status).to.equal(422);
    expect(thu.body.error.code).to.equal('outside_maintenance_window');
    expect(thu.body.error.details.nearest[0]).to.deep.equal({ starts_at: '2026-12-06T03:00:00.000Z', ends_at: '2026-12-06T07:00:00.000Z' });
    const web = await component('Web app');
    const m = await plan({ components: [web.id] });
    expect(m).to.include({ name: 'Database upgrade', status: 'scheduled', impact: 'maintenance', kind: 'planned', notify: true, body: 'Postgres 17.' });
    expect(m).to.include({ scheduled_for: '2026-12-06T03:00:00.000Z', scheduled_until: '2026-12-06T06:30:00.000Z', started_at: null, resolved_at: null });
    expect(m.components.map((c: any) => c.id)).to.deep.equal([web.id]);
    expect((await events()).map((e) => e.type)).to.deep.equal(['maintenance.announced']);
    const obs = new Client(s.baseUrl, (await staff('observer')).token);
    expect((await obs.get(`/api/v1/maintenances/${m.id}`)).body.id).to.equal(m.id);
    expect((await obs.get('/api/v1/maintenances')).body.maintenances).to.have.length(1);
    expect((await obs.post('/api/v1/maintenances', { title: 'x', body: 'y', ...SAT })).status).to.equal(403);
  });

  it('needs 24 h notice, to the millisecond', async () => {
    const tue = { title: 'x', body: 'y', scheduled_for: '2026-12-02T03:00:00Z', scheduled_until: '2026-12-02T04:00:00Z' };
    s.clock.set('2026-12-01T03:00:00.001Z');
    const late = await api.post('/api/v1/maintenances', tue);
    expect(late.status).to.equal(422);
    expect(late.body.error.code).to.equal('insufficient_notice');
    expect(late.body.error.details.earliest_allowed_start).to.equal('2026-12-02T03:00:00.001Z');
    s.clock.set('2026-12-01T03:00:00.000Z');
    const ok = await api.post('/api/v1/maintenances', tue);
    expect(ok.status, ok.text).to.equal(201);
    // Scheduled exactly 24 h ahead: no reminder, straight to the 30-minute notice.
    expect(await tickAt('2026-12-02T02:30:00Z')).to.deep.equal(['in_app_30m']);
  });

  it('unplanned maintenance needs a reason, may start at once, and is announced at once', async () => {
    const web = await component('Web app');
    const none = await api.post('/api/v1/maintenances', { title: 'x', body: 'y', kind: 'unplanned', scheduled_until: '2026-11-29T13:00:00Z' });
    expect(none.status).to.equal(422);
    expect(none.body.error.code).to.equal('reason_required');
    const res = await api.post('/api/v1/maintenances', { title: 'Emergency patch', body: 'y', kind: 'unplanned', reason: 'CVE in TLS library', scheduled_until: '2026-11-29T13:00:00Z', components: [web.id] });
    expect(res.status, res.text).to.equal(201);
    expect(res.body).to.include({ status: 'in_progress', kind: 'unplanned', reason: 'CVE in TLS library', started_at: NOW });
    expect(await statusOf(web.id)).to.equal('under_maintenance');
    expect((await events()).map((e) => e.type)).to.deep.equal(['maintenance.announced', 'maintenance.started']);
    s.clock.set('2026-11-29T12:20:00Z');
    const done = await api.post(`/api/v1/maintenances/${res.body.id}/complete`);
    expect(done.body).to.include({ status: 'completed', resolved_at: '2026-11-29T12:20:00.000Z' });
    expect(await statusOf(web.id)).to.equal('operational');
    expect(await tickAt('2026-11-29T13:00:00Z')).to.deep.equal([]);
  });

  it('fires each notice at its instant, exactly once, and drives components', async () => {
    const web = await component('Web app');
    const dbc = await component('Database', { status: 'degraded_performance' });
    const m = await plan({ components: [web.id, dbc.id] });
    const w = watcher();
    expect(await tickAt('2026-12-05T02:59:59.999Z', w)).to.deep.equal([]);
    expect(await tickAt('2026-12-05T03:00:00Z', w)).to.deep.equal(['reminder_24h']);
    expect(await w.tick()).to.deep.equal([]);
    expect(await tickAt('2026-12-06T02:29:59.999Z', w)).to.deep.equal([]);
    expect(await tickAt('2026-12-06T02:30:00Z', w)).to.deep.equal(['in_app_30m']);
    expect(await tickAt('2026-12-06T03:00:00Z', w)).to.deep.equal(['started']);
    expect(await w.tick()).to.deep.equal([]);
    expect((await api.get(`/api/v1/maintenances/${m.id}`)).body).to.include({ status: 'in_progress', started_at: '2026-12-06T03:00:00.000Z' });
    expect([await statusOf(web.id), await statusOf(dbc.id)]).to.deep.equal(['under_maintenance', 'under_maintenance']);
    expect(await tickAt('2026-12-06T06:30:00Z', w)).to.deep.equal(['completed']);
    expect(await tickAt('2026-12-06T07:00:00Z', w)).to.deep.equal([]);
    expect((await api.get(`/api/v1/maintenances/${m.id}`)).body).to.include({ status: 'completed', resolved_at: '2026-12-06T06:30:00.000Z' });
    expect([await statusOf(web.id), await statusOf(dbc.id)]).to.deep.equal(['operational', 'degraded_performance']);
    expect((await events()).map((e) => e.type)).to.deep.equal([
      'maintenance.announced',
      'maintenance.reminder_24h',
      'maintenance.in_app_notice',
      'maintenance.started',
      'maintenance.completed',
    ]);
  });

  it('a notice missed while down fires late, once; overtaken ones are recorded but not announced', async () => {
    await plan();
    const clock = new FixedClock('2026-12-06T02:45:00Z');
    const fired = await watcher(clock).tick();
    expect(fired.map((n) => [n.kind, n.announced, n.lateMs])).to.deep.equal([
      ['reminder_24h', false, (23 * 60 + 45) * 60_000],
      ['in_app_30m', true, 15 * 60_000],
    ]);
    expect(await watcher(clock).tick()).to.deep.equal([]);
    expect((await events()).map((e) => e.type)).to.deep.equal(['maintenance.announced', 'maintenance.in_app_notice']);
  });

  it('two watchers racing fire each notice once', async () => {
    await plan();
    const clock = new FixedClock('2026-12-06T03:00:00Z');
    const settled = await Promise.allSettled([watcher(clock).tick(), watcher(clock).tick()]);
    const fired = settled.flatMap((r) => (r.status === 'fulfilled' ? r.value : []));
    expect(fired.map((n) => n.kind).sort()).to.deep.equal(['in_app_30m', 'reminder_24h', 'started']);
    expect((await events()).map((e) => e.type)).to.deep.equal(['maintenance.announced', 'maintenance.started']);
  });

  it('reschedule is validated, re-announced, and gets fresh notices', async () => {
    const m = await plan();
    expect(await tickAt('2026-12-05T03:00:00Z')).to.deep.equal(['reminder_24h']);
    s.clock.set('2026-12-05T04:00:00Z');
    const bad = await api.patch(`/api/v1/maintenances/${m.id}`, { scheduled_for: '2026-12-07T03:00:00Z', scheduled_until: '2026-12-07T04:00:00Z' });
    expect(bad.status).to.equal(422);
    expect(bad.body.error.code).to.equal('outside_maintenance_window');
    // Tuesday 2026-12-08 22:00 EST.
    const res = await api.patch(`/api/v1/maintenances/${m.id}`, { scheduled_for: '2026-12-09T03:00:00Z', scheduled_until: '2026-12-09T04:00:00Z' });
    expect(res.status, res.text).to.equal(200);
    expect(res.body).to.include({ status: 'scheduled', scheduled_for: '2026-12-09T03:00:00.000Z' });
    expect(await tickAt('2026-12-06T03:00:00Z')).to.deep.equal([]);
    expect(await tickAt('2026-12-08T03:00:00Z')).to.deep.equal(['reminder_24h']);
    expect(await tickAt('2026-12-09T03:00:00Z')).to.deep.equal(['in_app_30m', 'started']);
    const notices = await s.deps.database.db.select().from(maintenanceNotices);
    expect(notices.filter((n) => n.kind === 'reminder_24h').map((n) => n.instant.toISOString()).sort()).to.deep.equal(['2026-12-05T03:00:00.000Z', '2026-12-08T03:00:00.000Z']);
    expect((await events()).map((e) => e.type)).to.include.members(['maintenance.rescheduled']);
    expect((await api.patch(`/api/v1/maintenances/${m.id}`, { title: 'late' })).status).to.equal(409);
  });

  it('cancel stops every notice; started maintenance cannot be cancelled', async () => {
    const web = await component('Web app');
    const m = await plan({ components: [web.id] });
    const res = await api.post(`/api/v1/maintenances/${m.id}/cancel`, { reason: 'vendor postponed' });
    expect(res.status, res.text).to.equal(200);
    expect(res.body.status).to.equal('cancelled');
    expect(await tickAt('2026-12-06T04:00:00Z')).to.deep.equal([]);
    expect(await statusOf(web.id)).to.equal('operational');
    expect((await api.post(`/api/v1/maintenances/${m.id}/cancel`, {})).status).to.equal(409);
    expect((await events()).map((e) => e.type)).to.deep.equal(['maintenance.announced', 'maintenance.cancelled']);
  });

  it('components an incident changed during the maintenance are not restored', async () => {
    const web = await component('Web app');
    const api1 = await component('API');
    await plan({ components: [web.id, api1.id] });
    await tickAt('2026-12-06T03:00:00Z');
    const inc = await api.post('/api/v1/incidents', { title: 'API down', severity: 1, message: 'x', components: [{ id: api1.id, status: 'major_outage' }] });
    expect(inc.status, inc.text).to.equal(201);
    expect(await tickAt('2026-12-06T06:30:00Z')).to.deep.equal(['completed']);
    expect([await statusOf(web.id), await statusOf(api1.id)]).to.deep.equal(['operational', 'major_outage']);
  });

  it('held in verifying, it warns staff of an overrun 15 min after scheduled_until', async () => {
    const m = await plan();
    await tickAt('2026-12-06T03:00:00Z');
    s.clock.set('2026-12-06T06:00:00Z');
    expect((await api.post(`/api/v1/maintenances/${m.id}/verifying`)).body.status).to.equal('verifying');
    expect(await tickAt('2026-12-06T06:30:00Z')).to.deep.equal([]);
    expect(await tickAt('2026-12-06T06:44:59.999Z')).to.deep.equal([]);
    expect(await tickAt('2026-12-06T06:45:00Z')).to.deep.equal(['overrun']);
    expect(await tickAt('2026-12-06T07:00:00Z')).to.deep.equal([]);
    const done = await api.post(`/api/v1/maintenances/${m.id}/complete`);
    expect(done.body).to.include({ status: 'completed', resolved_at: '2026-12-06T07:00:00.000Z' });
    expect((await events()).map((e) => e.type).slice(-2)).to.deep.equal(['maintenance.overrun', 'maintenance.completed']);
  });
});

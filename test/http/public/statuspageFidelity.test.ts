import { expect } from 'chai';
import { MaintenanceWatcher } from '../../../jobs/maintenanceWatcher.js';
import { createLogger } from '../../../server/logger.js';
import { Client } from '../../support/client.js';
import { component } from '../../support/components.js';
import { staff } from '../../support/factories.js';
import { LogSink, startTestServer, type TestServer } from '../../support/server.js';

const NOW = '2026-11-29T12:00:00.000Z'; // Sunday
const SAT = { scheduled_for: '2026-12-06T03:00:00Z', scheduled_until: '2026-12-06T06:30:00Z' };

// Compared with what real Statuspage pages answer (issue 11, "Statuspage fidelity").
describe('Statuspage fidelity: status wording and the maintenance lifecycle', () => {
  let s: TestServer;
  let api: Client;
  const anon = () => new Client(s.baseUrl);
  const settle = async () => {
    await s.runtime.dispatcher.drain();
    await s.runtime.snapshot.rebuild();
  };
  before(async () => (s = await startTestServer({ now: NOW })));
  after(() => s.close());
  beforeEach(async () => {
    s.clock.set(NOW);
    api = new Client(s.baseUrl, (await staff('regular')).token);
  });

  it('degraded components with no incident read "Partially Degraded Service"; a major outage "Major Service Outage"', async () => {
    await component('API', { status: 'degraded_performance' });
    await component('Website');
    await settle();
    expect((await anon().get('/api/v2/status.json')).body.status).to.deep.equal({ indicator: 'minor', description: 'Partially Degraded Service' });

    const inc = await api.post('/api/v1/incidents', { title: 'Slow pages', severity: 3, message: 'Looking' });
    expect(inc.status, inc.text).to.equal(201);
    await settle();
    expect((await anon().get('/api/v2/status.json')).body.status).to.deep.equal({ indicator: 'minor', description: 'Minor Service Outage' });

    await component('Checkout', { status: 'major_outage' });
    await settle();
    expect((await anon().get('/api/v2/status.json')).body.status).to.deep.equal({ indicator: 'critical', description: 'Major Service Outage' });
  });

  it('maintenance: started_at is when it was posted, verifying is an update, each update shows its own transition', async () => {
    const web = await component('Website');
    const api2 = await component('API', { status: 'degraded_performance' });
    const res = await api.post('/api/v1/maintenances', { title: 'Database upgrade', body: 'Postgres 17.', ...SAT, components: [web.id, api2.id] });
    expect(res.status, res.text).to.equal(201);
    const id = res.body.id as string;
    const find = async () => {
      await settle();
      return (await anon().get('/api/v2/scheduled-maintenances.json')).body.scheduled_maintenances.find((m: any) => m.id === id);
    };

    const scheduled = await find();
    expect(scheduled.started_at).to.equal(NOW);
    expect(scheduled.created_at).to.equal(NOW);
    expect(scheduled.incident_updates[0].affected_components).to.have.deep.members([
      { code: web.id, name: 'Website', old_status: 'operational', new_status: 'operational' },
      { code: api2.id, name: 'API', old_status: 'degraded_performance', new_status: 'degraded_performance' },
    ]);

    const watcher = new MaintenanceWatcher(s.deps.database.db, s.clock, createLogger('silent', new LogSink()));
    watcher.timersEnabled = false;
    try {
      s.clock.set(SAT.scheduled_for);
      await watcher.tick();
    } finally {
      watcher.stop();
    }
    s.clock.set('2026-12-06T05:00:00Z');
    expect((await api.post(`/api/v1/maintenances/${id}/verifying`, {})).status).to.equal(200);
    s.clock.set('2026-12-06T05:30:00Z');
    expect((await api.post(`/api/v1/maintenances/${id}/complete`, {})).status).to.equal(200);

    const m = await find();
    expect(m.status).to.equal('completed');
    expect(m.started_at, 'posted, not scheduled_for').to.equal(NOW);
    expect(m.monitoring_at, 'verifying sets monitoring_at').to.equal('2026-12-06T05:00:00.000Z');
    expect(m.resolved_at).to.equal('2026-12-06T05:30:00.000Z');
    const updates = m.incident_updates as any[];
    expect(updates.map((u) => [u.status, u.created_at])).to.deep.equal([
      ['completed', '2026-12-06T05:30:00.000Z'],
      ['verifying', '2026-12-06T05:00:00.000Z'],
      ['in_progress', '2026-12-06T03:00:00.000Z'],
      ['scheduled', NOW],
    ]);
    const transitions = (u: any) => Object.fromEntries(u.affected_components.map((a: any) => [a.name, `${a.old_status}→${a.new_status}`]));
    expect(updates.map(transitions)).to.deep.equal([
      { Website: 'under_maintenance→operational', API: 'under_maintenance→degraded_performance' },
      { Website: 'under_maintenance→under_maintenance', API: 'under_maintenance→under_maintenance' },
      { Website: 'operational→under_maintenance', API: 'degraded_performance→under_maintenance' },
      { Website: 'operational→operational', API: 'degraded_performance→degraded_performance' },
    ]);
    // Plain ids, as Statuspage's: no composite "id:status" keys; unique and stable between reads.
    for (const u of updates) {
      expect(u.id).to.match(/^[0-9a-z-]+$/);
      expect(u.incident_id).to.equal(id);
    }
    expect(new Set(updates.map((u) => u.id)).size).to.equal(updates.length);
    expect((await find()).incident_updates.map((u: any) => u.id)).to.deep.equal(updates.map((u) => u.id));
  });
});

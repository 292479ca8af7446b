import { expect } from 'chai';
import { Client } from '../../support/client.js';
import { component } from '../../support/components.js';
import { staff } from '../../support/factories.js';
import { startTestServer, type TestServer } from '../../support/server.js';

const NOW = '2026-11-29T12:00:00.000Z';

describe('cancelled maintenance stays visible, as cancelled', () => {
  let s: TestServer;
  let api: Client;
  const anon = () => new Client(s.baseUrl);
  before(async () => (s = await startTestServer({ now: NOW })));
  after(() => s.close());
  beforeEach(async () => {
    s.clock.set(NOW);
    api = new Client(s.baseUrl, (await staff('regular')).token);
  });

  async function cancelled() {
    const db = await component('Database');
    const m = await api.post('/api/v1/maintenances', { title: 'Database failover test', body: 'Switching to the replica.', kind: 'unplanned', reason: 'Disk warning', scheduled_for: '2026-11-29T18:00:00Z', scheduled_until: '2026-11-29T19:00:00Z', components: [db.id] });
    expect(m.status, m.text).to.equal(201);
    s.clock.advance(60 * 60_000);
    const c = await api.post(`/api/v1/maintenances/${m.body.id}/cancel`, { reason: 'Replica not ready' });
    expect(c.status, c.text).to.be.oneOf([200, 201]);
    return m.body.id as string;
  }

  it('its public page (linked from the announcement) answers 200 and says it was cancelled', async () => {
    const id = await cancelled();
    const page = await anon().get(`/maintenance/${id}`, { accept: 'text/html' });
    expect(page.status).to.equal(200);
    expect(page.text).to.include('Database failover test');
    expect(page.text).to.include('This maintenance was cancelled');
    expect(page.text).to.include('datetime="2026-11-29T13:00:00.000Z"'); // when it was cancelled
  });

  it('the month in /history lists it, marked cancelled, next to maintenance that went ahead', async () => {
    const id = await cancelled();
    const other = await api.post('/api/v1/maintenances', { title: 'Cache restart', body: 'Restarting caches.', kind: 'unplanned', reason: 'Memory leak', scheduled_for: '2026-11-29T20:00:00Z', scheduled_until: '2026-11-29T20:30:00Z' });
    expect(other.status, other.text).to.equal(201);
    const history = await anon().get('/history?month=2026-11', { accept: 'text/html' });
    expect(history.status).to.equal(200);
    expect(history.text).to.match(new RegExp(`<a href="/maintenance/${id}">Database failover test</a> <span class="impact">Cancelled</span>`));
    expect(history.text).to.include('no work took place');
    expect(history.text).to.match(new RegExp(`<a href="/maintenance/${other.body.id}">Cache restart</a></h3>`));
  });

  it('the Statuspage v2 list keeps leaving it out (Statuspage has no "cancelled" status)', async () => {
    const id = await cancelled();
    await s.runtime.snapshot.rebuild();
    const v2 = await anon().get('/api/v2/scheduled-maintenances.json');
    expect(v2.body.scheduled_maintenances.map((m: any) => m.id)).not.to.include(id); // Statuspage has no "cancelled" status
  });
});

import { expect } from 'chai';
import { eq, like } from 'drizzle-orm';
import { components, deliveries, incidentUpdates, incidents, maintenances, subscribers } from '../../server/db/schema.js';
import { Client, signInAs } from '../support/client.js';
import { staff } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { startSmtp, type FakeSmtp } from '../support/smtp.js';

const NOW = '2026-11-29T12:00:00.000Z';

/** Documents shaped like a Statuspage page's public API (newest update first, as Statuspage sends). */
function statuspage(tag: string) {
  const group = { id: `${tag}grp`, name: 'Platform', status: 'operational', created_at: '2024-01-10T09:00:00Z', updated_at: '2024-01-10T09:00:00Z', position: 1, description: null, showcase: false, start_date: null, group_id: null, page_id: 'p1', group: true, only_show_if_degraded: false, components: [`${tag}api`] };
  const api = { id: `${tag}api`, name: `API ${tag}`, status: 'degraded_performance', created_at: '2024-01-10T09:05:00Z', updated_at: '2024-03-01T10:00:00Z', position: 2, description: 'Public REST API', showcase: true, start_date: '2024-01-10', group_id: `${tag}grp`, page_id: 'p1', group: false, only_show_if_degraded: false };
  const incident = {
    id: `${tag}inc1`,
    name: `Elevated errors ${tag}`,
    status: 'resolved',
    impact: 'major',
    created_at: '2025-03-01T10:00:00Z',
    updated_at: '2025-03-01T12:00:00Z',
    started_at: '2025-03-01T09:55:00Z',
    monitoring_at: '2025-03-01T11:00:00Z',
    resolved_at: '2025-03-01T12:00:00Z',
    shortlink: 'https://stspg.io/x',
    page_id: 'p1',
    components: [api],
    incident_updates: [
      { id: `${tag}u3`, incident_id: `${tag}inc1`, status: 'resolved', body: 'All clear.', created_at: '2025-03-01T12:00:00Z', updated_at: '2025-03-01T12:00:00Z', display_at: '2025-03-01T12:00:00Z', deliver_notifications: true, custom_tweet: null, tweet_id: null, affected_components: [{ code: `${tag}api`, name: 'API', old_status: 'degraded_performance', new_status: 'operational' }] },
      { id: `${tag}u2`, incident_id: `${tag}inc1`, status: 'monitoring', body: 'Fix deployed.', created_at: '2025-03-01T11:00:00Z', updated_at: '2025-03-01T11:00:00Z', display_at: '2025-03-01T11:00:00Z', deliver_notifications: true, custom_tweet: null, tweet_id: null, affected_components: null },
      { id: `${tag}u1`, incident_id: `${tag}inc1`, status: 'investigating', body: 'We see errors.', created_at: '2025-03-01T10:00:00Z', updated_at: '2025-03-01T10:00:00Z', display_at: '2025-03-01T10:00:00Z', deliver_notifications: true, custom_tweet: null, tweet_id: null, affected_components: null },
    ],
  };
  const open = { ...incident, id: `${tag}inc2`, name: `Slow logins ${tag}`, status: 'identified', impact: 'minor', created_at: '2026-11-29T08:00:00Z', started_at: '2026-11-29T08:00:00Z', updated_at: '2026-11-29T08:00:00Z', monitoring_at: null, resolved_at: null, components: [], incident_updates: [{ id: `${tag}u4`, incident_id: `${tag}inc2`, status: 'identified', body: 'Cause found.', created_at: '2026-11-29T08:00:00Z', updated_at: '2026-11-29T08:00:00Z', display_at: '2026-11-29T08:00:00Z', deliver_notifications: true, custom_tweet: null, tweet_id: null, affected_components: null }] };
  const maint = {
    ...incident,
    id: `${tag}m1`,
    name: `Database upgrade ${tag}`,
    status: 'completed',
    impact: 'maintenance',
    scheduled_for: '2025-02-01T03:00:00Z',
    scheduled_until: '2025-02-01T05:00:00Z',
    created_at: '2025-01-20T10:00:00Z',
    resolved_at: '2025-02-01T04:30:00Z',
    components: [api],
    incident_updates: [
      { id: `${tag}mu2`, status: 'completed', body: 'Done.', created_at: '2025-02-01T04:30:00Z', display_at: '2025-02-01T04:30:00Z' },
      { id: `${tag}mu1`, status: 'scheduled', body: 'We will upgrade the database.', created_at: '2025-01-20T10:00:00Z', display_at: '2025-01-20T10:00:00Z' },
    ],
  };
  return { components: [group, api], incidents: [incident, open], scheduled_maintenances: [maint] };
}

describe('import from Statuspage', () => {
  let s: TestServer;
  let smtp: FakeSmtp;
  let admin: Client;
  const db = () => s.deps.database.db;
  before(async () => {
    smtp = await startSmtp();
    s = await startTestServer({ now: NOW, env: { SMTP_URL: smtp.url, MAIL_FROM: 'Status <status@example.com>' } });
  });
  beforeEach(async () => (admin = new Client(s.baseUrl, (await staff('admin')).token)));
  after(async () => {
    await s.close();
    await smtp.close();
  });

  it('imports components, groups, incidents with their history and maintenance, keeping original dates', async () => {
    const res = await admin.post('/api/v1/import/statuspage', statuspage('a'));
    expect(res.status, res.text).to.equal(200);
    expect(res.body).to.deep.equal({
      imported: { components: 2, incidents: 2, incident_updates: 4, scheduled_maintenances: 1 },
      unchanged: { components: 0, incidents: 0, incident_updates: 0, scheduled_maintenances: 0 },
      skipped: [],
    });
    const [grp] = await db().select().from(components).where(eq(components.externalId, 'statuspage:agrp'));
    const [api] = await db().select().from(components).where(eq(components.externalId, 'statuspage:aapi'));
    expect(grp).to.include({ name: 'Platform', isGroup: true, showcase: false });
    expect(api).to.include({ name: 'API a', groupId: grp!.id, status: 'degraded_performance', description: 'Public REST API', startDate: '2024-01-10' });
    expect(api!.createdAt.toISOString()).to.equal('2024-01-10T09:05:00.000Z');

    const [inc] = await db().select().from(incidents).where(eq(incidents.externalId, 'statuspage:ainc1'));
    expect(inc).to.include({ title: 'Elevated errors a', severity: 2, status: 'resolved' });
    expect(inc!.reportedAt.toISOString()).to.equal('2025-03-01T09:55:00.000Z');
    expect(inc!.resolvedAt!.toISOString()).to.equal('2025-03-01T12:00:00.000Z');
    expect(inc!.monitoringAt!.toISOString()).to.equal('2025-03-01T11:00:00.000Z');

    // The public API serves the imported history as Statuspage did, oldest update last.
    const pub = await new Client(s.baseUrl).get('/api/v2/incidents.json');
    const shown = pub.body.incidents.find((i: any) => i.name === 'Elevated errors a');
    expect(shown).to.include({ status: 'resolved', impact: 'major', created_at: '2025-03-01T10:00:00.000Z', resolved_at: '2025-03-01T12:00:00.000Z' });
    expect(shown.incident_updates.map((u: any) => [u.status, u.body, u.created_at])).to.deep.equal([
      ['resolved', 'All clear.', '2025-03-01T12:00:00.000Z'],
      ['monitoring', 'Fix deployed.', '2025-03-01T11:00:00.000Z'],
      ['investigating', 'We see errors.', '2025-03-01T10:00:00.000Z'],
    ]);
    expect(shown.components.map((c: any) => c.id)).to.deep.equal([api!.id]);
    expect(shown.incident_updates[0].affected_components[0]).to.include({ code: api!.id, new_status: 'operational' });

    const [m] = await db().select().from(maintenances).where(eq(maintenances.externalId, 'statuspage:am1'));
    expect(m).to.include({ title: 'Database upgrade a', status: 'completed', body: 'We will upgrade the database.', notify: false });
    expect(m!.scheduledFor.toISOString()).to.equal('2025-02-01T03:00:00.000Z');
    expect(m!.completedAt!.toISOString()).to.equal('2025-02-01T04:30:00.000Z');
  });

  it('is idempotent: the same documents again change nothing; new updates of a known incident are added', async () => {
    const docs = statuspage('b') as any;
    expect((await admin.post('/api/v1/import/statuspage', docs)).status).to.equal(200);
    const count = async () => ({
      components: (await db().select().from(components).where(like(components.externalId, 'statuspage:b%'))).length,
      incidents: (await db().select().from(incidents).where(like(incidents.externalId, 'statuspage:b%'))).length,
      updates: (await db().select().from(incidentUpdates).where(like(incidentUpdates.externalId, 'statuspage:b%'))).length,
      maintenances: (await db().select().from(maintenances).where(like(maintenances.externalId, 'statuspage:b%'))).length,
    });
    const before = await count();
    const again = await admin.post('/api/v1/import/statuspage', docs);
    expect(again.body.imported).to.deep.equal({ components: 0, incidents: 0, incident_updates: 0, scheduled_maintenances: 0 });
    expect(again.body.unchanged).to.deep.equal({ components: 2, incidents: 2, incident_updates: 4, scheduled_maintenances: 1 });
    expect(await count()).to.deep.equal(before);

    docs.incidents[1]!.incident_updates.unshift({ ...docs.incidents[1]!.incident_updates[0]!, id: 'bu5', status: 'monitoring', body: 'Watching.', created_at: '2026-11-29T09:00:00Z' });
    const third = await admin.post('/api/v1/import/statuspage', docs);
    expect(third.body.imported).to.deep.equal({ components: 0, incidents: 0, incident_updates: 1, scheduled_maintenances: 0 });
  });

  it('notifies nobody: no e-mail, no deliveries for subscribers', async () => {
    const now = new Date(NOW);
    await db().insert(subscribers).values({ email: 'watcher@example.com', componentIds: null, confirmedAt: now, createdAt: now, updatedAt: now });
    await s.runtime.dispatcher.drain();
    const deliveriesBefore = (await db().select().from(deliveries)).length;
    smtp.messages.length = 0;
    expect((await admin.post('/api/v1/import/statuspage', statuspage('c'))).body.imported.incidents).to.equal(2);
    await s.runtime.dispatcher.drain();
    expect((await db().select().from(deliveries)).length).to.equal(deliveriesBefore);
    expect(smtp.messages).to.have.length(0);

    // The same subscriber does hear about an incident filed by hand: the check above can fail.
    const filed = await admin.post('/api/v1/incidents', { title: 'Real one', severity: 2, message: 'Looking.' });
    expect(filed.status, filed.text).to.equal(201);
    await s.runtime.dispatcher.drain();
    expect((await db().select().from(deliveries).where(eq(deliveries.channel, 'email'))).length).to.be.greaterThan(0);
  });

  it('skips malformed entries with a reason and imports the rest', async () => {
    const docs = statuspage('d') as any;
    docs.components.push({ id: 'dorphan', name: 'Orphan', status: 'operational', created_at: '2024-01-10T09:00:00Z', group_id: 'nope', group: false });
    docs.components.push({ id: 'dbad', name: '', status: 'operational', created_at: '2024-01-10T09:00:00Z' });
    docs.incidents.push({ ...docs.incidents[0], id: 'dimpact', impact: 'apocalyptic' });
    docs.incidents.push('not an object');
    docs.scheduled_maintenances.push({ ...docs.scheduled_maintenances[0], id: 'dbackwards', scheduled_until: '2025-02-01T02:00:00Z' });
    const res = await admin.post('/api/v1/import/statuspage', docs);
    expect(res.status, res.text).to.equal(200);
    expect(res.body.imported).to.deep.equal({ components: 2, incidents: 2, incident_updates: 4, scheduled_maintenances: 1 });
    expect(res.body.skipped).to.deep.include.members([
      { kind: 'component', index: 3, id: 'dbad', reason: 'name: Too small: expected string to have >=1 characters' },
      { kind: 'component', index: 2, id: 'dorphan', reason: 'group_id: no group with id "nope" in this import' },
      { kind: 'incident', index: 3, id: null, reason: 'entry: Invalid input: expected object, received string' },
      { kind: 'scheduled_maintenance', index: 1, id: 'dbackwards', reason: 'scheduled_until: must be after scheduled_for' },
    ]);
    expect(res.body.skipped.find((x: any) => x.id === 'dimpact').reason).to.match(/^impact: /);
    expect(res.body.skipped).to.have.length(5);
  });

  it('rejects a body that is not the three arrays with 400 and changes nothing; admins only', async () => {
    for (const body of [{ components: 'x' }, { pages: [] }, [1, 2]]) {
      const r = await admin.post('/api/v1/import/statuspage', body);
      expect(r.status, JSON.stringify(body)).to.equal(400);
      expect(r.body.error.code).to.equal('validation_failed');
    }
    for (const role of ['regular', 'observer'] as const) {
      const r = await new Client(s.baseUrl, (await staff(role)).token).post('/api/v1/import/statuspage', statuspage('e'));
      expect(r.status).to.equal(403);
    }
    expect((await db().select().from(incidents).where(like(incidents.externalId, 'statuspage:e%'))).length).to.equal(0);
  });

  it('accepts bodies beyond the API-wide 100 kB limit', async () => {
    const docs = statuspage('f') as any;
    docs.incidents[0]!.incident_updates[0]!.body = 'x'.repeat(15_000);
    const many = Array.from({ length: 12 }, (_, i) => ({ ...docs.incidents[0]!, id: `finc-big-${i}`, incident_updates: docs.incidents[0]!.incident_updates.map((u: any) => ({ ...u, id: `${u.id}-${i}` })) }));
    const res = await admin.post('/api/v1/import/statuspage', { components: docs.components, incidents: many, scheduled_maintenances: [] });
    expect(res.status, res.text.slice(0, 200)).to.equal(200);
    expect(res.body.imported.incidents).to.equal(12);
  });

  it('the console takes the pasted documents and shows the report', async () => {
    const { c } = await signInAs(s.baseUrl, 'admin');
    const docs = statuspage('g');
    const page = await c.form('/console/import/statuspage', { components: JSON.stringify({ page: { id: 'p1' }, components: docs.components }), incidents: JSON.stringify({ page: { id: 'p1' }, incidents: docs.incidents }), scheduled_maintenances: '' }, '/console/data');
    expect(page.status, page.text).to.equal(200);
    expect(page.text).to.include('Imported 2 components, 2 incidents with 4 updates, and 0 maintenances.');
    expect(page.text).to.include('Nothing was skipped.');

    const bad = await c.form('/console/import/statuspage', { components: '{not json', incidents: '', scheduled_maintenances: '' }, '/console/data');
    expect(bad.status).to.equal(400);
    expect(bad.text).to.include('is not valid JSON');
    expect(bad.text).to.include('{not json'); // what was pasted stays in the box

    const { c: regular } = await signInAs(s.baseUrl, 'regular');
    expect((await regular.form('/console/import/statuspage', { components: '[]' }, '/console')).status).to.equal(403);
  });
});

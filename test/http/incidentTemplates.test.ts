import { expect } from 'chai';
import { eq } from 'drizzle-orm';
import { auditLog, incidentUpdates } from '../../server/db/schema.js';
import { Client } from '../support/client.js';
import { component } from '../support/components.js';
import { staff } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/server.js';

const NOW = '2026-11-29T12:00:00.000Z';
const NOW_TEXT = 'Nov 29, 2026, 12:00 UTC (07:00 EST)';

describe('incident templates API', () => {
  let s: TestServer;
  before(async () => (s = await startTestServer({ now: NOW })));
  after(() => s.close());
  const api = async (role: 'admin' | 'regular' | 'observer') => new Client(s.baseUrl, (await staff(role)).token);

  it('regular staff create, read, update and delete templates; audit rows are written', async () => {
    const c = await api('regular');
    const web = await component('Web app tpl');
    const created = await c.post('/api/v1/incident-templates', {
      name: 'Outage', title: '{{components}} unavailable', message: 'Since {{time}} {{components}} is down.', severity: 1,
      components: [{ id: web.id, status: 'major_outage' }], custom_tweet: '{{components}} is down', deliver_notifications: false,
    });
    expect(created.status, created.text).to.equal(201);
    expect(created.body).to.deep.include({ name: 'Outage', severity: 1, status: null, deliver_notifications: false, components: [{ id: web.id, status: 'major_outage' }], custom_tweet: '{{components}} is down' });
    expect(created.body).to.have.all.keys('id', 'name', 'title', 'message', 'severity', 'status', 'components', 'custom_tweet', 'deliver_notifications', 'created_at', 'updated_at');
    const id = created.body.id;

    const list = await (await api('observer')).get('/api/v1/incident-templates');
    expect(list.status).to.equal(200);
    expect(list.body.incident_templates.map((t: any) => t.id)).to.include(id);

    const patched = await c.patch(`/api/v1/incident-templates/${id}`, { severity: null, status: 'identified', name: 'Outage (renamed)' });
    expect(patched.status, patched.text).to.equal(200);
    expect(patched.body).to.include({ severity: null, status: 'identified', name: 'Outage (renamed)', message: 'Since {{time}} {{components}} is down.' });
    expect((await c.get(`/api/v1/incident-templates/${id}`)).body.name).to.equal('Outage (renamed)');

    expect((await c.delete(`/api/v1/incident-templates/${id}`)).status).to.equal(204);
    expect((await c.get(`/api/v1/incident-templates/${id}`)).status).to.equal(404);
    expect((await c.delete(`/api/v1/incident-templates/${id}`)).status).to.equal(404);
    const rows = await s.deps.database.db.select().from(auditLog).where(eq(auditLog.subjectId, id)).orderBy(auditLog.id);
    expect(rows.map((r) => r.action)).to.deep.equal(['incident_template.create', 'incident_template.update', 'incident_template.delete']);
  });

  it('observers read but get 403 on writes; anonymous callers 401', async () => {
    const id = (await (await api('admin')).post('/api/v1/incident-templates', { name: 'x', message: 'm' })).body.id;
    const o = await api('observer');
    expect((await o.get(`/api/v1/incident-templates/${id}`)).status).to.equal(200);
    expect((await o.post('/api/v1/incident-templates', { name: 'x', message: 'm' })).status).to.equal(403);
    expect((await o.patch(`/api/v1/incident-templates/${id}`, { name: 'y' })).status).to.equal(403);
    expect((await o.delete(`/api/v1/incident-templates/${id}`)).status).to.equal(403);
    const anon = new Client(s.baseUrl);
    expect((await anon.get('/api/v1/incident-templates')).status).to.equal(401);
    expect((await anon.post('/api/v1/incident-templates', { name: 'x', message: 'm' })).status).to.equal(401);
  });

  it('refuses bad input with the error contract and saves nothing', async () => {
    const c = await api('regular');
    const before = (await c.get('/api/v1/incident-templates')).body.incident_templates.length;
    const bad = await c.post('/api/v1/incident-templates', { name: '', message: 'm', severity: 7, extra: 1 });
    expect(bad.status).to.equal(400);
    expect(bad.body.error.code).to.equal('validation_failed');
    const unknown = await c.post('/api/v1/incident-templates', { name: 'n', message: 'm', components: [{ id: '00000000-0000-4000-8000-000000000000', status: 'major_outage' }] });
    expect(unknown.status).to.equal(404);
    expect(unknown.body.error.code).to.equal('component_not_found');
    expect((await c.patch('/api/v1/incident-templates/nope', { name: 'n' })).status).to.equal(400);
    expect((await c.get('/api/v1/incident-templates')).body.incident_templates).to.have.length(before);
  });

  it('files an incident from a template with placeholders filled; explicit fields override', async () => {
    const c = await api('regular');
    const api1 = await component('Public API');
    const db1 = await component('Database');
    const tpl = (await c.post('/api/v1/incident-templates', {
      name: 'Down', title: '{{components}} unavailable', message: 'Since {{time}} {{components}} does not answer.', severity: 2,
      components: [{ id: api1.id, status: 'major_outage' }], custom_tweet: '{{components}} is down', deliver_notifications: false,
    })).body;

    const inc = await c.post('/api/v1/incidents', { template_id: tpl.id });
    expect(inc.status, inc.text).to.equal(201);
    expect(inc.body).to.include({ title: 'Public API unavailable', severity: 2, status: 'investigating' });
    expect(inc.body.incident_updates[0].body).to.equal(`Since ${NOW_TEXT} Public API does not answer.`);
    expect(inc.body.incident_updates[0].affected_components[0]).to.include({ code: api1.id, new_status: 'major_outage' });
    const [row] = await s.deps.database.db.select().from(incidentUpdates).where(eq(incidentUpdates.incidentId, inc.body.id));
    expect(row).to.include({ customTweet: 'Public API is down', deliverNotifications: false });

    // The person's own fields win, and {{components}} names the components actually sent.
    const own = await c.post('/api/v1/incidents', { template_id: tpl.id, severity: 1, components: [{ id: db1.id, status: 'partial_outage' }], deliver_notifications: true });
    expect(own.status, own.text).to.equal(201);
    expect(own.body).to.include({ title: 'Database unavailable', severity: 1 });
    expect(own.body.incident_updates[0].body).to.equal(`Since ${NOW_TEXT} Database does not answer.`);
    const edited = await c.post('/api/v1/incidents', { template_id: tpl.id, title: 'My title', message: 'My words {{time}}' });
    expect(edited.body.title).to.equal('My title');
    expect(edited.body.incident_updates[0].body, 'explicit text is taken as written').to.equal('My words {{time}}');
  });

  it('posts an update from a template; a template without severity needs one on create', async () => {
    const c = await api('regular');
    const web = await component('Checkout');
    const tpl = (await c.post('/api/v1/incident-templates', { name: 'Fix', message: 'A fix for {{components}} is rolling out.', status: 'monitoring', components: [{ id: web.id, status: 'degraded_performance' }] })).body;
    const noSeverity = await c.post('/api/v1/incidents', { template_id: tpl.id });
    expect(noSeverity.status).to.equal(400);
    expect(noSeverity.body.error.details.fields.map((f: any) => f.field)).to.include.members(['title', 'severity']);

    const inc = (await c.post('/api/v1/incidents', { title: 'Checkout slow', severity: 3, message: 'Looking.' })).body;
    const up = await c.post(`/api/v1/incidents/${inc.id}/updates`, { template_id: tpl.id });
    expect(up.status, up.text).to.equal(201);
    expect(up.body.incident_update).to.include({ status: 'monitoring', body: 'A fix for Checkout is rolling out.' });
    expect(up.body.incident.status).to.equal('monitoring');
    const over = await c.post(`/api/v1/incidents/${inc.id}/updates`, { template_id: tpl.id, status: 'identified' });
    expect(over.body.incident_update.status).to.equal('identified');

    const missing = await c.post(`/api/v1/incidents/${inc.id}/updates`, { template_id: '00000000-0000-4000-8000-000000000000' });
    expect(missing.status).to.equal(404);
    expect(missing.body.error.code).to.equal('incident_template_not_found');
    expect((await c.post('/api/v1/incidents', { template_id: 'x' })).status).to.equal(400);
  });

  it('checks the filled tweet as Twitter counts it', async () => {
    const c = await api('regular');
    const long = await component('L'.repeat(150));
    const tpl = (await c.post('/api/v1/incident-templates', { name: 'Long', title: 't', severity: 3, message: 'm', components: [{ id: long.id, status: 'major_outage' }], custom_tweet: '{{components}} {{components}}' })).body;
    const res = await c.post('/api/v1/incidents', { template_id: tpl.id });
    expect(res.status).to.equal(400);
    expect(res.body.error.details.fields[0].field).to.equal('custom_tweet');
  });
});

import { expect } from 'chai';
import { eq } from 'drizzle-orm';
import { auditLog, components } from '../../server/db/schema.js';
import { Client } from '../support/client.js';
import { component } from '../support/components.js';
import { staff } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/server.js';

const NOW = '2026-11-29T12:00:00.000Z';

describe('incidents API', () => {
  let s: TestServer;
  let api: Client;
  before(async () => (s = await startTestServer({ now: NOW })));
  after(() => s.close());
  beforeEach(async () => {
    s.clock.set(NOW);
    api = new Client(s.baseUrl, (await staff('regular')).token);
  });

  async function file(body: Record<string, unknown> = {}) {
    const res = await api.post('/api/v1/incidents', { title: 'The site is not responding', severity: 1, message: 'We are investigating.', ...body });
    expect(res.status, res.text).to.equal(201);
    return res.body;
  }

  it('files a sev1 with its three deadlines and the public first update', async () => {
    const web = await component('Web app');
    const inc = await file({ components: [{ id: web.id, status: 'major_outage' }], note: 'pager fired for db-1' });
    expect(inc.severity).to.equal(1);
    expect(inc.impact).to.equal('critical');
    expect(inc.status).to.equal('investigating');
    expect(inc.reported_at).to.equal(NOW);
    expect(inc.sla).to.deep.equal({
      work_start: { due_at: '2026-11-29T13:00:00.000Z', met_at: null, state: 'pending' },
      temporary_fix: { due_at: '2026-11-29T16:00:00.000Z', met_at: null, state: 'pending' },
      final_fix: { due_at: '2026-11-29T19:00:00.000Z', met_at: null, state: 'pending' },
    });
    expect(inc.incident_updates).to.have.length(1);
    expect(inc.incident_updates[0].affected_components).to.deep.equal([{ code: web.id, name: 'Web app', old_status: 'operational', new_status: 'major_outage' }]);
    expect(inc.timeline.map((e: any) => e.kind)).to.include.members(['created', 'component_change', 'update', 'note']);
    const [row] = await s.deps.database.db.select().from(components).where(eq(components.id, web.id));
    expect(row!.status).to.equal('major_outage');
  });

  it('deadlines run from a past reported_at; a future one is refused', async () => {
    const inc = await file({ severity: 2, reported_at: '2026-11-29T10:30:00Z' });
    expect(inc.sla.work_start.due_at).to.equal('2026-11-29T12:30:00.000Z');
    expect(inc.sla.temporary_fix.due_at).to.equal('2026-12-01T10:30:00.000Z');
    expect(inc.sla.final_fix.due_at).to.equal('2026-12-13T10:30:00.000Z');
    const future = await api.post('/api/v1/incidents', { title: 'x', severity: 2, message: 'y', reported_at: '2026-11-29T12:00:01Z' });
    expect(future.status).to.equal(400);
    expect(future.body.error.code).to.equal('future_timestamp');
  });

  it('sev4 has no goals: every timer is none', async () => {
    const inc = await file({ severity: 4 });
    expect(inc.impact).to.equal('none');
    for (const m of ['work_start', 'temporary_fix', 'final_fix']) expect(inc.sla[m]).to.deep.equal({ due_at: null, met_at: null, state: 'none' });
  });

  it('drives a sev1 from report to final fix and the SLA report counts it as met', async () => {
    const web = await component('Web app');
    const inc = await file({ components: [{ id: web.id, status: 'major_outage' }] });
    s.clock.advance(20 * 60_000);
    let r = await api.post(`/api/v1/incidents/${inc.id}/milestones`, { milestone: 'work_start' });
    expect(r.status, r.text).to.equal(201);
    expect(r.body.sla.work_start).to.deep.equal({ due_at: '2026-11-29T13:00:00.000Z', met_at: '2026-11-29T12:20:00.000Z', state: 'met' });
    r = await api.post(`/api/v1/incidents/${inc.id}/updates`, { status: 'identified', message: 'A bad deploy.', components: [{ id: web.id, status: 'partial_outage' }] });
    expect(r.status).to.equal(201);
    s.clock.advance(60 * 60_000);
    r = await api.post(`/api/v1/incidents/${inc.id}/milestones`, { milestone: 'temporary_fix' });
    expect(r.body.sla.temporary_fix.state).to.equal('met');
    r = await api.post(`/api/v1/incidents/${inc.id}/updates`, { status: 'monitoring', message: 'Rolled back.' });
    expect(r.body.incident.monitoring_at).to.equal('2026-11-29T13:20:00.000Z');
    s.clock.advance(60 * 60_000);
    r = await api.post(`/api/v1/incidents/${inc.id}/milestones`, { milestone: 'final_fix' });
    expect(r.body.status).to.equal('resolved');
    expect(r.body.resolved_at).to.equal('2026-11-29T14:20:00.000Z');
    expect(r.body.sla.final_fix.state).to.equal('met');
    expect(r.body.incident_updates[0].status).to.equal('resolved');
    const [row] = await s.deps.database.db.select().from(components).where(eq(components.id, web.id));
    expect(row!.status).to.equal('operational');

    const report = await api.get('/api/v1/reports/sla?from=2026-11-01T00:00:00Z&to=2026-12-01T00:00:00Z');
    expect(report.status).to.equal(200);
    const sev1 = report.body.severities.find((x: any) => x.severity === 1);
    expect(sev1.count).to.equal(1);
    expect(sev1.goals.work_start.attainment_pct).to.equal(100);
    expect(sev1.goals.final_fix.met).to.equal(1);
    expect(sev1.time_to.work_start.median_ms).to.equal(20 * 60_000);
    const csv = await api.get('/api/v1/reports/sla?from=2026-11-01T00:00:00Z&to=2026-12-01T00:00:00Z&format=csv');
    expect(csv.headers.get('content-type')).to.include('text/csv');
    expect(csv.text.split('\r\n')[1]).to.match(/^1,1,1,0,0,100\.0,20\.0,20\.0/);
  });

  it('final fix can leave components in a stated status', async () => {
    const api1 = await component('API');
    const inc = await file({ components: [{ id: api1.id, status: 'major_outage' }] });
    await api.post(`/api/v1/incidents/${inc.id}/milestones`, { milestone: 'work_start' });
    const r = await api.post(`/api/v1/incidents/${inc.id}/milestones`, { milestone: 'final_fix', components: [{ id: api1.id, status: 'degraded_performance' }] });
    expect(r.status).to.equal(201);
    const [row] = await s.deps.database.db.select().from(components).where(eq(components.id, api1.id));
    expect(row!.status).to.equal('degraded_performance');
  });

  it('milestones are ordered, not in the future, not before the report, and not twice', async () => {
    const inc = await file();
    let r = await api.post(`/api/v1/incidents/${inc.id}/milestones`, { milestone: 'final_fix' });
    expect(r.status).to.equal(422);
    expect(r.body.error.code).to.equal('milestone_out_of_order');
    r = await api.post(`/api/v1/incidents/${inc.id}/milestones`, { milestone: 'work_start', at: '2026-11-29T12:00:01Z' });
    expect(r.status).to.equal(400);
    expect(r.body.error.code).to.equal('future_timestamp');
    r = await api.post(`/api/v1/incidents/${inc.id}/milestones`, { milestone: 'work_start', at: '2026-11-29T11:59:59Z' });
    expect(r.body.error.code).to.equal('milestone_before_report');
    s.clock.advance(10 * 60_000);
    expect((await api.post(`/api/v1/incidents/${inc.id}/milestones`, { milestone: 'work_start' })).status).to.equal(201);
    r = await api.post(`/api/v1/incidents/${inc.id}/milestones`, { milestone: 'work_start' });
    expect(r.status).to.equal(409);
    expect(r.body.error.code).to.equal('milestone_already_recorded');
    r = await api.post(`/api/v1/incidents/${inc.id}/milestones`, { milestone: 'temporary_fix', at: '2026-11-29T12:05:00Z' });
    expect(r.status).to.equal(422);
    expect(r.body.error.code).to.equal('milestone_out_of_order');
    r = await api.post(`/api/v1/incidents/${inc.id}/milestones`, { milestone: 'launch' });
    expect(r.status).to.equal(400);
  });

  it('a breached deadline shows as breached', async () => {
    const inc = await file();
    s.clock.advance(60 * 60_000 + 1);
    const r = await api.get(`/api/v1/incidents/${inc.id}`);
    expect(r.body.sla.work_start.state).to.equal('breached');
    s.clock.advance(10 * 60_000);
    const m = await api.post(`/api/v1/incidents/${inc.id}/milestones`, { milestone: 'work_start' });
    expect(m.body.sla.work_start.state).to.equal('breached');
  });

  it('a resolved incident cannot go back without reopening', async () => {
    const inc = await file();
    await api.post(`/api/v1/incidents/${inc.id}/updates`, { status: 'resolved', message: 'Fixed.' });
    let r = await api.post(`/api/v1/incidents/${inc.id}/updates`, { status: 'investigating', message: 'Back?' });
    expect(r.status).to.equal(409);
    expect(r.body.error.code).to.equal('incident_resolved');
    r = await api.post(`/api/v1/incidents/${inc.id}/updates`, { status: 'investigating', message: 'It is back.', reopen: true });
    expect(r.status).to.equal(201);
    expect(r.body.incident.status).to.equal('investigating');
    expect(r.body.incident.milestones.final_fix).to.equal(null);
    expect(r.body.incident.timeline.map((e: any) => e.kind)).to.include('reopen');
  });

  it('severity change recomputes deadlines from reported_at and lands in timeline and audit', async () => {
    const inc = await file({ severity: 3 });
    expect(inc.sla.work_start.due_at).to.equal('2026-12-02T12:00:00.000Z');
    s.clock.advance(30 * 60_000);
    const r = await api.patch(`/api/v1/incidents/${inc.id}`, { severity: 1 });
    expect(r.status).to.equal(200);
    expect(r.body.sla.work_start.due_at).to.equal('2026-11-29T13:00:00.000Z');
    expect(r.body.impact).to.equal('critical');
    expect(r.body.timeline.find((e: any) => e.kind === 'severity_change').data).to.deep.equal({ from: 3, to: 1 });
    const audit = await s.deps.database.db.select().from(auditLog).where(eq(auditLog.action, 'incident.change'));
    expect(audit[0]!.before).to.deep.equal({ title: inc.title, severity: 3 });
    expect(audit[0]!.after).to.deep.equal({ title: inc.title, severity: 1 });
  });

  it('a policy change applies to open incidents; closed ones keep the goals they were judged by', async () => {
    const admin = new Client(s.baseUrl, (await staff('admin')).token);
    const open = await file();
    const closed = await file();
    await api.post(`/api/v1/incidents/${closed.id}/updates`, { status: 'resolved', message: 'done' });
    const policy = (await admin.get('/api/v1/sla-policy')).body.policy;
    expect(policy['1']).to.deep.equal({ work_start: 60, temporary_fix: 240, final_fix: 420 });
    policy['1'].work_start = 30;
    const put = await admin.put('/api/v1/sla-policy', policy);
    expect(put.status, put.text).to.equal(200);
    expect((await api.get(`/api/v1/incidents/${open.id}`)).body.sla.work_start.due_at).to.equal('2026-11-29T12:30:00.000Z');
    expect((await api.get(`/api/v1/incidents/${closed.id}`)).body.sla.work_start.due_at).to.equal('2026-11-29T13:00:00.000Z');
    expect((await api.put('/api/v1/sla-policy', policy)).status).to.equal(403);
    const audit = await s.deps.database.db.select().from(auditLog).where(eq(auditLog.action, 'sla_policy.update'));
    expect(audit).to.have.length(1);
    policy['2'].work_start = 10_000;
    const bad = await admin.put('/api/v1/sla-policy', policy);
    expect(bad.status).to.equal(422);
    expect(bad.body.error.code).to.equal('invalid_sla_policy');
  });

  it('bad input: severity, unknown component, missing incident — nothing half-written', async () => {
    for (const severity of [0, 5, 1.5, '1']) {
      const r = await api.post('/api/v1/incidents', { title: 'x', severity, message: 'y' });
      expect(r.status, String(severity)).to.equal(400);
      expect(r.body.error.details.fields[0].field).to.equal('severity');
    }
    const ghost = await api.post('/api/v1/incidents', { title: 'x', severity: 2, message: 'y', components: [{ id: '00000000-0000-4000-8000-000000000000', status: 'major_outage' }] });
    expect(ghost.status).to.equal(404);
    expect(ghost.body.error.code).to.equal('component_not_found');
    expect((await api.get('/api/v1/incidents')).body.incidents).to.have.length(0);
    const missing = await api.post('/api/v1/incidents/00000000-0000-4000-8000-000000000000/updates', { status: 'identified', message: 'x' });
    expect(missing.status).to.equal(404);
    expect(missing.body.error.code).to.equal('incident_not_found');
  });

  it('lists with filters and a cursor', async () => {
    const web = await component('Web app');
    const made: string[] = [];
    for (let i = 0; i < 5; i++) {
      s.clock.advance(60_000);
      const inc = await file({ severity: (i % 2) + 1, title: `inc ${i}`, ...(i === 4 ? { components: [{ id: web.id, status: 'degraded_performance' }] } : {}) });
      made.push(inc.id);
    }
    const p1 = await api.get('/api/v1/incidents?limit=2');
    expect(p1.body.incidents.map((i: any) => i.title)).to.deep.equal(['inc 4', 'inc 3']);
    const p2 = await api.get(`/api/v1/incidents?limit=2&cursor=${p1.body.next_cursor}`);
    expect(p2.body.incidents.map((i: any) => i.title)).to.deep.equal(['inc 2', 'inc 1']);
    const p3 = await api.get(`/api/v1/incidents?limit=2&cursor=${p2.body.next_cursor}`);
    expect(p3.body.incidents.map((i: any) => i.title)).to.deep.equal(['inc 0']);
    expect(p3.body.next_cursor).to.equal(null);
    expect((await api.get('/api/v1/incidents?severity=2')).body.incidents).to.have.length(2);
    expect((await api.get(`/api/v1/incidents?component=${web.id}`)).body.incidents.map((i: any) => i.title)).to.deep.equal(['inc 4']);
    expect((await api.get('/api/v1/incidents?from=2026-11-29T12:03:00Z')).body.incidents).to.have.length(3);
    await api.post(`/api/v1/incidents/${made[0]}/updates`, { status: 'resolved', message: 'x' });
    expect((await api.get('/api/v1/incidents?status=investigating,identified')).body.incidents).to.have.length(4);
    s.clock.set('2026-11-29T13:01:30Z');
    // sev1 work start due at reported+1h: incidents 0, 2, 4 reported 12:01, 12:03, 12:05; #0 is resolved (met).
    const breached = await api.get('/api/v1/incidents?sla_state=breached');
    expect(breached.body.incidents.map((i: any) => i.title)).to.deep.equal([]);
    s.clock.set('2026-11-29T13:04:00Z');
    expect((await api.get('/api/v1/incidents?sla_state=breached')).body.incidents.map((i: any) => i.title)).to.deep.equal(['inc 2']);
    expect((await api.get('/api/v1/incidents?sla_state=bogus')).status).to.equal(400);
    expect((await api.get('/api/v1/incidents?cursor=garbage')).status).to.equal(400);
  });
});

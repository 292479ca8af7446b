import { expect } from 'chai';
import { eq } from 'drizzle-orm';
import { auditLog, incidentEvents } from '../../server/db/schema.js';
import { Client, signInAs } from '../support/client.js';
import { startTestServer, type TestServer } from '../support/server.js';

const NOW = '2026-11-29T12:00:00.000Z';
const REPORT = '/api/v1/reports/sla?from=2026-11-01T00:00:00Z&to=2026-12-01T00:00:00Z';

// A sev1 reported at 12:00 must have work started by 13:00.
describe('backdated milestones need a reason and stay marked', () => {
  let s: TestServer;
  let api: Client;
  let who: Awaited<ReturnType<typeof signInAs>>['who'];
  before(async () => (s = await startTestServer({ now: NOW })));
  after(() => s.close());
  beforeEach(async () => {
    s.clock.set(NOW);
    ({ api, who } = await signInAs(s.baseUrl, 'regular'));
  });

  async function sev1() {
    const res = await api.post('/api/v1/incidents', { title: 'Login broken', severity: 1, message: 'Investigating' });
    expect(res.status, res.text).to.equal(201);
    return res.body.id as string;
  }
  const milestoneEvents = (id: string) => s.deps.database.db.select().from(incidentEvents).where(eq(incidentEvents.incidentId, id)).then((rows) => rows.filter((r) => r.kind === 'milestone'));

  it('an earlier work start after the deadline passed is refused without a reason, and changes nothing', async () => {
    const id = await sev1();
    s.clock.set('2026-11-29T13:30:00Z');
    const res = await api.post(`/api/v1/incidents/${id}/milestones`, { milestone: 'work_start', at: '2026-11-29T12:50:00Z' });
    expect(res.status).to.equal(422);
    expect(res.body.error.code).to.equal('reason_required');
    expect(res.body.error.details.fields[0].field).to.equal('reason');
    const after = await api.get(`/api/v1/incidents/${id}`);
    expect(after.body.milestones.work_start).to.equal(null);
    expect(after.body.sla.work_start.state).to.equal('breached');
    expect(await milestoneEvents(id)).to.have.length(0);
    const empty = await api.post(`/api/v1/incidents/${id}/milestones`, { milestone: 'work_start', at: '2026-11-29T12:50:00Z', reason: '  ' });
    expect(empty.status).to.equal(400);
  });

  it('with a reason it is recorded, marked backdated on the timeline, in the API and the SLA report, and audited with who did it', async () => {
    const id = await sev1();
    s.clock.set('2026-11-29T13:30:00Z');
    const reason = 'Engineer started at 12:50 but the desk was offline';
    const res = await api.post(`/api/v1/incidents/${id}/milestones`, { milestone: 'work_start', at: '2026-11-29T12:50:00Z', reason });
    expect(res.status, res.text).to.equal(201);
    expect(res.body.sla.work_start.state).to.equal('met');
    expect(res.body.backdated_milestones).to.deep.equal({
      work_start: { at: '2026-11-29T12:50:00.000Z', recorded_at: '2026-11-29T13:30:00.000Z', reason, by: { id: who.actor.id, name: who.actor.name } },
    });
    const event = res.body.timeline.find((e: any) => e.kind === 'milestone');
    expect(event.data).to.deep.equal({ milestone: 'work_start', at: '2026-11-29T12:50:00.000Z', backdated: true, reason });
    expect(event.actor).to.equal(who.actor.name);

    const [audit] = await s.deps.database.db.select().from(auditLog).where(eq(auditLog.action, 'incident.milestone'));
    expect(audit).to.include({ actorEmail: who.email, subjectId: id });
    expect(audit!.after).to.deep.include({ milestone: 'work_start', backdated: true, reason });

    const report = await api.get(REPORT);
    const sev1Row = report.body.severities.find((r: any) => r.severity === 1);
    expect(sev1Row.goals.work_start.met).to.equal(1);
    expect(sev1Row.backdated).to.deep.equal({ work_start: 1, temporary_fix: 0, final_fix: 0 });
    expect(report.body.backdated).to.deep.equal([
      { incident_id: id, title: 'Login broken', severity: 1, milestone: 'work_start', at: '2026-11-29T12:50:00.000Z', recorded_at: '2026-11-29T13:30:00.000Z', reason, by: { id: who.actor.id, name: who.actor.name } },
    ]);
    const csv = (await api.get(`${REPORT}&format=csv`)).text.split('\r\n');
    const header = csv[0]!.split(',');
    expect(csv[1]!.split(',')[header.indexOf('work_start_backdated')]).to.equal('1');
  });

  it('a time just before a passed deadline needs a reason even within the 2-minute tolerance', async () => {
    const id = await sev1();
    s.clock.set('2026-11-29T13:01:00Z');
    const res = await api.post(`/api/v1/incidents/${id}/milestones`, { milestone: 'work_start', at: '2026-11-29T12:59:30Z' });
    expect(res.status).to.equal(422);
    expect(res.body.error.code).to.equal('reason_required');
  });

  it('recording now, or a minute ago with the deadline still ahead, is not backdated', async () => {
    const id = await sev1();
    s.clock.set('2026-11-29T12:20:00Z');
    const res = await api.post(`/api/v1/incidents/${id}/milestones`, { milestone: 'work_start', at: '2026-11-29T12:19:00Z' });
    expect(res.status, res.text).to.equal(201);
    expect(res.body.backdated_milestones).to.deep.equal({});
    s.clock.set('2026-11-29T12:40:00Z');
    const fix = await api.post(`/api/v1/incidents/${id}/milestones`, { milestone: 'final_fix' });
    expect(fix.status).to.equal(201);
    expect(fix.body.backdated_milestones).to.deep.equal({});
  });

  it('a backdated final fix also marks the work start it implies', async () => {
    const id = await sev1();
    s.clock.set('2026-11-29T20:00:00Z');
    const bad = await api.post(`/api/v1/incidents/${id}/milestones`, { milestone: 'final_fix', at: '2026-11-29T12:30:00Z' });
    expect(bad.status).to.equal(422);
    // Work start must come first through the API; give it, backdated, then the final fix.
    await api.post(`/api/v1/incidents/${id}/milestones`, { milestone: 'work_start', at: '2026-11-29T12:10:00Z', reason: 'paged at 12:10' });
    const res = await api.post(`/api/v1/incidents/${id}/milestones`, { milestone: 'final_fix', at: '2026-11-29T12:30:00Z', reason: 'fixed during the call' });
    expect(res.status, res.text).to.equal(201);
    expect(Object.keys(res.body.backdated_milestones).sort()).to.deep.equal(['final_fix', 'work_start']);
    expect(res.body.backdated_milestones.final_fix.reason).to.equal('fixed during the call');
  });

  it('the console work-start form asks for the reason and shows the mark on the timeline', async () => {
    const id = await sev1();
    const { c } = await signInAs(s.baseUrl, 'regular');
    const path = `/console/incidents/${id}`;
    s.clock.set('2026-11-29T13:30:00Z');
    const page = await c.get(path, { accept: 'text/html' });
    expect(page.text).to.include('name="reason"');
    const missing = await c.form(`${path}/milestones`, { milestone: 'work_start', at: '2026-11-29T12:50' }, path);
    expect(missing.status).to.equal(422);
    expect(missing.text).to.include('backdated');
    const ok = await c.form(`${path}/milestones`, { milestone: 'work_start', at: '2026-11-29T12:50', reason: 'desk offline' }, path);
    expect(ok.status).to.equal(303);
    const after = await c.get(path, { accept: 'text/html' });
    expect(after.text).to.match(/milestone<\/strong> work_start at <time[^>]*>[^<]*<\/time> <span class="badge">backdated<\/span> — reason: desk offline/);
  });
});

import { expect } from 'chai';
import { eq } from 'drizzle-orm';
import { outboxEvents } from '../../server/db/schema.js';
import { signInAs } from '../support/client.js';
import { component } from '../support/components.js';
import { startTestServer, type TestServer } from '../support/server.js';

const html = { accept: 'text/html' };
const decode = (s: string) => s.replace(/&#x27;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, '&');

describe('console: recording a fix goes through a confirm step', () => {
  let s: TestServer;
  before(async () => (s = await startTestServer({ now: '2026-11-29T12:00:00Z' })));
  after(() => s.close());
  beforeEach(() => s.clock.set('2026-11-29T12:00:00Z'));

  async function openIncident() {
    const web = await component('Web app');
    const who = await signInAs(s.baseUrl, 'regular');
    const res = await who.api.post('/api/v1/incidents', { title: 'Checkout down', severity: 1, message: 'Looking', components: [{ id: web.id, status: 'major_outage' }] });
    s.clock.advance(5 * 60_000);
    await who.api.post(`/api/v1/incidents/${res.body.id}/milestones`, { milestone: 'work_start' });
    return { ...who, id: res.body.id as string, path: `/console/incidents/${res.body.id}` };
  }

  it('the final-fix button opens a confirm form with an editable message and "post quietly"; only its submit resolves', async () => {
    const { c, api, id, path } = await openIncident();
    const page = await c.get(path, html);
    // The button is a GET to the confirm step, not a state-changing POST.
    expect(page.text).to.match(new RegExp(`<form method="get" action="${path}/milestones/confirm"[^>]*>\\s*<input type="hidden" name="milestone" value="final_fix">`));

    const confirm = await c.get(`${path}/milestones/confirm?milestone=final_fix&at=`, html);
    expect(confirm.status).to.equal(200);
    expect(confirm.text).to.include('resolves the incident');
    expect(confirm.text).to.include('Web app'); // returns to operational
    expect(confirm.text).to.match(/<textarea id="ms-message" name="message"[^>]*>This incident has been resolved\.<\/textarea>/);
    expect(confirm.text).to.include('name="quiet"');
    expect(confirm.text).to.include('name="_csrf"');

    // A bare POST (no message box: the person never saw the confirm step) only leads there.
    const bare = await c.form(`${path}/milestones`, { milestone: 'final_fix', at: '' }, path);
    expect(bare.status).to.equal(303);
    expect(bare.headers.get('location')).to.equal(`${path}/milestones/confirm?milestone=final_fix`);
    expect((await api.get(`/api/v1/incidents/${id}`)).body.status).to.equal('investigating');

    const empty = await c.form(`${path}/milestones`, { milestone: 'final_fix', message: '   ' }, `${path}/milestones/confirm?milestone=final_fix`);
    expect(empty.status).to.equal(400);
    expect(empty.text).to.include('Message is required'); // back on the confirm step, next to the field
    expect(empty.text).to.include('name="quiet"');

    const done = await c.form(`${path}/milestones`, { milestone: 'final_fix', message: 'Payments flow again after the rollback.' }, `${path}/milestones/confirm?milestone=final_fix`);
    expect(done.status).to.equal(303);
    expect(done.headers.get('location')).to.equal(`${path}?done=milestone_recorded`);
    const after = await api.get(`/api/v1/incidents/${id}`);
    expect(after.body.status).to.equal('resolved');
    expect(after.body.incident_updates[0]).to.include({ status: 'resolved', body: 'Payments flow again after the rollback.', deliver_notifications: true });
    const events = await s.deps.database.db.select().from(outboxEvents).where(eq(outboxEvents.type, 'incident.resolved'));
    expect(events.map((e) => e.payload)).to.deep.equal([{ incident_id: id, update_id: after.body.incident_updates[0].id, deliver_notifications: true, milestone: 'final_fix' }]);
  });

  it('"post quietly" on the temporary fix publishes a quiet monitoring update', async () => {
    const { c, api, id, path } = await openIncident();
    const confirm = await c.get(`${path}/milestones/confirm?milestone=temporary_fix`, html);
    expect(decode(confirm.text)).to.include('A fix has been implemented and we are monitoring the results.');
    const res = await c.form(`${path}/milestones`, { milestone: 'temporary_fix', message: 'Failover in place.', quiet: 'on' }, `${path}/milestones/confirm?milestone=temporary_fix`);
    expect(res.status).to.equal(303);
    const after = await api.get(`/api/v1/incidents/${id}`);
    expect(after.body.status).to.equal('monitoring');
    expect(after.body.incident_updates[0]).to.include({ status: 'monitoring', body: 'Failover in place.', deliver_notifications: false });
    expect(after.body.milestones.temporary_fix).to.equal('2026-11-29T12:05:00.000Z');
  });

  it('a backdated fix asks for the reason on the confirm step and keeps what was typed when it is missing', async () => {
    const { c, api, id, path } = await openIncident();
    s.clock.set('2026-11-29T14:00:00Z'); // temporary fix due 16:00, so only "earlier than now" applies
    const at = '2026-11-29T12:30:00.000Z';
    const confirm = await c.get(`${path}/milestones/confirm?milestone=temporary_fix&at=${encodeURIComponent(at)}`, html);
    expect(confirm.text).to.include('name="reason" required');
    expect(confirm.text).to.include(`<input type="hidden" name="at" value="${at}">`);
    const missing = await c.form(`${path}/milestones`, { milestone: 'temporary_fix', at, message: 'Failover since 12:30.' }, `${path}/milestones/confirm?milestone=temporary_fix&at=${encodeURIComponent(at)}`);
    expect(missing.status).to.equal(422);
    expect(missing.text).to.include('Reason is required for a backdated milestone');
    expect(missing.text).to.include('Failover since 12:30.');
    const ok = await c.form(`${path}/milestones`, { milestone: 'temporary_fix', at, message: 'Failover since 12:30.', reason: 'Forgot to record it during the call' }, path);
    expect(ok.status).to.equal(303);
    const page = await c.get(path, html);
    expect(page.text).to.include('backdated');
    expect(decode(page.text)).to.include('Forgot to record it during the call');
    expect((await api.get(`/api/v1/incidents/${id}`)).body.backdated_milestones.temporary_fix.reason).to.equal('Forgot to record it during the call');
  });

  it('observers get no confirm step', async () => {
    const { path } = await openIncident();
    const obs = await signInAs(s.baseUrl, 'observer');
    expect((await obs.c.get(`${path}/milestones/confirm?milestone=final_fix`, html)).status).to.equal(403);
  });
});

import { expect } from 'chai';
import { Client, signInAs } from '../support/client.js';
import { staff } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/server.js';

const T0 = '2026-11-29T12:00:00.000Z';
const at = (min: number) => new Date(Date.parse(T0) + min * 60_000).toISOString();
const html = { accept: 'text/html' };

describe('"next update by" commitments: API and policy', () => {
  let s: TestServer;
  let api: Client;
  before(async () => (s = await startTestServer({ now: T0 })));
  after(() => s.close());
  beforeEach(async () => {
    s.clock.set(T0);
    api = new Client(s.baseUrl, (await staff('regular')).token);
  });

  const file = (extra: Record<string, unknown> = {}) => api.post('/api/v1/incidents', { title: 'Checkout failing', severity: 2, message: 'Looking into it.', ...extra });

  it('defaults per severity: sev1 30 min, sev2 60 min, sev3 4 h, sev4 none', async () => {
    const got: (string | null)[] = [];
    for (const severity of [1, 2, 3, 4]) got.push((await file({ severity })).body.next_update_at);
    expect(got).to.deep.equal([at(30), at(60), at(240), null]);
    const inc = (await file()).body;
    expect(inc.incident_updates[0].next_update_at).to.equal(at(60));
  });

  it('takes an explicit instant, minutes, or null for no promise; the latest update wins', async () => {
    const a = (await file({ next_update_at: at(45) })).body;
    expect(a.next_update_at).to.equal(at(45));
    expect((await file({ next_update_in: 15 })).body.next_update_at).to.equal(at(15));
    expect((await file({ next_update_at: null })).body.next_update_at).to.equal(null);
    s.clock.set(at(10));
    const up = await api.post(`/api/v1/incidents/${a.id}/updates`, { status: 'identified', message: 'Found it.', next_update_in: 120 });
    expect(up.status, up.text).to.equal(201);
    expect(up.body.incident_update.next_update_at).to.equal(at(130));
    expect(up.body.incident.next_update_at).to.equal(at(130));
    expect(up.body.incident.incident_updates.map((u: any) => u.next_update_at)).to.deep.equal([at(130), at(45)]);
    const listed = (await api.get('/api/v1/incidents')).body.incidents.find((i: any) => i.id === a.id);
    expect(listed.next_update_at).to.equal(at(130));
    // The public Statuspage shape carries it too.
    const pub = await new Client(s.baseUrl).get('/api/v2/incidents/unresolved.json');
    expect(pub.body.incidents.find((i: any) => i.id === a.id).next_update_at).to.equal(at(130));
  });

  it('refuses a past, too distant, doubled or resolving promise with a clear error and changes nothing', async () => {
    const inc = (await file()).body;
    const cases: [Record<string, unknown>, number, string][] = [
      [{ next_update_at: at(-1) }, 400, 'next_update_in_past'],
      [{ next_update_at: at(8 * 24 * 60) }, 400, 'next_update_too_far'],
      [{ next_update_in: 0 }, 400, 'validation_failed'],
      [{ next_update_in: 1.5 }, 400, 'validation_failed'],
      [{ next_update_in: 10, next_update_at: at(10) }, 400, 'validation_failed'],
      [{ next_update_at: 'tomorrow' }, 400, 'validation_failed'],
    ];
    for (const [extra, status, code] of cases) {
      const res = await api.post(`/api/v1/incidents/${inc.id}/updates`, { status: 'identified', message: 'x', ...extra });
      expect(res.status, JSON.stringify(extra) + res.text).to.equal(status);
      expect(res.body.error.code).to.equal(code);
    }
    const resolving = await api.post(`/api/v1/incidents/${inc.id}/updates`, { status: 'resolved', message: 'x', next_update_in: 30 });
    expect(resolving.status).to.equal(400);
    expect(resolving.body.error.code).to.equal('no_next_update_when_resolved');
    const after = (await api.get(`/api/v1/incidents/${inc.id}`)).body;
    expect(after.incident_updates).to.have.length(1);
    expect(after.status).to.equal('investigating');
    expect(after.next_update_at).to.equal(at(60));
  });

  it('admins edit the default intervals in the API; others may only read them', async () => {
    const admin = new Client(s.baseUrl, (await staff('admin')).token);
    expect((await api.get('/api/v1/update-cadence')).body).to.deep.equal({ unit: 'minutes', policy: { '1': 30, '2': 60, '3': 240, '4': null } });
    expect((await api.put('/api/v1/update-cadence', { '1': 15, '2': 60, '3': 240, '4': null })).status).to.equal(403);
    expect((await admin.put('/api/v1/update-cadence', { '1': 15, '2': 60 })).status).to.equal(400);
    expect((await admin.put('/api/v1/update-cadence', { '1': 0, '2': 60, '3': 240, '4': null })).status).to.equal(400);
    const ok = await admin.put('/api/v1/update-cadence', { '1': 15, '2': 60, '3': 240, '4': 1440 });
    expect(ok.status, ok.text).to.equal(200);
    expect((await file({ severity: 1 })).body.next_update_at).to.equal(at(15));
    expect((await file({ severity: 4 })).body.next_update_at).to.equal(at(1440));
    await admin.put('/api/v1/update-cadence', { '1': 30, '2': 60, '3': 240, '4': null });
  });

  it('the console SLA policy page shows the intervals; admins save them as durations', async () => {
    const { c: observer } = await signInAs(s.baseUrl, 'observer');
    const page = await observer.get('/console/sla-policy', html);
    expect(page.text).to.include('Next update by').and.include('No commitment').and.not.include('action="/console/sla-policy/next-update"');
    const { c, api: adminApi } = await signInAs(s.baseUrl, 'admin');
    const form = await c.get('/console/sla-policy', html);
    expect(form.text).to.include('name="next_update_sev1" value="30m"').and.include('name="next_update_sev3" value="4h"').and.include('name="next_update_sev4" value=""');
    const bad = await c.form('/console/sla-policy/next-update', { next_update_sev1: 'soon', next_update_sev2: '1h', next_update_sev3: '8d', next_update_sev4: '' });
    expect(bad.status).to.equal(400);
    expect(bad.text).to.include('aria-invalid="true"').and.include('Severity 3 next update must be whole minutes');
    expect((await adminApi.get('/api/v1/update-cadence')).body.policy['1']).to.equal(30);
    const good = await c.form('/console/sla-policy/next-update', { next_update_sev1: '20m', next_update_sev2: '1h', next_update_sev3: '4h', next_update_sev4: '' });
    expect(good.status, good.text).to.equal(303);
    expect(good.headers.get('location')).to.include('done=update_cadence_saved');
    expect((await adminApi.get('/api/v1/update-cadence')).body.policy).to.deep.equal({ '1': 20, '2': 60, '3': 240, '4': null });
    await adminApi.put('/api/v1/update-cadence', { '1': 30, '2': 60, '3': 240, '4': null });
  });

  it('the status page, the incident page and the announcements API show the promise; resolution removes it', async () => {
    const inc = (await file({ title: 'Login slow', severity: 1, next_update_in: 150 })).body; // 14:30 UTC
    await s.runtime.dispatcher.drain();
    await s.runtime.snapshot.rebuild();
    const anon = new Client(s.baseUrl);
    const front = await anon.get('/', html);
    expect(front.text).to.include(`<time datetime="${at(150)}">Next update by 14:30 UTC</time>`);
    const page = await anon.get(`/incidents/${inc.id}`, html);
    expect(page.text).to.include('Next update by 14:30 UTC');
    const ann = (await anon.get('/api/v1/announcements')).body.announcements.find((a: any) => a.id === `incident:${inc.id}`);
    expect(ann).to.not.have.property('next_update_at'); // the plain answer keeps its shape
    const promised = (await anon.get('/api/v1/announcements?include=next_update')).body.announcements.find((a: any) => a.id === `incident:${inc.id}`);
    expect(promised.next_update_at).to.equal(at(150));
    // Past midnight UTC the date is named.
    s.clock.set(at(60));
    await api.post(`/api/v1/incidents/${inc.id}/updates`, { status: 'identified', message: 'Found it.', next_update_at: '2026-11-30T09:00:00.000Z' });
    await s.runtime.dispatcher.drain();
    await s.runtime.snapshot.rebuild();
    expect((await anon.get(`/incidents/${inc.id}`, html)).text).to.include('Next update by Nov 30, 09:00 UTC');
    await api.post(`/api/v1/incidents/${inc.id}/updates`, { status: 'resolved', message: 'Fixed.' });
    await s.runtime.dispatcher.drain();
    await s.runtime.snapshot.rebuild();
    expect((await anon.get(`/incidents/${inc.id}`, html)).text).not.to.include('Next update by');
    expect((await anon.get('/api/v1/announcements')).body.announcements.find((a: any) => a.id === `incident:${inc.id}`)).to.equal(undefined);
  });

  it('the SLA report shows per severity how often the next update came on time (API, CSV and console)', async () => {
    const a = (await file({ severity: 3, title: 'Report A', next_update_in: 30 })).body;
    s.clock.set(at(20));
    await api.post(`/api/v1/incidents/${a.id}/updates`, { status: 'identified', message: 'on time', next_update_in: 30 }); // kept; promises 50
    s.clock.set(at(70));
    await api.post(`/api/v1/incidents/${a.id}/updates`, { status: 'resolved', message: 'late' }); // missed
    const q = `from=${encodeURIComponent(at(-1))}&to=${encodeURIComponent(at(1))}`;
    const report = (await api.get(`/api/v1/reports/sla?${q}`)).body;
    expect(report.severities.find((r: any) => r.severity === 3).next_update).to.deep.equal({ kept: 1, missed: 1, on_time_pct: 50 });
    const csv = (await api.get(`/api/v1/reports/sla?${q}&format=csv`)).text.split('\r\n');
    const header = csv[0]!.split(',');
    expect(csv[3]!.split(',')[header.indexOf('next_update_on_time_pct')]).to.equal('50.0');
    const { c } = await signInAs(s.baseUrl, 'observer');
    const page = await c.get(`/console/reports/sla?from=2026-11-29&to=2026-11-29`, html);
    expect(page.text).to.include('1 of 2 “next update by” promises kept (50.0 % on time)');
  });

  it('the console update form takes "next update within" as a duration and shows the pending promise', async () => {
    const inc = (await file()).body; // sev2: by 13:00
    const { c } = await signInAs(s.baseUrl, 'regular');
    const page = await c.get(`/console/incidents/${inc.id}`, html);
    expect(page.text).to.include('name="next_update"').and.include(`Customers were promised the next update by <time datetime="${at(60)}"`);
    const bad = await c.form(`/console/incidents/${inc.id}/updates`, { status: 'identified', message: 'x', next_update: 'soon' });
    expect(bad.status).to.equal(400);
    expect(bad.text).to.include('Next update within');
    const ok = await c.form(`/console/incidents/${inc.id}/updates`, { status: 'identified', message: 'Found it.', next_update: '2h' });
    expect(ok.status, ok.text).to.equal(303);
    expect((await api.get(`/api/v1/incidents/${inc.id}`)).body.next_update_at).to.equal(at(120));
    const dflt = await c.form(`/console/incidents/${inc.id}/updates`, { status: 'monitoring', message: 'Watching.', next_update: '' });
    expect(dflt.status).to.equal(303);
    expect((await api.get(`/api/v1/incidents/${inc.id}`)).body.next_update_at).to.equal(at(60));
  });

  it('the console new-incident form takes "next update within" too, with the severity defaults as hint', async () => {
    const { c } = await signInAs(s.baseUrl, 'regular');
    const form = await c.get('/console/incidents/new', html);
    expect(form.text).to.include('name="next_update"').and.include('severity 1: 30m · severity 2: 1h · severity 3: 4h · severity 4: no promise');
    const filed = async (fields: Record<string, string>) => c.form('/console/incidents', { title: 'Checkout failing', severity: '2', message: 'Looking into it.', ...fields }, '/console/incidents/new');
    const bad = await filed({ next_update: 'soon' });
    expect(bad.status).to.equal(400);
    expect(bad.text).to.include('Next update within').and.include('aria-invalid="true"').and.include('value="soon"');
    expect((await filed({ next_update: '8d' })).text).to.include('must be whole minutes from 1m to 7d, or blank for the default');
    const latest = async () => (await api.get('/api/v1/incidents?limit=1')).body.incidents[0];
    const explicit = await filed({ next_update: '1h 30m' });
    expect(explicit.status, explicit.text).to.equal(303);
    expect((await latest()).next_update_at).to.equal(at(90));
    s.clock.set(at(1));
    expect((await filed({ next_update: '' })).status).to.equal(303);
    expect((await latest()).next_update_at, 'blank = the severity 2 default, 60 minutes').to.equal(at(61));
  });
});

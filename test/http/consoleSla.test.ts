import { expect } from 'chai';
import { formatDuration } from '../../server/presenters/durations.js';
import { Client, signInAs } from '../support/client.js';
import { startTestServer, type TestServer } from '../support/server.js';

const html = { accept: 'text/html' };
const MILESTONES = ['work_start', 'temporary_fix', 'final_fix'] as const;

describe('console: SLA policy and report', () => {
  let s: TestServer;
  before(async () => (s = await startTestServer()));
  after(() => s.close());

  const signIn = (role: 'admin' | 'regular' | 'observer') => signInAs(s.baseUrl, role);

  /** Every field of the policy form, prefilled from the current policy (as "<minutes>m"; '' = no goal). */
  async function policyFields(api: Client, overrides: Record<string, string> = {}) {
    const { policy } = (await api.get('/api/v1/sla-policy')).body;
    const fields: Record<string, string> = {};
    for (const sev of ['1', '2', '3', '4']) for (const m of MILESTONES) fields[`sev${sev}_${m}`] = policy[sev][m] === null ? '' : `${policy[sev][m]}m`;
    return { ...fields, ...overrides };
  }

  it('formats durations readably', () => {
    expect(formatDuration(80 * 60_000)).to.equal('1 h 20 min');
    expect(formatDuration(14 * 86_400_000)).to.equal('14 d');
    expect(formatDuration(45_000)).to.equal('45 s');
    expect(formatDuration(null)).to.equal('—');
  });

  it('shows the policy readably to all staff; only admins get the form', async () => {
    const { c } = await signIn('observer');
    const page = await c.get('/console/sla-policy', html);
    expect(page.status).to.equal(200);
    expect(page.text).to.include('<title>SLA policy').and.include('<td>1 h</td>').and.include('<td>14 d</td>').and.include('No goal');
    expect(page.text).not.to.include('action="/console/sla-policy"');
    const { c: admin } = await signIn('admin');
    const adminPage = await admin.get('/console/sla-policy', html);
    expect(adminPage.text).to.include('action="/console/sla-policy"').and.include('name="sev1_work_start" value="1h"');
    expect(adminPage.text).to.include('name="sev2_temporary_fix" value="48h"').and.include('name="sev2_final_fix" value="14d"').and.include('name="sev4_work_start" value=""');
  });

  it('admin edits the policy as durations and the API shows the new goal', async () => {
    const { c, api } = await signIn('admin');
    const res = await c.form('/console/sla-policy', await policyFields(api, { sev1_work_start: '30m', sev2_temporary_fix: '1d 12h', sev4_final_fix: '' }));
    expect(res.status, res.text).to.equal(303);
    const { body } = await api.get('/api/v1/sla-policy');
    expect(body.policy['1'].work_start).to.equal(30);
    expect(body.policy['1'].temporary_fix).to.equal(240);
    expect(body.policy['2'].temporary_fix).to.equal(36 * 60);
    expect(body.policy['4'].final_fix).to.equal(null);
    expect(res.headers.get('location')).to.equal('/console/sla-policy?done=sla_policy_saved');
    const page = await c.get(res.headers.get('location')!, html);
    expect(page.text).to.include('<td>30 min</td>').and.include('The SLA policy was saved.');
    expect(page.text).to.include('name="sev1_work_start" value="30m"').and.include('name="sev2_temporary_fix" value="36h"');
  });

  it('a policy with decreasing goals re-renders 422 with the message and keeps the input', async () => {
    const { c, api } = await signIn('admin');
    const res = await c.form('/console/sla-policy', await policyFields(api, { sev1_work_start: '10h' }));
    expect(res.status).to.equal(422);
    expect(res.text).to.include('severity 1: goals must not decrease from work start to final fix');
    expect(res.text).to.include('name="sev1_work_start" value="10h"');
    expect((await api.get('/api/v1/sla-policy')).body.policy['1'].work_start).to.equal(60);

    // Every bad field is listed with its human name, and each stays next to its own input.
    const bad = await c.form('/console/sla-policy', await policyFields(api, { sev2_final_fix: '1.5', sev3_work_start: '90', sev1_final_fix: '2 fortnights' }));
    expect(bad.status).to.equal(400);
    expect(bad.text).to.include('Please correct these 3 fields');
    expect(bad.text).to.include('<li data-field="sev2_final_fix">Severity 2 final fix is not a duration');
    expect(bad.text).to.include('<li data-field="sev3_work_start">Severity 3 work start needs a unit: write 90m for minutes');
    expect(bad.text).to.include('<li data-field="sev1_final_fix">Severity 1 final fix is not a duration');
    expect(bad.text).to.include('name="sev3_work_start" value="90"');
    expect((await api.get('/api/v1/sla-policy')).body.policy['2'].final_fix).to.equal(14 * 1440);
  });

  it('regular staff get 403 when posting the policy, and a missing CSRF token is refused', async () => {
    const { c, api } = await signIn('regular');
    expect((await c.form('/console/sla-policy', await policyFields(api, { sev1_work_start: '30' }))).status).to.equal(403);
    const { c: admin } = await signIn('admin');
    const res = await admin.request('POST', '/console/sla-policy', 'sev1_work_start=30', {
      'content-type': 'application/x-www-form-urlencoded',
      accept: 'text/html',
    });
    expect(res.status).to.equal(403);
    expect((await api.get('/api/v1/sla-policy')).body.policy['1'].work_start).to.equal(60);
  });

  it('the report counts an incident filed through the API and offers the CSV', async () => {
    const { c, api } = await signIn('regular');
    const created = await api.post('/api/v1/incidents', { title: 'Checkout is down', severity: 1, message: 'We are investigating.' });
    expect(created.status, created.text).to.equal(201);
    s.clock.advance(2 * 3600_000); // past the 1 h work-start goal: breached

    const page = await c.get('/console/reports/sla', html);
    expect(page.status).to.equal(200);
    expect(page.text).to.include('<title>SLA report');
    expect(page.text).to.include('Severity 1 <span class="hint">· 1 incident</span>');
    expect(page.text).to.include('Severity 2 <span class="hint">· 0 incidents</span>');
    expect(page.text).to.match(/Work start<\/th>\s*<td class="state-met">0<\/td>\s*<td class="state-breached">1<\/td>\s*<td class="state-pending">0<\/td>\s*<td>0\.0 %<\/td>/);
    expect(page.text).to.include('value="2026-10-31"').and.include('value="2026-11-29"');

    const raw = /<a href="([^"]+)" download>Download CSV<\/a>/.exec(page.text)?.[1] ?? '';
    const href = raw.replace(/&#x3D;/g, '=').replace(/&amp;/g, '&'); // Handlebars escapes = and & in attributes
    expect(href).to.match(/^\/console\/reports\/sla\.csv\?from=/);
    const csv = await c.get(href, { accept: 'text/csv' });
    expect(csv.status).to.equal(200);
    expect(csv.headers.get('content-type')).to.match(/^text\/csv/);
    expect(csv.headers.get('content-disposition')).to.match(/^attachment; filename="?sla-report-2026-10-31-2026-11-29\.csv"?$/);
    expect(csv.text).to.match(/^severity,count,work_start_met,/);
    expect(csv.text).to.include('\r\n1,1,0,1,0,0.0,,,');

    // Date inputs: a range that ends before the incident shows nothing.
    const old = await c.get('/console/reports/sla?from=2026-10-01&to=2026-11-28', html);
    expect(old.text).to.include('Severity 1 <span class="hint">· 0 incidents</span>');
    const oldCsv = await c.get('/console/reports/sla.csv?from=2026-10-01&to=2026-11-28');
    expect(oldCsv.text).to.include('\r\n1,0,');
  });

  it('an inverted range re-renders the report with the message', async () => {
    const { c } = await signIn('observer');
    const res = await c.get('/console/reports/sla?from=2026-11-20&to=2026-11-01', html);
    expect(res.status).to.equal(400);
    expect(res.text).to.include('&quot;to&quot; must be after &quot;from&quot;');
  });
});

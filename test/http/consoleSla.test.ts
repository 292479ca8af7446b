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

  /** Every field of the policy form, prefilled from the current policy (minutes; '' = no goal). */
  async function policyFields(api: Client, overrides: Record<string, string> = {}) {
    const { policy } = (await api.get('/api/v1/sla-policy')).body;
    const fields: Record<string, string> = {};
    for (const sev of ['1', '2', '3', '4']) for (const m of MILESTONES) fields[`sev${sev}_${m}`] = policy[sev][m] === null ? '' : String(policy[sev][m]);
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
    expect(adminPage.text).to.include('action="/console/sla-policy"').and.include('name="sev1_work_start" min="1" step="1" value="60"');
  });

  it('admin edits the policy in minutes and the API shows the new goal', async () => {
    const { c, api } = await signIn('admin');
    const res = await c.form('/console/sla-policy', await policyFields(api, { sev1_work_start: '30', sev4_final_fix: '' }));
    expect(res.status, res.text).to.equal(303);
    const { body } = await api.get('/api/v1/sla-policy');
    expect(body.policy['1'].work_start).to.equal(30);
    expect(body.policy['1'].temporary_fix).to.equal(240);
    expect(body.policy['4'].final_fix).to.equal(null);
    const page = await c.get('/console/sla-policy?saved=1', html);
    expect(page.text).to.include('<td>30 min</td>').and.include('was saved');
  });

  it('a policy with decreasing goals re-renders 422 with the message and keeps the input', async () => {
    const { c, api } = await signIn('admin');
    const res = await c.form('/console/sla-policy', await policyFields(api, { sev1_work_start: '600' }));
    expect(res.status).to.equal(422);
    expect(res.text).to.include('severity 1: goals must not decrease from work start to final fix');
    expect(res.text).to.include('name="sev1_work_start" min="1" step="1" value="600"');
    expect((await api.get('/api/v1/sla-policy')).body.policy['1'].work_start).to.equal(60);

    const bad = await c.form('/console/sla-policy', await policyFields(api, { sev2_final_fix: '1.5' }));
    expect(bad.status).to.equal(400);
    expect(bad.text).to.include('Severity 2 final fix must be a whole number of minutes');
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

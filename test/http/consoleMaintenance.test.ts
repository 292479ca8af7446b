import { expect } from 'chai';
import { Client } from '../support/client.js';
import { component } from '../support/components.js';
import { PASSWORD, staff } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/server.js';

const NOW = '2026-11-29T12:00:00Z'; // Sunday 07:00 EST
const SAT = '2026-12-06T03:00:00.000Z'; // Sat 5 Dec 2026 22:00 EST
const THU = '2026-12-04T03:00:00.000Z'; // Thu 3 Dec 2026 22:00 EST: not a window

describe('console: maintenance', () => {
  let s: TestServer;
  before(async () => (s = await startTestServer({ now: NOW })));
  after(() => s.close());
  beforeEach(() => s.clock.set(NOW));

  async function login(role: 'observer' | 'regular' | 'admin') {
    const who = await staff(role);
    const c = new Client(s.baseUrl);
    await c.form('/console/login', { email: who.email, password: PASSWORD });
    return { c, api: new Client(s.baseUrl, who.token) };
  }
  const planned = (extra: Record<string, string> = {}) => ({ kind: 'planned', window: SAT, start_time: '22:00', end_time: '01:30', title: 'DB upgrade', body: 'Upgrading Postgres', notify: 'on', ...extra });

  it('lists the next windows in US Eastern and in the viewer zone', async () => {
    const { c } = await login('observer');
    const page = await c.get('/console/maintenance', { accept: 'text/html' });
    expect(page.status).to.equal(200);
    expect(page.text).to.include('Tue 1 Dec 2026, 22:00 EST → Wed 2 Dec 02:00 EST');
    expect(page.text).to.include('Sat 5 Dec 2026, 22:00 EST → Sun 6 Dec 02:00 EST');
    expect(page.text).to.include('<time datetime="2026-12-02T03:00:00.000Z" data-local>');
    expect(page.text).to.include('/public/js/console-live.js');
    expect(page.text).to.include('href="/console/maintenance"');
    expect((page.text.match(/ EST → /g) ?? []).length).to.equal(6);
  });

  it('the new form offers only windows at least 24 h ahead', async () => {
    const { c } = await login('regular');
    let form = await c.get('/console/maintenance/new', { accept: 'text/html' });
    expect(form.status).to.equal(200);
    expect(form.text).to.include(`<option value="${SAT}"`);
    expect(form.text).to.include('Sat 5 Dec 2026, 22:00 EST');
    expect(form.text).to.include('name="start_time" value="22:00"');
    expect(form.text).to.include('name="end_time" value="02:00"');
    expect(form.text).to.match(/name="notify" checked/);
    expect(form.text).not.to.include('Notify subscribers'); // e-mail is off on this server

    s.clock.set('2026-12-01T12:00:00Z'); // Tue 07:00 EST: tonight's window is 15 h away
    form = await (await login('regular')).c.get('/console/maintenance/new', { accept: 'text/html' });
    expect(form.text).not.to.include('Tue 1 Dec 2026, 22:00 EST');
    expect(form.text).to.include(`<option value="${SAT}"`);
  });

  it('schedules a Saturday 22:00–01:30 slot and redirects to it', async () => {
    const db = await component('Database');
    const { c, api } = await login('regular');
    const res = await c.form('/console/maintenance', { ...planned(), components: db.id }, '/console/maintenance/new');
    expect(res.status, res.text.slice(0, 500)).to.equal(303);
    const path = res.headers.get('location')!.split('?')[0]!;
    expect(path).to.match(/^\/console\/maintenance\/[0-9a-f-]{36}$/);

    const list = (await api.get('/api/v1/maintenances')).body.maintenances;
    expect(list).to.have.length(1);
    expect(list[0]).to.include({ name: 'DB upgrade', kind: 'planned', status: 'scheduled', notify: true, scheduled_for: SAT, scheduled_until: '2026-12-06T06:30:00.000Z' });
    expect(list[0].components.map((x: { id: string }) => x.id)).to.deep.equal([db.id]);

    const page = await c.get(path, { accept: 'text/html' });
    expect(page.text).to.include('Sat 5 Dec 2026, 22:00 EST → Sun 6 Dec 01:30 EST');
    expect(page.text).to.include('Database');
    expect(page.text).to.include('Cancel maintenance');
    const listPage = await c.get('/console/maintenance', { accept: 'text/html' });
    expect(listPage.text).to.include('DB upgrade');

    // Reschedule to the following Tuesday 23:00–01:00, then cancel.
    const tue = '2026-12-09T03:00:00.000Z'; // Tue 8 Dec 22:00 EST
    const moved = await c.form(`${path}/reschedule`, { window: tue, start_time: '23:00', end_time: '01:00', title: 'DB upgrade', body: 'Upgrading Postgres' }, path);
    expect(moved.status, moved.text.slice(0, 500)).to.equal(303);
    const after = (await api.get(`/api/v1/maintenances/${path.split('/').pop()}`)).body;
    expect(after).to.include({ scheduled_for: '2026-12-09T04:00:00.000Z', scheduled_until: '2026-12-09T06:00:00.000Z' });
    expect((await c.form(`${path}/cancel`, { reason: 'not needed' }, path)).status).to.equal(303);
    expect((await c.get(path, { accept: 'text/html' })).text).to.include('Status <strong>cancelled</strong>');
  });

  it('a slot outside the windows re-renders 422 with the message and nearest windows', async () => {
    const { c, api } = await login('regular');
    const res = await c.form('/console/maintenance', planned({ window: THU, start_time: '22:00', end_time: '23:00' }), '/console/maintenance/new');
    expect(res.status).to.equal(422);
    expect(res.text).to.include('does not fit inside a single maintenance window');
    expect(res.text).to.include('The nearest windows that would work');
    expect(res.text).to.include('window Sat 5 Dec 2026, 22:00 EST → Sun 6 Dec 02:00 EST');
    expect(res.text).to.include('value="DB upgrade"');
    expect((await api.get('/api/v1/maintenances')).body.maintenances).to.have.length(0);
  });

  it('suggested windows fit the requested duration (injected clock: the fall-back weekend is the only 5-hour window)', async () => {
    s.clock.set('2026-10-20T12:00:00Z'); // Tue 08:00 EDT
    const { c, api } = await login('regular');
    // Sat 24 Oct 22:00 → Sun 03:00 EDT: 5 hours, one more than the window holds.
    const res = await c.form('/console/maintenance', planned({ window: '2026-10-25T02:00:00.000Z', start_time: '22:00', end_time: '03:00' }), '/console/maintenance/new');
    expect(res.status).to.equal(422);
    const list = res.text.slice(res.text.indexOf('The nearest windows that would work'));
    const items = [...list.slice(0, list.indexOf('</ul>')).matchAll(/<li>([\s\S]*?)<\/li>/g)].map((m) => m[1]!);
    expect(items).to.have.length(2);
    // The 4-hour windows in between (24 Oct, 27 Oct …) are not offered; the slot to pick is 22:00 → 02:00 EST, 5 real hours.
    expect(items[0]).to.include('<strong>Sat 31 Oct 2026, 22:00 EDT → Sun 1 Nov 02:00 EST</strong>');
    expect(items[0]).to.include('pick the window and 22:00–02:00');
    expect(items[1]).to.include('Sat 6 Nov 2027, 22:00 EDT');
    // Both can be picked in the form without JavaScript, even the one beyond the usual list.
    expect(res.text).to.include('<option value="2027-11-07T02:00:00.000Z"').and.include('<option value="2026-11-01T02:00:00.000Z"');
    const offered = items.join('\n');
    expect(offered).not.to.include('Sat 24 Oct 2026');
    expect(offered).not.to.include('Tue 27 Oct 2026');

    // Picking the suggestion works.
    const ok = await c.form('/console/maintenance', planned({ window: '2026-11-01T02:00:00.000Z', start_time: '22:00', end_time: '02:00' }), '/console/maintenance/new');
    expect(ok.status, ok.text.slice(0, 400)).to.equal(303);
    const [m] = (await api.get('/api/v1/maintenances')).body.maintenances;
    expect(Date.parse(m.scheduled_until) - Date.parse(m.scheduled_for)).to.equal(5 * 3_600_000);
  });

  it('a short request is offered the slot of its own length inside the next window', async () => {
    const { c } = await login('regular');
    const res = await c.form('/console/maintenance', planned({ window: THU, start_time: '22:00', end_time: '23:30' }), '/console/maintenance/new');
    expect(res.status).to.equal(422);
    expect(res.text).to.include('<strong>Sat 5 Dec 2026, 22:00 EST → Sat 5 Dec 23:30 EST</strong> — pick the window and 22:00–23:30');
  });

  it('with e-mail off the forms never say subscribers are notified', async () => {
    const { c } = await login('regular');
    const form = await c.get('/console/maintenance/new', { accept: 'text/html' });
    expect(form.text).not.to.match(/subscribers notified|Notify subscribers/i);
    expect(form.text).to.include('Announce it (webhooks)').and.include('E-mail is off');
    const res = await c.form('/console/maintenance', planned(), '/console/maintenance/new');
    expect(res.status).to.equal(303);
    const page = await c.get(res.headers.get('location')!, { accept: 'text/html' });
    expect(page.text).not.to.match(/subscribers notified/i);
    expect(page.text).to.include('announced to webhooks').and.include('e-mail is off: no subscriber is e-mailed');
    expect(page.text).to.include('Maintenance scheduled.');
  });

  it('unplanned work needs a reason; with one it starts now', async () => {
    const { c, api } = await login('regular');
    const base = { kind: 'unplanned', starts_at: '', ends_at: '2026-11-29T14:00:00.000Z', title: 'Emergency patch', body: 'Patching' };
    const bad = await c.form('/console/maintenance', base, '/console/maintenance/new');
    expect(bad.status).to.equal(422);
    expect(bad.text).to.include('Unplanned maintenance needs a reason');
    expect(bad.text).to.match(/value="unplanned" checked/);
    const ok = await c.form('/console/maintenance', { ...base, reason: 'CVE' }, '/console/maintenance/new');
    expect(ok.status, ok.text.slice(0, 500)).to.equal(303);
    const [m] = (await api.get('/api/v1/maintenances')).body.maintenances;
    expect(m).to.include({ kind: 'unplanned', status: 'in_progress', reason: 'CVE', scheduled_for: '2026-11-29T12:00:00.000Z' });
    const path = ok.headers.get('location')!.split('?')[0]!;
    expect((await c.form(`${path}/verifying`, {}, path)).status).to.equal(303);
    expect((await c.form(`${path}/complete`, {}, path)).status).to.equal(303);
    expect((await api.get(`/api/v1/maintenances/${m.id}`)).body.status).to.equal('completed');
  });

  it('observers may read but not schedule; output is escaped', async () => {
    const { c } = await login('regular');
    const res = await c.form('/console/maintenance', planned({ title: '<script>alert(1)</script>' }), '/console/maintenance/new');
    expect(res.status).to.equal(303);
    const page = await c.get(res.headers.get('location')!, { accept: 'text/html' });
    expect(page.text).not.to.include('<script>alert(1)</script>');
    expect(page.text).to.include('&lt;script&gt;alert(1)&lt;/script&gt;');

    const obs = await login('observer');
    expect((await obs.c.get('/console/maintenance', { accept: 'text/html' })).status).to.equal(200);
    expect((await obs.c.get('/console/maintenance/new', { accept: 'text/html' })).status).to.equal(403);
    const tryPost = await obs.c.form('/console/maintenance', planned(), '/console/maintenance');
    expect(tryPost.status).to.equal(403);
  });

  describe('with e-mail on', () => {
    let mail: TestServer;
    before(async () => (mail = await startTestServer({ now: NOW, env: { SMTP_URL: 'smtp://127.0.0.1:9' } })));
    after(() => mail.close());

    it('says subscribers are notified by e-mail', async () => {
      const who = await staff('regular');
      const c = new Client(mail.baseUrl);
      await c.form('/console/login', { email: who.email, password: PASSWORD });
      const form = await c.get('/console/maintenance/new', { accept: 'text/html' });
      expect(form.text).to.include('Notify subscribers (subscribers by e-mail and webhooks)');
      expect(form.text).not.to.include('E-mail is off');
      const res = await c.form('/console/maintenance', planned(), '/console/maintenance/new');
      const page = await c.get(res.headers.get('location')!, { accept: 'text/html' });
      expect(page.text).to.include('announced to subscribers by e-mail and webhooks');
    });
  });
});

import { expect } from 'chai';
import { component } from '../support/components.js';
import { eq } from 'drizzle-orm';
import { auditLog, outboxEvents } from '../../server/db/schema.js';
import { Client, signInAs } from '../support/client.js';
import { staff } from '../support/factories.js';
import { startTestServer, type TestServer } from '../support/server.js';

// The test server's clock is fixed at 2026-11-29T12:00:00Z.
describe('notices', () => {
  let s: TestServer;
  before(async () => (s = await startTestServer()));
  after(() => s.close());

  const api = async (role: 'admin' | 'regular' | 'observer') => new Client(s.baseUrl, (await staff(role)).token);
  const base = { title: 'Scheduled upgrade', body: 'Expect brief slowness.', level: 'warning' };

  it('regular staff create, read, update and delete a notice through the API', async () => {
    const c = await api('regular');
    const created = await c.post('/api/v1/notices', { ...base, expire_at: '2026-11-30T12:00:00Z', url: 'https://example.com/status' });
    expect(created.status, created.text).to.equal(201);
    expect(created.body).to.include({
      title: 'Scheduled upgrade',
      level: 'warning',
      publish_at: '2026-11-29T12:00:00.000Z',
      expire_at: '2026-11-30T12:00:00.000Z',
      dismissible: true,
      url: 'https://example.com/status',
      active: true,
    });
    expect(created.body).to.have.all.keys('id', 'title', 'body', 'level', 'publish_at', 'expire_at', 'dismissible', 'url', 'components', 'created_at', 'updated_at', 'active');
    const id = created.body.id;

    const later = await c.post('/api/v1/notices', { ...base, title: 'Later', level: 'info', publish_at: '2026-12-01T00:00:00+01:00', dismissible: false });
    expect(later.status, later.text).to.equal(201);
    expect(later.body).to.include({ publish_at: '2026-11-30T23:00:00.000Z', expire_at: null, active: false, dismissible: false, url: null });

    const list = await (await api('observer')).get('/api/v1/notices');
    expect(list.status).to.equal(200);
    expect(list.body.notices.map((n: any) => n.title)).to.deep.equal(['Later', 'Scheduled upgrade']);

    const patched = await c.patch(`/api/v1/notices/${id}`, { level: 'critical', expire_at: null, url: null });
    expect(patched.status, patched.text).to.equal(200);
    expect(patched.body).to.include({ level: 'critical', expire_at: null, url: null, title: 'Scheduled upgrade' });
    expect((await c.get(`/api/v1/notices/${id}`)).body.level).to.equal('critical');

    expect((await c.delete(`/api/v1/notices/${id}`)).status).to.equal(204);
    expect((await c.get(`/api/v1/notices/${id}`)).status).to.equal(404);
    expect((await c.delete(`/api/v1/notices/${id}`)).status).to.equal(404);

    const events = (await s.deps.database.db.select().from(outboxEvents)).filter((e) => e.type === 'notice.changed');
    expect(events.map((e) => e.payload)).to.deep.include({ notice_id: id });
    expect(events).to.have.length(4);
  });

  it('writes audit rows for create, update and delete', async () => {
    const c = await api('admin');
    const id = (await c.post('/api/v1/notices', base)).body.id;
    await c.patch(`/api/v1/notices/${id}`, { title: 'Renamed' });
    await c.delete(`/api/v1/notices/${id}`);
    const rows = await s.deps.database.db.select().from(auditLog).where(eq(auditLog.subjectId, id)).orderBy(auditLog.id);
    expect(rows.map((r) => r.action)).to.deep.equal(['notice.create', 'notice.update', 'notice.delete']);
    expect(rows.every((r) => r.subjectType === 'notice' && r.actorEmail?.startsWith('admin-'))).to.equal(true);
    expect((rows[1]!.after as any).title).to.equal('Renamed');
  });

  it('observers read but get 403 on writes; anonymous callers get 401', async () => {
    const id = (await (await api('regular')).post('/api/v1/notices', base)).body.id;
    const o = await api('observer');
    expect((await o.get(`/api/v1/notices/${id}`)).status).to.equal(200);
    expect((await o.post('/api/v1/notices', base)).status).to.equal(403);
    expect((await o.patch(`/api/v1/notices/${id}`, { title: 'x' })).status).to.equal(403);
    expect((await o.delete(`/api/v1/notices/${id}`)).status).to.equal(403);
    const anon = new Client(s.baseUrl);
    expect((await anon.get('/api/v1/notices')).status).to.equal(401);
    expect((await anon.post('/api/v1/notices', base)).status).to.equal(401);
  });

  it('rejects expire_at at or before publish_at with 422 invalid_range, also on update', async () => {
    const c = await api('regular');
    for (const expire_at of ['2026-11-29T12:00:00Z', '2026-11-29T11:00:00Z']) {
      const res = await c.post('/api/v1/notices', { ...base, expire_at });
      expect(res.status).to.equal(422);
      expect(res.body.error.code).to.equal('invalid_range');
    }
    const id = (await c.post('/api/v1/notices', { ...base, expire_at: '2026-11-30T00:00:00Z' })).body.id;
    const res = await c.patch(`/api/v1/notices/${id}`, { publish_at: '2026-12-01T00:00:00Z' });
    expect(res.status).to.equal(422);
    expect(res.body.error.code).to.equal('invalid_range');
  });

  it('validates the body: bad level, unknown fields, long titles, non-http urls, bad ids', async () => {
    const c = await api('regular');
    const bad = await c.post('/api/v1/notices', { ...base, level: 'urgent' });
    expect(bad.status).to.equal(400);
    expect(bad.body.error.details.fields[0].field).to.equal('level');
    expect((await c.post('/api/v1/notices', { ...base, colour: 'red' })).status).to.equal(400);
    expect((await c.post('/api/v1/notices', { ...base, title: 'x'.repeat(201) })).status).to.equal(400);
    expect((await c.post('/api/v1/notices', { ...base, body: 'x'.repeat(2001) })).status).to.equal(400);
    expect((await c.post('/api/v1/notices', { ...base, publish_at: '2026-11-29T12:00:00' })).status).to.equal(400);
    for (const url of ['javascript:alert(1)', 'ftp://example.com/x', 'not a url']) {
      const res = await c.post('/api/v1/notices', { ...base, url });
      expect(res.status, url).to.equal(400);
      expect(res.body.error.code).to.equal('invalid_url');
    }
    expect((await c.get('/api/v1/notices/nope')).status).to.equal(400);
    expect((await c.get('/api/v1/notices')).body.notices).to.have.length(0);
  });

  describe('console', () => {
    const signIn = (role: 'admin' | 'regular' | 'observer') => signInAs(s.baseUrl, role);
    const html = { accept: 'text/html' };

    it('creates a notice through the form (blank publish = now) and escapes its text', async () => {
      const { c, api: a } = await signIn('regular');
      const res = await c.form('/console/notices', {
        title: '<script>x</script>',
        body: '"><img src=x onerror=alert(1)>',
        level: 'critical',
        publish_at: '',
        expire_at: '2026-11-30T09:30',
        dismissible: 'on',
        url: '',
      });
      expect(res.status, res.text).to.equal(303);
      expect(res.headers.get('location')).to.equal('/console/notices?done=notice_added');
      const [n] = (await a.get('/api/v1/notices')).body.notices;
      expect(n).to.include({ level: 'critical', publish_at: '2026-11-29T12:00:00.000Z', expire_at: '2026-11-30T09:30:00.000Z', dismissible: true, url: null, active: true });

      const page = await c.get('/console/notices', html);
      expect(page.status).to.equal(200);
      expect(page.text).to.include('<title>Notices').and.include('/public/js/local-datetime.js');
      expect(page.text).to.include('href="/console/notices"');
      expect(page.text).not.to.include('<script>x</script>');
      expect(page.text).not.to.include('<img src=x');
      expect(page.text).to.include('&lt;script&gt;x&lt;/script&gt;');
      expect(page.text).to.include('notice-active');
    });

    it('edits, shows scheduled/expired badges, and deletes', async () => {
      const { c, api: a } = await signIn('admin');
      const id = (await a.post('/api/v1/notices', { ...base, publish_at: '2026-12-01T00:00:00Z' })).body.id;
      await a.post('/api/v1/notices', { ...base, title: 'Old', publish_at: '2026-11-01T00:00:00Z', expire_at: '2026-11-02T00:00:00Z' });
      const page = await c.get('/console/notices', html);
      expect(page.text).to.include('notice-scheduled').and.include('notice-expired');

      const edit = await c.form(`/console/notices/${id}`, { title: 'Edited', body: 'New body', level: 'info', publish_at: '', expire_at: '2026-12-02T00:00:00Z', url: 'https://example.com' });
      expect(edit.status, edit.text).to.equal(303);
      expect((await a.get(`/api/v1/notices/${id}`)).body).to.include({
        title: 'Edited', level: 'info', publish_at: '2026-12-01T00:00:00.000Z', expire_at: '2026-12-02T00:00:00.000Z', dismissible: false, url: 'https://example.com',
      });
      expect((await c.form(`/console/notices/${id}/delete`, {}, '/console/notices')).status).to.equal(303);
      expect((await a.get(`/api/v1/notices/${id}`)).status).to.equal(404);
    });

    it('sets the audience with component boxes (none = every banner) and shows it in the list', async () => {
      const { c, api: a } = await signIn('regular');
      const search = await component('Search');
      const form = await c.get('/console/notices', html);
      expect(form.text).to.include(`name="components" value="${search.id}"`);
      const res = await c.form('/console/notices', { title: 'Search only', body: 'b', level: 'info', components: search.id });
      expect(res.status, res.text).to.equal(303);
      const [n] = (await a.get('/api/v1/notices')).body.notices;
      expect(n.components).to.deep.equal([search.id]);
      expect((await c.get('/console/notices', html)).text).to.include('For: Search');
      // Saving the edit form with no box checked makes it page-wide again.
      expect((await c.form(`/console/notices/${n.id}`, { title: 'Search only', body: 'b', level: 'info' })).status).to.equal(303);
      expect((await a.get(`/api/v1/notices/${n.id}`)).body.components).to.deep.equal([]);
      const bad = await c.form('/console/notices', { title: 'Bad', body: 'b', level: 'info', components: 'not-an-id' });
      expect(bad.status).to.equal(400);
      expect((await a.get('/api/v1/notices')).body.notices).to.have.length(1);
    });

    it('re-renders with the error: 422 for a bad range, 400 for a missing title', async () => {
      const { c, api: a } = await signIn('regular');
      const range = await c.form('/console/notices', { title: 'Kept title', body: 'b', level: 'info', publish_at: '2026-12-01T10:00', expire_at: '2026-12-01T09:00' });
      expect(range.status).to.equal(422);
      expect(range.text).to.include('role="alert"').and.include('Expire at must be after publish at').and.include('value="Kept title"');
      const missing = await c.form('/console/notices', { title: ' ', body: 'b', level: 'info' });
      expect(missing.status).to.equal(400);
      expect(missing.text).to.include('Title is required');
      expect((await a.get('/api/v1/notices')).body.notices).to.have.length(0);
    });

    it('observers see the list without forms and get 403 when posting', async () => {
      await (await api('regular')).post('/api/v1/notices', base);
      const { c } = await signIn('observer');
      const page = await c.get('/console/notices', html);
      expect(page.status).to.equal(200);
      expect(page.text).to.include('Scheduled upgrade');
      expect(page.text).not.to.include('action="/console/notices"');
      expect((await c.form('/console/notices', base)).status).to.equal(403);
    });
  });
});

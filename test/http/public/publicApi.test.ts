import { expect } from 'chai';
import { io as connect, type Socket } from 'socket.io-client';
import { Client } from '../../support/client.js';
import { staff } from '../../support/factories.js';
import { startTestServer, type TestServer } from '../../support/server.js';

const NOW = '2026-11-29T12:00:00.000Z';

describe('public API: caching, CORS, announcements, live push', () => {
  let s: TestServer;
  let api: Client;
  let admin: Client;
  const anon = () => new Client(s.baseUrl);
  // Also runs a paced rebuild that is still waiting (within a burst it may wait several times the
  // last push's cost), so no push arrives after settle() for changes made before it.
  const settle = async () => {
    await s.runtime.dispatcher.drain();
    await s.runtime.rebuilds.flush();
    await s.runtime.snapshot.rebuild();
  };
  before(async () => (s = await startTestServer({ now: NOW })));
  after(() => s.close());
  beforeEach(async () => {
    s.clock.set(NOW);
    api = new Client(s.baseUrl, (await staff('regular')).token);
    admin = new Client(s.baseUrl, (await staff('admin')).token);
    await settle();
  });

  it('answers with CORS, a strong ETag, 304 on If-None-Match (lists and weak too), HEAD and preflight', async () => {
    const res = await anon().get('/api/v2/summary.json');
    expect(res.status).to.equal(200);
    expect(res.headers.get('access-control-allow-origin')).to.equal('*');
    expect(res.headers.get('cache-control')).to.match(/max-age=\d+/);
    const etag = res.headers.get('etag')!;
    expect(etag).to.match(/^"[^"]+"$/);
    expect((await anon().get('/api/v2/summary.json', { 'if-none-match': etag })).status).to.equal(304);
    expect((await anon().get('/api/v2/summary.json', { 'if-none-match': `"nope", ${etag}` })).status).to.equal(304);
    expect((await anon().get('/api/v2/summary.json', { 'if-none-match': `W/${etag}` })).status).to.equal(304);
    expect((await anon().get('/api/v2/summary.json', { 'if-none-match': '"other"' })).status).to.equal(200);
    const head = await anon().request('HEAD', '/api/v2/status.json');
    expect(head.status).to.equal(200);
    expect(head.text).to.equal('');
    expect(Number(head.headers.get('content-length'))).to.be.greaterThan(10);
    const pre = await anon().request('OPTIONS', '/api/v1/announcements', undefined, { origin: 'https://app.example', 'access-control-request-method': 'GET' });
    expect(pre.status).to.equal(204);
    expect(pre.headers.get('access-control-allow-origin')).to.equal('*');
  });

  it('a staff change is reflected after the outbox event, with a new ETag', async () => {
    const before = await anon().get('/api/v2/status.json');
    expect(before.body.status).to.deep.equal({ indicator: 'none', description: 'All Systems Operational' });
    await api.post('/api/v1/incidents', { title: 'Checkout failing', severity: 1, message: 'Looking' });
    await settle();
    const after = await anon().get('/api/v2/status.json', { 'if-none-match': before.headers.get('etag')! });
    expect(after.status).to.equal(200);
    expect(after.body.status).to.deep.equal({ indicator: 'critical', description: 'Major Service Outage' });
    const unresolved = await anon().get('/api/v2/incidents/unresolved.json');
    expect(unresolved.body.incidents.map((i: any) => i.name)).to.deep.equal(['Checkout failing']);
  });

  it('announcements: incidents ≥ minor, maintenance from 30 min before its start, and notices', async () => {
    await api.post('/api/v1/incidents', { title: 'Cosmetic glitch', severity: 4, message: 'x' });
    await api.post('/api/v1/incidents', { title: 'Search slow', severity: 3, message: 'Slow searches' });
    const m = await api.post('/api/v1/maintenances', { title: 'Emergency DB patch', body: 'Patching', kind: 'unplanned', reason: 'CVE', scheduled_for: '2026-11-29T13:00:00Z', scheduled_until: '2026-11-29T14:00:00Z' });
    expect(m.status, m.text).to.equal(201);
    await admin.post('/api/v1/notices', { title: 'New billing page', body: 'Have a look', level: 'info', publish_at: '2026-11-29T12:00:00Z', expire_at: '2026-11-30T12:00:00Z' });
    await settle();
    let list = (await anon().get('/api/v1/announcements')).body.announcements;
    expect(list.map((a: any) => a.kind + ':' + a.title)).to.deep.equal(['incident:Search slow', 'notice:New billing page']);
    s.clock.set('2026-11-29T12:30:00Z');
    await s.runtime.snapshot.rebuild();
    list = (await anon().get('/api/v1/announcements')).body.announcements;
    const maint = list.find((a: any) => a.kind === 'maintenance');
    expect(maint).to.deep.include({ id: `maintenance:${m.body.id}`, title: 'Emergency DB patch', level: 'info', starts_at: '2026-11-29T13:00:00.000Z', ends_at: '2026-11-29T14:00:00.000Z', dismissible: true });
    expect(maint.url).to.match(new RegExp(`/maintenance/${m.body.id}$`));
    for (const a of list) expect(a).to.have.all.keys('id', 'kind', 'level', 'title', 'body', 'starts_at', 'ends_at', 'url', 'dismissible');
    s.clock.set('2026-11-30T12:00:00Z');
    await s.runtime.snapshot.rebuild();
    list = (await anon().get('/api/v1/announcements')).body.announcements;
    expect(list.some((a: any) => a.kind === 'notice')).to.equal(false);
  });

  it('the plain announcements answer keeps its shape byte for byte; include=next_update adds the promise', async () => {
    const inc = await api.post('/api/v1/incidents', { title: 'Checkout failing', severity: 1, message: 'Looking into it', next_update_in: 30 });
    const n = await admin.post('/api/v1/notices', { title: 'New billing page', body: 'Have a look', level: 'info', url: 'https://app.example/billing', publish_at: NOW });
    expect(n.status, n.text).to.equal(201);
    await settle();
    const shortlink = (await anon().get('/api/v2/incidents/unresolved.json')).body.incidents[0].shortlink;
    expect(shortlink).to.match(new RegExp(`/incidents/${inc.body.id}$`));
    // The fields and their order as they were before "next update by" existed, written out here.
    const incident = { id: `incident:${inc.body.id}`, kind: 'incident', level: 'critical', title: 'Checkout failing', body: 'Looking into it', starts_at: NOW, ends_at: null, url: shortlink, dismissible: false };
    const notice = { id: `notice:${n.body.id}`, kind: 'notice', level: 'info', title: 'New billing page', body: 'Have a look', starts_at: NOW, ends_at: null, url: 'https://app.example/billing', dismissible: true };
    const plain = await anon().get('/api/v1/announcements');
    expect(plain.text).to.equal(JSON.stringify({ announcements: [incident, notice], generated_at: NOW }));
    const promised = await anon().get('/api/v1/announcements?include=next_update');
    expect(promised.status, promised.text).to.equal(200);
    const later = new Date(Date.parse(NOW) + 30 * 60_000).toISOString();
    expect(promised.text).to.equal(JSON.stringify({ announcements: [{ ...incident, next_update_at: later }, { ...notice, next_update_at: null }], generated_at: NOW }));
    expect(promised.headers.get('access-control-allow-origin')).to.equal('*');
    expect((await anon().get('/api/v1/announcements?include=next_update', { 'if-none-match': promised.headers.get('etag')! })).status).to.equal(304);
    const bad = await anon().get('/api/v1/announcements?include=everything');
    expect(bad.status).to.equal(400);
    expect(bad.body.error.code).to.equal('validation_failed');
  });

  it('pushes each change live with an increasing sequence, and the current state on (re)connect', async () => {
    const sock: Socket = connect(`${s.baseUrl}/public`, { transports: ['websocket'], forceNew: true });
    try {
      const first = await new Promise<any>((resolve) => sock.once('status', resolve));
      expect(first.seq).to.be.a('number');
      expect(first.html).to.include('id="status-line"');
      const announced = new Promise<any>((resolve) => sock.on('announcements', (m) => m.announcements.some((a: any) => a.title === 'API errors') && resolve(m)));
      const next = new Promise<any>((resolve) => sock.on('status', (m) => m.html.includes('API errors') && resolve(m)));
      await api.post('/api/v1/incidents', { title: 'API errors', severity: 2, message: 'Elevated 500s' });
      await settle();
      const pushed = await next;
      expect(pushed.seq).to.be.greaterThan(first.seq);
      expect(pushed.html).to.include('API errors');
      expect(pushed.indicator).to.equal('major');
      expect((await announced).announcements.map((a: any) => a.title)).to.include('API errors');
      // A client that missed everything gets the current state on connect.
      const late: Socket = connect(`${s.baseUrl}/public`, { transports: ['websocket'], forceNew: true });
      const snap = await new Promise<any>((resolve) => late.once('status', resolve));
      late.close();
      // (settle()'s own rebuild may have pushed once more since: the current state is the newest.)
      expect(snap.seq).to.equal(s.runtime.snapshot.seq);
      expect(snap.seq).to.be.at.least(pushed.seq);
      expect(snap.html).to.include('API errors');
    } finally {
      sock.close();
    }
  });

  it('serves the page, permalinks, history by month, feeds; bad ids are 400/404', async () => {
    const inc = await api.post('/api/v1/incidents', { title: 'Login broken <b>', severity: 1, message: 'We are on it' });
    await settle();
    const page = await anon().get('/', { accept: 'text/html' });
    expect(page.status).to.equal(200);
    expect(page.text).to.include('id="status-line"');
    expect(page.text).to.include('Login broken &lt;b&gt;');
    expect(page.text).to.include('href="/history.rss"');
    const perma = await anon().get(`/incidents/${inc.body.id}`, { accept: 'text/html' });
    expect(perma.status).to.equal(200);
    expect(perma.text).to.include('We are on it');
    expect((await anon().get('/incidents/00000000-0000-4000-8000-000000000000', { accept: 'text/html' })).status).to.equal(404);
    expect((await anon().get('/incidents/nope', { accept: 'text/html' })).status).to.equal(400);
    const hist = await anon().get('/history?month=2026-11', { accept: 'text/html' });
    expect(hist.text).to.include('Login broken &lt;b&gt;');
    expect((await anon().get('/history?month=2026-10', { accept: 'text/html' })).text).to.include('No incidents reported this month');
    expect((await anon().get('/history?month=2026-13', { accept: 'text/html' })).status).to.equal(400);
    const rss = await anon().get('/history.rss');
    expect(rss.headers.get('content-type')).to.include('application/rss+xml');
    expect(rss.text).to.include('<title>Login broken &#x3C;b&#x3E;</title>');
    const atom = await anon().get('/history.atom');
    expect(atom.text).to.include('<feed');
  });

  it('shows maintenance running late on the public page once it overruns by 15 minutes', async () => {
    const m = await api.post('/api/v1/maintenances', { title: 'Cache migration', body: 'Moving caches', kind: 'unplanned', reason: 'capacity', scheduled_until: '2026-11-29T13:00:00Z' });
    expect(m.status, m.text).to.equal(201);
    await api.post(`/api/v1/maintenances/${m.body.id}/verifying`);
    s.clock.set('2026-11-29T13:15:01Z');
    await settle();
    const active = await anon().get('/api/v2/scheduled-maintenances/active.json');
    expect(active.body.scheduled_maintenances[0]).to.include({ name: 'Cache migration', running_late: true });
    expect((await anon().get('/', { accept: 'text/html' })).text).to.include('Running late');
    expect((await anon().get('/api/v2/status.json')).body.status.indicator).to.equal('maintenance');
  });
});

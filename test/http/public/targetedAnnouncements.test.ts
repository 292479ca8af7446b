import { expect } from 'chai';
import { io as connect, type Socket } from 'socket.io-client';
import { Client } from '../../support/client.js';
import { component } from '../../support/components.js';
import { staff } from '../../support/factories.js';
import { startTestServer, type TestServer } from '../../support/server.js';

const NOW = '2026-11-29T12:00:00.000Z';

describe('targeted announcements: ?components= and ?group=, notice audiences', () => {
  let s: TestServer;
  let api: Client;
  const anon = () => new Client(s.baseUrl);
  const settle = async () => {
    await s.runtime.dispatcher.drain();
    await s.runtime.snapshot.rebuild();
  };
  const titles = async (query: string) => {
    const res = await anon().get(`/api/v1/announcements${query}`);
    expect(res.status, res.text).to.equal(200);
    return (res.body.announcements as { title: string }[]).map((a) => a.title).sort();
  };
  let group: { id: string };
  let billing: { id: string };
  let invoices: { id: string };
  let search: { id: string };

  before(async () => (s = await startTestServer({ now: NOW })));
  after(() => s.close());
  beforeEach(async () => {
    s.clock.set(NOW);
    api = new Client(s.baseUrl, (await staff('regular')).token);
    group = await component('Payments', { isGroup: true });
    billing = await component('Billing', { groupId: group.id });
    invoices = await component('Invoices', { groupId: group.id });
    search = await component('Search');
    const ok = (r: { status: number; text: string }) => expect(r.status, r.text).to.be.oneOf([201]);
    ok(await api.post('/api/v1/incidents', { title: 'Billing down', severity: 1, message: 'x', components: [{ id: billing.id, status: 'major_outage' }] }));
    ok(await api.post('/api/v1/incidents', { title: 'Search slow', severity: 2, message: 'x', components: [{ id: search.id, status: 'degraded_performance' }] }));
    ok(await api.post('/api/v1/incidents', { title: 'Everything odd', severity: 3, message: 'x' }));
    ok(await api.post('/api/v1/notices', { title: 'Page-wide notice', body: 'x', level: 'info' }));
    ok(await api.post('/api/v1/notices', { title: 'Invoices notice', body: 'x', level: 'info', components: [invoices.id] }));
    ok(await api.post('/api/v1/notices', { title: 'Payments notice', body: 'x', level: 'info', components: [group.id] }));
    await settle();
  });

  it('returns what concerns the components plus page-wide announcements; a group matches its members', async () => {
    const all = ['Billing down', 'Everything odd', 'Invoices notice', 'Page-wide notice', 'Payments notice', 'Search slow'];
    expect(await titles('')).to.deep.equal(all);
    expect(await titles(`?components=${search.id}`)).to.deep.equal(['Everything odd', 'Page-wide notice', 'Search slow']);
    expect(await titles(`?components=${billing.id}`)).to.deep.equal(['Billing down', 'Everything odd', 'Page-wide notice', 'Payments notice']);
    expect(await titles(`?components=${invoices.id},${search.id}`)).to.deep.equal(['Everything odd', 'Invoices notice', 'Page-wide notice', 'Payments notice', 'Search slow']);
    expect(await titles(`?group=${group.id}`)).to.deep.equal(['Billing down', 'Everything odd', 'Invoices notice', 'Page-wide notice', 'Payments notice']);
    const res = await anon().get(`/api/v1/announcements?group=${group.id}`);
    expect(res.body.filter.components).to.have.members([group.id, billing.id, invoices.id]);
    // Any other query string keeps the unfiltered answer, byte for byte.
    const plain = await anon().get('/api/v1/announcements');
    expect((await anon().get('/api/v1/announcements?_=123')).text).to.equal(plain.text);
    expect(plain.body).to.not.have.property('filter');
  });

  it('filtered answers keep CORS, a strong ETag with 304, and follow changes', async () => {
    const q = `/api/v1/announcements?components=${search.id}`;
    const res = await anon().get(q, { origin: 'https://app.example' });
    expect(res.headers.get('access-control-allow-origin')).to.equal('*');
    const etag = res.headers.get('etag')!;
    expect(etag).to.match(/^"[^"]+"$/);
    expect(etag).to.not.equal((await anon().get('/api/v1/announcements')).headers.get('etag'));
    expect((await anon().get(q, { 'if-none-match': etag })).status).to.equal(304);
    const pre = await anon().request('OPTIONS', q, undefined, { origin: 'https://app.example', 'access-control-request-method': 'GET' });
    expect(pre.status).to.equal(204);
    // A new notice for Search changes the filtered answer (and its ETag).
    await api.post('/api/v1/notices', { title: 'Search notice', body: 'x', level: 'warning', components: [search.id] });
    await settle();
    const after = await anon().get(q, { 'if-none-match': etag });
    expect(after.status).to.equal(200);
    expect((after.body.announcements as { title: string }[]).map((a) => a.title)).to.include('Search notice');
  });

  it('bad filters get a clear error: malformed 400, unknown 404, a component as group 422', async () => {
    const bad = async (query: string, status: number, code: string) => {
      const res = await anon().get(`/api/v1/announcements${query}`);
      expect(res.status, query + res.text).to.equal(status);
      expect(res.body.error.code).to.equal(code);
    };
    await bad('?components=nope', 400, 'validation_failed');
    await bad('?components=,', 400, 'validation_failed');
    await bad(`?components=${search.id}&components=${billing.id}`, 400, 'validation_failed');
    await bad('?components=00000000-0000-4000-8000-000000000000', 404, 'component_not_found');
    await bad(`?group=${search.id}`, 422, 'not_a_group');
  });

  it('notices take an audience in the API; unknown components are refused and change nothing', async () => {
    const n = await api.post('/api/v1/notices', { title: 'Aud', body: 'x', level: 'info', components: [search.id, search.id] });
    expect(n.body.components).to.deep.equal([search.id]);
    const none = await api.post('/api/v1/notices', { title: 'No aud', body: 'x', level: 'info' });
    expect(none.body.components).to.deep.equal([]);
    const wrong = await api.post('/api/v1/notices', { title: 'Bad', body: 'x', level: 'info', components: ['00000000-0000-4000-8000-000000000000'] });
    expect(wrong.status).to.equal(404);
    expect(wrong.body.error.code).to.equal('component_not_found');
    const patched = await api.patch(`/api/v1/notices/${n.body.id}`, { components: null });
    expect(patched.body.components).to.deep.equal([]);
    const listed = (await api.get('/api/v1/notices')).body.notices.map((x: { title: string }) => x.title);
    expect(listed).to.not.include('Bad');
  });

  it('live pushes carry which components each targeted announcement concerns', async () => {
    const sock: Socket = connect(`${s.baseUrl}/public`, { transports: ['websocket'], forceNew: true });
    try {
      const got = new Promise<any>((resolve) => sock.on('announcements', (m) => m.announcements.some((a: any) => a.title === 'Search notice 2') && resolve(m)));
      await new Promise<void>((resolve) => sock.once('connect', () => resolve()));
      const n = await api.post('/api/v1/notices', { title: 'Search notice 2', body: 'x', level: 'info', components: [search.id] });
      await settle();
      const m = await got;
      expect(m.targets[`notice:${n.body.id}`]).to.deep.equal([search.id]);
      const page = m.announcements.find((a: any) => a.title === 'Page-wide notice');
      expect(m.targets[page.id]).to.equal(undefined);
    } finally {
      sock.close();
    }
  });
});

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

  it('the public page keeps every notice, and a notice for some components says which ("Affects: …")', async () => {
    await api.post('/api/v1/notices', { title: 'Billing and Search notice', body: 'x', level: 'info', components: [search.id, billing.id] });
    await settle();
    /** Each notice card on a rendered page: its title and its "Affects" line (null = page-wide). */
    const cards = (html: string) =>
      Object.fromEntries([...html.matchAll(/<article class="card notice[^"]*"><h3>([^<]*)<\/h3>(?:<p class="affects">([^<]*)<\/p>)?/g)].map((m) => [m[1], m[2] ?? null]));
    const expected = {
      'Page-wide notice': null,
      'Invoices notice': 'Affects: Invoices',
      'Payments notice': 'Affects: Payments', // the group, not its members again
      'Billing and Search notice': 'Affects: Billing, Search',
    };
    const page = await anon().get('/', { accept: 'text/html' });
    expect(cards(page.text)).to.deep.equal(expected);
    // The live fragment (pushed and polled) shows the same.
    const live = await anon().get('/live/status', { accept: 'text/html' });
    expect(cards(live.text)).to.deep.equal(expected);
  });

  describe('live: each socket subscribes with its filter and receives only what concerns it', () => {
    const sockets: Socket[] = [];
    afterEach(() => sockets.splice(0).forEach((x) => x.close()));
    /** A real socket.io client with `auth` as the banner sends it; every push it receives is kept. */
    const subscriber = (auth: Record<string, string | boolean> = {}) => {
      const sock = connect(`${s.baseUrl}/public`, { transports: ['websocket'], forceNew: true, reconnection: false, auth });
      sockets.push(sock);
      const pushes: any[] = [];
      const statuses: any[] = [];
      sock.on('announcements', (m) => pushes.push(m));
      sock.on('status', (m) => statuses.push(m));
      const ready = new Promise<void>((resolve, reject) => {
        sock.once('connect', () => resolve());
        sock.once('connect_error', reject);
      });
      /** Resolves with the first push (received or to come) that shows `title`. */
      const showing = (title: string) =>
        new Promise<any>((resolve) => {
          const hit = (m: any) => m.announcements.some((a: any) => a.title === title);
          const seen = pushes.find(hit);
          if (seen) return resolve(seen);
          sock.on('announcements', (m) => hit(m) && resolve(m));
        });
      return { sock, pushes, statuses, ready, showing };
    };
    const titlesOf = (m: any) => (m.announcements as { title: string }[]).map((a) => a.title).sort();

    it('a filtered client never receives a notice for another component; an unfiltered one receives all', async () => {
      const a = subscriber({ components: search.id, include: 'next_update' });
      const b = subscriber();
      const g = subscriber({ group: group.id });
      await Promise.all([a.ready, b.ready, g.ready]);
      // On connect each gets the current list for its own filter.
      expect(titlesOf(await a.showing('Search slow'))).to.deep.equal(['Everything odd', 'Page-wide notice', 'Search slow']);

      await api.post('/api/v1/notices', { title: 'Search only', body: 'x', level: 'warning', components: [search.id] });
      await api.post('/api/v1/notices', { title: 'Billing only', body: 'x', level: 'warning', components: [billing.id] });
      await api.post('/api/v1/notices', { title: 'For everyone', body: 'x', level: 'warning' });
      await settle();
      const [pa, pb, pg] = await Promise.all([a.showing('For everyone'), b.showing('For everyone'), g.showing('For everyone')]);
      expect(titlesOf(pa)).to.deep.equal(['Everything odd', 'For everyone', 'Page-wide notice', 'Search only', 'Search slow']);
      expect(titlesOf(pg)).to.deep.equal(['Billing down', 'Billing only', 'Everything odd', 'For everyone', 'Invoices notice', 'Page-wide notice', 'Payments notice']);
      expect(titlesOf(pb)).to.include.members(['Billing only', 'Search only', 'For everyone', 'Billing down', 'Search slow', 'Invoices notice']);
      for (const m of a.pushes) expect(titlesOf(m), 'client A (Search) got a Billing push').to.not.include('Billing only').and.not.include('Billing down');
      for (const m of g.pushes) expect(titlesOf(m)).to.not.include('Search only');

      // Each push is the HTTP answer for the same request, plus its sequence number.
      const http = async (q: string) => JSON.parse((await anon().get(`/api/v1/announcements${q}`)).text);
      expect(pa).to.deep.equal({ seq: pa.seq, ...(await http(`?components=${search.id}&include=next_update`)) });
      expect(pb).to.deep.equal({ seq: pb.seq, ...(await http('')) });
      expect(pb.announcements[0]).to.not.have.property('next_update_at');
      expect(pa.announcements.find((x: any) => x.title === 'Search slow')).to.have.property('next_update_at');
    });

    it('a banner (auth status: false) gets no status page pushes; the status page still does', async () => {
      const banner = subscriber({ components: search.id, include: 'next_update', status: false });
      const page = subscriber();
      await Promise.all([banner.ready, page.ready]);
      await api.post('/api/v1/incidents', { title: 'Search down', severity: 1, message: 'x', components: [{ id: search.id, status: 'major_outage' }] });
      await settle();
      await Promise.all([banner.showing('Search down'), page.showing('Search down')]);
      expect(page.statuses.some((m) => m.html.includes('Search down'))).to.equal(true);
      expect(banner.statuses).to.deep.equal([]);
    });

    it('the status page (auth announcements: false) gets status pushes but no announcement lists, and joins no announcement room', async () => {
      const rooms = () => [...s.runtime.gateway.public.adapter.rooms.keys()].filter((r) => r.startsWith('announcements?'));
      const page = subscriber({ announcements: false });
      const banner = subscriber({ components: search.id, status: false });
      await Promise.all([page.ready, banner.ready]);
      expect(rooms()).to.deep.equal([`announcements?components=${search.id}`]);
      const seen = new Promise<any>((resolve) => page.sock.on('status', (m) => m.html.includes('Search crawling') && resolve(m)));
      await api.post('/api/v1/incidents', { title: 'Search crawling', severity: 2, message: 'x', components: [{ id: search.id, status: 'degraded_performance' }] });
      await settle();
      await Promise.all([seen, banner.showing('Search crawling')]);
      expect(page.pushes, 'announcement pushes to the status page').to.deep.equal([]);
    });

    it('one room per distinct filter, whatever the order of the ids; the room empties with its sockets', async () => {
      const rooms = () => [...s.runtime.gateway.public.adapter.rooms.keys()].filter((r) => r.startsWith('announcements?'));
      const x = subscriber({ components: `${search.id},${billing.id}` });
      const y = subscriber({ components: ` ${billing.id} ,${search.id},${search.id}` });
      const z = subscriber({ include: 'next_update' });
      await Promise.all([x.ready, y.ready, z.ready]);
      const key = `announcements?components=${[search.id, billing.id].sort().join(',')}`;
      expect(rooms()).to.have.members([key, 'announcements?include=next_update']);
      expect(s.runtime.gateway.public.adapter.rooms.get(key)?.size).to.equal(2);
      // The server's side of each socket leaves its rooms before it emits 'disconnect'.
      const gone = [x, y].map((c) => new Promise((resolve) => s.runtime.gateway.public.sockets.get(c.sock.id!)!.once('disconnect', resolve)));
      x.sock.close();
      y.sock.close();
      await Promise.all(gone);
      expect(rooms()).to.deep.equal(['announcements?include=next_update']);
    });

    it('a bad filter is refused at connection with the code the HTTP API answers', async () => {
      const refused = async (auth: Record<string, string>) => {
        const err = await subscriber(auth).ready.then(
          () => null,
          (e: { message: string; data?: { code: string } }) => e,
        );
        expect(err, JSON.stringify(auth)).to.not.equal(null);
        return err!.data?.code;
      };
      expect(await refused({ components: '00000000-0000-4000-8000-000000000000' })).to.equal('component_not_found');
      expect(await refused({ components: 'nope' })).to.equal('validation_failed');
      expect(await refused({ components: `${search.id},`.repeat(60) })).to.equal('validation_failed');
      expect(await refused({ components: ',' })).to.equal('validation_failed');
      expect(await refused({ group: search.id })).to.equal('not_a_group');
      expect(await refused({ include: 'secrets' })).to.equal('validation_failed');
    });
  });
});

import { expect } from 'chai';
import { Client } from '../../support/client.js';
import { component } from '../../support/components.js';
import { staff } from '../../support/factories.js';
import { startTestServer, type TestServer } from '../../support/server.js';

const NOW = '2026-11-29T12:00:00.000Z';
/** What a person reads: the text of the page without tags, scripts or attributes. */
const visible = (html: string) =>
  html
    .replace(/<(script|style|head)[\s\S]*?<\/\1>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&[a-z#0-9]+;/g, ' ')
    .replace(/\s+/g, ' ');
const RAW_ENUMS = /\b(degraded_performance|partial_outage|major_outage|under_maintenance|in_progress|work_start|temporary_fix|final_fix|none impact|investigating|identified)\b/;
const ISO = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;

describe('public pages: words, times, layout, errors, live fragments, static files', () => {
  let s: TestServer;
  let api: Client;
  const anon = () => new Client(s.baseUrl);
  const html = (path: string, headers: Record<string, string> = {}) => anon().get(path, { accept: 'text/html', ...headers });
  const settle = async () => {
    await s.runtime.dispatcher.drain();
    await s.runtime.snapshot.rebuild();
  };
  before(async () => (s = await startTestServer({ now: NOW, env: { SMTP_URL: 'smtp://127.0.0.1:1' } })));
  after(() => s.close());
  beforeEach(async () => {
    s.clock.set(NOW);
    api = new Client(s.baseUrl, (await staff('regular')).token);
    await settle();
  });

  describe('errors on public pages', () => {
    it('a bad incident link, an unknown path and a bad ?month= get the public layout in plain words with a link to the current status', async () => {
      for (const [path, status] of [
        ['/incidents/not-an-id', 400],
        ['/incidents/00000000-0000-4000-8000-000000000000', 404],
        ['/maintenance/nope', 400],
        ['/nowhere', 404],
        ['/history?month=2026-13', 400],
      ] as const) {
        const res = await html(path);
        expect(res.status, path).to.equal(status);
        expect(res.text, path).to.include('status</title>').and.include('href="/history.rss"'); // the public layout
        expect(res.text, path).not.to.include('console');
        expect(res.text, path).to.include('<a href="/">See the current status</a>');
        const words = visible(res.text);
        expect(words, path).not.to.match(/\(body\)|must be an id|_not_found|route_not_found|validation_failed|No route for/);
        expect(words, path).to.match(/can’t find that page|doesn’t look right/);
      }
    });

    it('the API keeps JSON errors and a bad subscribe form names the field in words', async () => {
      const apiErr = await anon().get('/api/v2/nope.json');
      expect(apiErr.status).to.equal(404);
      expect(apiErr.body.error.code).to.equal('route_not_found');
      const form = await anon().request('POST', '/subscribe', 'email=not-an-address', { accept: 'text/html', 'content-type': 'application/x-www-form-urlencoded' });
      expect(form.status).to.equal(400);
      expect(visible(form.text)).to.include('E-mail address : must be an e-mail address').and.include('Please check what you entered');
    });
  });

  describe('the status page', () => {
    it('one vocabulary and human times without JavaScript: no raw enums, no ISO strings, no "(none impact)"', async () => {
      const api1 = await component('API');
      const res = await api.post('/api/v1/incidents', { title: 'Slow API', severity: 2, message: 'Looking into it.', components: [{ id: api1.id, status: 'degraded_performance' }] });
      expect(res.status, res.text).to.equal(201);
      const low = await api.post('/api/v1/incidents', { title: 'Typo on the pricing page', severity: 4, message: 'We know.' });
      expect(low.status, low.text).to.equal(201);
      await settle();
      for (const path of ['/', `/incidents/${res.body.id}`, `/incidents/${low.body.id}`, '/history']) {
        const page = await html(path);
        expect(page.status, path).to.equal(200);
        const words = visible(page.text);
        expect(words, path).not.to.match(RAW_ENUMS);
        expect(words, path).not.to.match(ISO);
        expect(words, path).not.to.match(/none impact|None impact/i);
        expect(words, path).to.include('Nov 29, 2026, 12:00 UTC (07:00 EST)');
      }
      const front = visible((await html('/')).text);
      expect(front).to.include('Degraded performance').and.include('Investigating').and.include('Major impact');
      expect(visible((await html(`/incidents/${res.body.id}`)).text)).to.include('Investigating · Major impact · Affects API');
    });

    it('shows each component once, with its uptime bars beneath it, counted from its start date', async () => {
      await component('Web app', { createdAt: new Date('2026-11-28T09:00:00Z') });
      await component('Search', { startDate: '2026-06-01' });
      await settle();
      const page = (await html('/')).text;
      const words = visible(page);
      expect(page.match(/class="name">Web app</g)).to.have.length(1);
      expect(page.match(/class="name">Search</g)).to.have.length(1);
      expect(page).not.to.include('id="uptime"'); // no separate uptime section
      // Beneath its name and status: the bars, hidden from screen readers, which get the summary and table instead.
      const web = page.slice(page.indexOf('class="name">Web app<'));
      expect(web.slice(0, 400)).to.match(/<ol class="bars" aria-hidden="true"><li class="day level-no_data" title="Sep 1, 2026: No data">/);
      expect(words).to.include('100.00 % uptime since Nov 28, 2026');
      expect(words).to.include('100.00 % uptime over the last 90 days'); // Search started long ago
      expect((page.match(/level-no_data/g) ?? []).length).to.equal(88); // Web app's days before Nov 28
    });

    it('keyboard and markup: no focusable day cells, no aria-label on a div, an h1, a favicon', async () => {
      await component('API');
      await settle();
      const page = (await html('/')).text;
      expect(page).not.to.match(/tabindex/);
      expect(page).not.to.match(/<div[^>]*aria-label/);
      expect(page).to.match(/<h1[^>]*>All Systems Operational<\/h1>/);
      expect(page).to.include('<details class="uptime-days">');
      expect(page).to.include('<link rel="icon" href="/public/favicon.svg" type="image/svg+xml">');
      const icon = await anon().get('/public/favicon.svg');
      expect(icon.status).to.equal(200);
      expect(icon.headers.get('content-type')).to.include('image/svg+xml');
    });

    it('shows only the latest update of each active incident, with a link to the full timeline', async () => {
      const inc = await api.post('/api/v1/incidents', { title: 'Checkout failing', severity: 1, message: 'First: investigating.' });
      for (const [at, status, message] of [['2026-11-29T12:10:00Z', 'identified', 'Second: found it.'], ['2026-11-29T12:20:00Z', 'monitoring', 'Third: fix deployed.']]) {
        s.clock.set(at!);
        expect((await api.post(`/api/v1/incidents/${inc.body.id}/updates`, { status, message })).status).to.equal(201);
      }
      await settle();
      const words = visible((await html('/')).text);
      expect(words).to.include('Monitoring — Third: fix deployed.');
      expect(words).not.to.include('First: investigating.');
      expect(words).to.include('Full timeline (2 earlier updates)');
      expect((await html('/')).text).to.include(`<a href="/incidents/${inc.body.id}">Full timeline`);
      expect(visible((await html(`/incidents/${inc.body.id}`)).text)).to.include('First: investigating.');
    });
  });

  describe('live fragments (for pages that poll) and static files', () => {
    it('serves the live part of / and of an incident page with an ETag: 304 until something changes', async () => {
      const first = await html('/live/status');
      expect(first.status).to.equal(200);
      expect(first.text).to.include('id="status-line"').and.not.include('<html');
      const etag = first.headers.get('etag')!;
      expect((await html('/live/status', { 'if-none-match': etag })).status).to.equal(304);
      const inc = await api.post('/api/v1/incidents', { title: 'Queue delays', severity: 2, message: 'Looking.' });
      await settle();
      const changed = await html('/live/status', { 'if-none-match': etag });
      expect(changed.status).to.equal(200);
      expect(changed.text).to.include('Queue delays');

      const frag = await html(`/live/incidents/${inc.body.id}`);
      expect(frag.status).to.equal(200);
      expect((await html(`/live/incidents/${inc.body.id}`, { 'if-none-match': frag.headers.get('etag')! })).status).to.equal(304);
      await api.post(`/api/v1/incidents/${inc.body.id}/updates`, { status: 'identified', message: 'A stuck consumer.' });
      const after = await html(`/live/incidents/${inc.body.id}`, { 'if-none-match': frag.headers.get('etag')! });
      expect(after.status).to.equal(200);
      expect(after.text).to.include('A stuck consumer.');
      expect((await html('/live/incidents/nope')).status).to.equal(400);
    });

    it('compresses static files and the banner, with ETags, and serves the minified socket.io client', async () => {
      for (const path of ['/public/css/status.css', '/public/js/status-live.js', '/embed/banner.js', '/public/vendor/socket.io.min.js']) {
        const res = await anon().get(path, { 'accept-encoding': 'br, gzip' });
        expect(res.status, path).to.equal(200);
        expect(res.headers.get('content-encoding'), path).to.equal('br');
        expect(res.headers.get('vary'), path).to.include('Accept-Encoding');
        const etag = res.headers.get('etag')!;
        expect((await anon().get(path, { 'accept-encoding': 'br, gzip', 'if-none-match': etag })).status, path).to.equal(304);
      }
      const gz = await anon().get('/embed/banner.js', { 'accept-encoding': 'gzip' });
      expect(gz.headers.get('content-encoding')).to.equal('gzip');
      expect(gz.headers.get('access-control-allow-origin')).to.equal('*');
      expect(gz.headers.get('cross-origin-resource-policy')).to.equal('cross-origin');
      expect(gz.text).to.include('BeaconBanner');
      const min = await anon().get('/public/vendor/socket.io.min.js');
      expect(min.text.length).to.be.below(60_000); // the minified build, not the 150 KB one
      expect((await html('/')).text).to.include('<script src="/public/vendor/socket.io.min.js" defer>');
      for (const bad of ['/public/../package.json', '/public/%2e%2e/package.json', '/public/%E0%A4%A', '/public/css/nope.css'])
        expect((await anon().get(bad)).status, bad).to.equal(404);
    });
  });
});

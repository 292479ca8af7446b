import { expect } from 'chai';
import type { Browser, BrowserContext, Page, Route } from 'playwright-core';
import { Client } from '../support/client.js';
import type { TestServer } from '../support/server.js';
import { browserSuite, pageErrors, serveSite, settle, until, type StaticSite } from './browser.js';

const T = '2026-11-29T12:00:00.000Z';
const at = (minutes: number) => new Date(Date.parse(T) + minutes * 60_000).toISOString();

/** A host app on another origin, with CSS hostile enough to show any leak in either direction. */
function hostPage(beacon: string, scriptAttrs = ''): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Host app</title>
<style>
  body { color: rgb(255, 0, 0); font-size: 31px; font-family: serif; }
  button { display: none !important; }
  div, span, strong, a { color: rgb(255, 0, 0) !important; background: rgb(0, 255, 0) !important; }
</style>
<script>window.io = 'host-io'; window.__globalsBefore = Object.getOwnPropertyNames(window);</script>
<script src="${beacon}/embed/banner.js" async ${scriptAttrs}></script>
</head><body>
<header id="host-header" class="item label title stack">Host app header</header>
<main><p class="body">Host content</p></main>
</body></html>`;
}

const host = (page: Page) => page.locator('beacon-banner');
const item = (page: Page, title: string) => host(page).locator('.item', { hasText: title });

describe('embeddable announcement banner', () => {
  let s: TestServer;
  let site: StaticSite;
  let browser: Browser;
  let context: BrowserContext | null = null;
  let api: Client;

  browserSuite(T, (e) => ({ s, browser, context, api } = e));
  before(async () => {
    site = await serveSite({
      '/': hostPage(s.baseUrl),
      '/kinds': hostPage(s.baseUrl, 'data-beacon-kinds="maintenance, notice"'),
      // An AMD loader on the page: the banner leaves socket.io alone and polls instead.
      '/amd': hostPage(s.baseUrl).replace('<script>', '<script>window.define = function () {}; window.define.amd = {};</script><script>'),
    });
  });
  after(async () => {
    await site?.close();
  });

  it('is served cross-origin as JavaScript with a short public cache', async () => {
    const res = await fetch(`${s.baseUrl}/embed/banner.js`);
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.equal('application/javascript; charset=utf-8');
    expect(res.headers.get('access-control-allow-origin')).to.equal('*');
    expect(res.headers.get('cache-control')).to.equal('public, max-age=300');
    expect(await res.text()).to.contain('BeaconBanner');
  });

  describe('rendering (announcements API stubbed, socket blocked → polling fallback)', () => {
    let payload: { announcements: unknown[]; generated_at: string };
    const announcement = (over: Record<string, unknown>) => ({
      level: 'info',
      body: 'Body text.',
      starts_at: null,
      ends_at: null,
      url: null,
      dismissible: true,
      ...over,
    });
    const fixtures = () => [
      announcement({ id: 'notice:00000000-0000-4000-8000-000000000003', kind: 'notice', level: 'info', title: 'New status page address', dismissible: false }),
      announcement({
        id: 'maintenance:00000000-0000-4000-8000-000000000002',
        kind: 'maintenance',
        level: 'warning',
        title: 'Database upgrade tonight',
        starts_at: at(29),
        ends_at: at(89),
        url: 'javascript:alert(1)',
      }),
      announcement({ id: 'incident:00000000-0000-4000-8000-000000000001', kind: 'incident', level: 'critical', title: 'Checkout is failing', url: '/incidents/abc' }),
    ];
    let apiHits = 0;

    beforeEach(async () => {
      payload = { announcements: fixtures(), generated_at: T };
      apiHits = 0;
      await context!.route(
        (url) => url.origin === s.baseUrl && url.pathname === '/api/v1/announcements',
        (route: Route) => {
          apiHits++;
          return route.fulfill({
            status: 200,
            headers: { 'access-control-allow-origin': '*', 'content-type': 'application/json', 'cache-control': 'no-cache' },
            body: JSON.stringify(payload),
          });
        },
      );
      // The socket.io client and its transports: blocked, so the banner polls the stubbed API.
      await context!.route((url) => url.origin === s.baseUrl && (url.pathname.startsWith('/socket.io/') || url.pathname === '/public/vendor/socket.io.min.js'), (route: Route) => route.abort());
    });

    it('renders an isolated, accessible stack, most severe first, without leaking styles or globals', async () => {
      const page = await context!.newPage();
      const errors = pageErrors(page);
      await page.goto(site.origin + '/');
      await item(page, 'Checkout is failing').waitFor({ timeout: 5_000 });

      const info = await page.evaluate(() => {
        const h = document.querySelector('beacon-banner') as HTMLElement;
        const root = h.shadowRoot!;
        const stack = root.querySelector('.stack') as HTMLElement;
        const items = [...root.querySelectorAll<HTMLElement>('.item')];
        const title = root.querySelector('.title') as HTMLElement;
        const button = root.querySelector('.dismiss') as HTMLElement;
        const header = document.getElementById('host-header')!;
        return {
          firstInBody: document.body.firstElementChild === h,
          role: stack.getAttribute('role'),
          live: stack.getAttribute('aria-live'),
          order: items.map((i) => i.dataset.level),
          labels: items.map((i) => i.querySelector('.label')!.textContent),
          buttons: items.map((i) => i.querySelector('button.dismiss')?.getAttribute('aria-label') ?? null),
          links: items.map((i) => (i.querySelector('a') as HTMLAnchorElement | null)?.href ?? null),
          colours: items.map((i) => getComputedStyle(i).backgroundColor),
          titleColour: getComputedStyle(title).color,
          stackFontSize: getComputedStyle(stack).fontSize,
          buttonDisplay: getComputedStyle(button).display,
          headerDisplay: getComputedStyle(header).display,
          headerTransform: getComputedStyle(header).textTransform,
          io: (window as unknown as { io: unknown }).io,
          newGlobals: Object.getOwnPropertyNames(window).filter(
            (n) => !(window as unknown as { __globalsBefore: string[] }).__globalsBefore.includes(n) && n !== '__globalsBefore',
          ),
          refresh: typeof (window as unknown as { BeaconBanner?: { refresh?: unknown } }).BeaconBanner?.refresh,
        };
      });
      expect(info.firstInBody, 'banner sits at the top of <body>').to.equal(true);
      expect([info.role, info.live]).to.deep.equal(['status', 'polite']);
      expect(info.order).to.deep.equal(['critical', 'warning', 'info']);
      expect(info.labels[0]).to.match(/Critical/);
      expect(info.labels[1]).to.match(/Warning/);
      expect(info.labels[2]).to.match(/Info/);
      expect(new Set(info.colours).size, 'each level has its own colours').to.equal(3);
      expect(info.buttons).to.deep.equal(['Dismiss announcement: Checkout is failing', 'Dismiss announcement: Database upgrade tonight', null]);
      expect(info.links, 'relative URLs resolve against Beacon; javascript: URLs are dropped').to.deep.equal([`${s.baseUrl}/incidents/abc`, null, null]);
      // Host CSS does not get in…
      expect(info.titleColour).to.not.equal('rgb(255, 0, 0)');
      expect(info.stackFontSize).to.equal('14px');
      expect(info.buttonDisplay).to.not.equal('none');
      // …and ours does not get out.
      expect(info.headerDisplay).to.equal('block');
      expect(info.headerTransform).to.equal('none');
      // The socket.io client never overwrote the page's own `io` (loading was blocked here, so also
      // check the restore path below) and the only new global is BeaconBanner.
      expect(info.io).to.equal('host-io');
      expect(info.newGlobals).to.deep.equal(['BeaconBanner']);
      expect(info.refresh).to.equal('function');
      expect(errors.filter((e) => !/socket\.io|ERR_FAILED|Failed to load resource/.test(e))).to.deep.equal([]);
    });

    it('dismisses from the keyboard, remembers it per id, and filters kinds from the script tag', async () => {
      const page = await context!.newPage();
      await page.goto(site.origin + '/');
      await item(page, 'Checkout is failing').waitFor({ timeout: 5_000 });
      // Tab: the incident's Details link, then its dismiss button.
      await page.keyboard.press('Tab');
      await page.keyboard.press('Tab');
      const focused = () => page.evaluate(() => document.querySelector('beacon-banner')!.shadowRoot!.activeElement?.getAttribute('aria-label') ?? null);
      expect(await focused()).to.equal('Dismiss announcement: Checkout is failing');
      await page.keyboard.press('Enter');
      await item(page, 'Checkout is failing').waitFor({ state: 'detached', timeout: 2_000 });
      expect(await focused(), 'focus moves to the next dismiss button').to.equal('Dismiss announcement: Database upgrade tonight');
      const stored = await page.evaluate(() => localStorage.getItem('beacon-banner-dismissed'));
      expect(JSON.parse(stored!)).to.deep.equal(['incident:00000000-0000-4000-8000-000000000001']);

      await page.reload();
      await item(page, 'Database upgrade tonight').waitFor({ timeout: 5_000 });
      expect(await item(page, 'Checkout is failing').count()).to.equal(0);

      // kinds filter (same origin, so the dismissal above applies too — incidents are filtered anyway)
      const kinds = await context!.newPage();
      await kinds.goto(site.origin + '/kinds');
      await item(kinds, 'Database upgrade tonight').waitFor({ timeout: 5_000 });
      expect(await kinds.evaluate(() => [...document.querySelector('beacon-banner')!.shadowRoot!.querySelectorAll<HTMLElement>('.item')].map((i) => i.dataset.kind))).to.deep.equal([
        'maintenance',
        'notice',
      ]);
    });

    it('polls every 30 s while the socket is unavailable, and refresh() fetches at once', async () => {
      const page = await context!.newPage();
      await page.clock.install({ time: new Date(T) });
      await page.goto(site.origin + '/');
      await item(page, 'Checkout is failing').waitFor({ timeout: 5_000 });

      payload = { announcements: [announcement({ id: 'notice:00000000-0000-4000-8000-000000000009', kind: 'notice', title: 'Polled notice' })], generated_at: T };
      const before = apiHits;
      await page.clock.runFor(29_000);
      expect(apiHits, 'no poll before 30 s').to.equal(before);
      await page.clock.runFor(1_500);
      await item(page, 'Polled notice').waitFor({ timeout: 5_000 });
      expect(await item(page, 'Checkout is failing').count()).to.equal(0);

      payload = { announcements: [announcement({ id: 'notice:00000000-0000-4000-8000-000000000010', kind: 'notice', title: 'Refreshed notice' })], generated_at: T };
      await page.evaluate(() => (window as unknown as { BeaconBanner: { refresh(): unknown } }).BeaconBanner.refresh());
      await item(page, 'Refreshed notice').waitFor({ timeout: 5_000 });
    });
  });

  describe('against the live server', () => {
    it('polls the real API with If-None-Match revalidation when the socket cannot be used', async () => {
      const page = await context!.newPage();
      const polls: { status: number; ifNoneMatch: string | undefined; acceptEncoding: string | undefined }[] = [];
      page.on('response', async (r) => {
        // The banner always asks for the "next update by" promise.
        if (!r.url().endsWith('/api/v1/announcements?include=next_update') || r.request().method() !== 'GET') return;
        const h = await r.request().allHeaders();
        polls.push({ status: r.status(), ifNoneMatch: h['if-none-match'], acceptEncoding: h['accept-encoding'] });
      });
      await page.clock.install({ time: new Date(T) });
      await page.goto(site.origin + '/amd');
      await until(() => host(page).getAttribute('data-loaded'), 'banner loaded from the API');
      await page.clock.runFor(30_500);
      await until(() => polls.length >= 2, 'a second poll after 30 s');
      expect(polls[0]!.status).to.equal(200);
      expect(polls[1]!.ifNoneMatch, 'the poll revalidates with the ETag').to.match(/^"/);
      // The browser turns the 304 back into its cached 200 for the page (and no request log shows
      // the 304), so ask the server the browser's exact question and check it answers 304.
      const { default: http } = await import('node:http');
      const status = await new Promise<number>((resolve, reject) => {
        http
          .get(`${s.baseUrl}/api/v1/announcements?include=next_update`, { headers: { 'if-none-match': polls[1]!.ifNoneMatch!, 'accept-encoding': polls[1]!.acceptEncoding ?? '' } }, (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          })
          .on('error', reject);
      });
      expect(status, 'server answers the browser\'s revalidation with 304').to.equal(304);

      const notice = 'Polled from the real API';
      const m = await api.post('/api/v1/maintenances', { title: notice, body: 'b', kind: 'unplanned', reason: 'r', scheduled_for: at(10), scheduled_until: at(70) });
      expect(m.status, m.text).to.equal(201);
      await settle(s);
      await page.clock.runFor(30_500);
      await item(page, notice).waitFor({ timeout: 5_000 });
      expect(await page.evaluate(() => typeof (window as unknown as { io?: unknown }).io)).to.equal('string');
    });

    it('shows a maintenance announced 30 min ahead, keeps a dismissal across reloads, and pushes a new incident live', async () => {
      const title = 'Emergency storage failover';
      const m = await api.post('/api/v1/maintenances', {
        title,
        body: 'Moving volumes off a failing array.',
        kind: 'unplanned',
        reason: 'Disk array degraded',
        scheduled_for: at(29),
        scheduled_until: at(89),
      });
      expect(m.status, m.text).to.equal(201);
      await settle(s);

      const listed = await api.get('/api/v1/announcements');
      expect(listed.status, `server side: GET /api/v1/announcements → ${listed.status} ${listed.text.slice(0, 200)}`).to.equal(200);
      expect(listed.headers.get('access-control-allow-origin'), 'server side: announcements CORS').to.equal('*');
      expect(
        (listed.body.announcements as { id: string; title: string }[]).map((a) => [a.id, a.title]),
        'server side: the maintenance is announced from 30 min before its start',
      ).to.deep.include([`maintenance:${m.body.id}`, title]);

      const page = await context!.newPage();
      const errors = pageErrors(page);
      await page.goto(site.origin + '/');
      await item(page, title)
        .waitFor({ timeout: 5_000 })
        .catch((e: Error) => {
          throw new Error(`banner did not show "${title}": ${e.message}\n${errors.join('\n')}`);
        });
      expect(await item(page, title).getAttribute('data-level')).to.be.oneOf(['info', 'warning', 'critical']);

      await host(page).getByRole('button', { name: `Dismiss announcement: ${title}` }).click();
      await item(page, title).waitFor({ state: 'detached', timeout: 2_000 });
      expect(JSON.parse((await page.evaluate(() => localStorage.getItem('beacon-banner-dismissed')))!)).to.deep.equal([`maintenance:${m.body.id}`]);

      await page.reload();
      await until(() => host(page).getAttribute('data-loaded'), 'banner loaded after reload');
      // Give the socket time to connect and push its snapshot too: the dismissal must survive both.
      await until(() => page.evaluate(() => !document.querySelector('script[src$="/public/vendor/socket.io.min.js"]')), 'socket.io client loaded');
      await page.waitForTimeout(1_000);
      expect(await item(page, title).count(), 'dismissed maintenance stays hidden after reload').to.equal(0);
      expect(await page.evaluate(() => (window as unknown as { io: unknown }).io), 'host page `io` restored').to.equal('host-io');

      await page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));
      const incident = await api.post('/api/v1/incidents', { title: 'Checkout is failing', severity: 1, message: 'Payments time out.' });
      expect(incident.status, incident.text).to.equal(201);
      await settle(s);

      // Polling runs every 30 s, so showing up within 5 s means the socket pushed it.
      await item(page, 'Checkout is failing')
        .waitFor({ timeout: 5_000 })
        .catch((e: Error) => {
          throw new Error(`incident was not pushed live: ${e.message}\n${errors.join('\n')}`);
        });
      expect(await item(page, 'Checkout is failing').getAttribute('data-level')).to.equal('critical');
      expect(await item(page, 'Checkout is failing').locator('.label').textContent()).to.match(/Critical/);
      expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument), 'no reload').to.equal(true);
      expect(await item(page, title).count(), 'the dismissed maintenance stays hidden').to.equal(0);
    });
  });
});

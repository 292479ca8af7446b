import { createRequire } from 'node:module';
import { expect } from 'chai';
import type { Browser, BrowserContext, Page, Route, WebSocketRoute } from 'playwright-core';
import { Client } from '../support/client.js';
import { component } from '../support/components.js';
import type { TestServer } from '../support/server.js';
import { browserSuite, pageErrors, serveSite, settle, until } from './browser.js';

const T = '2026-11-29T12:00:00.000Z';
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/** axe-core's findings on the page (WCAG 2.x A/AA and best practice), every impact level. */
async function axeFindings(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: AXE });
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: unknown, opts: unknown) => Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }> } }).axe;
    const r = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] } });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, targets: v.nodes.map((n) => n.target.join(' ')).slice(0, 3) }));
  });
  return violations.map((v) => `${v.impact} ${v.id}: ${v.targets.join(', ')}`);
}

/** WCAG contrast ratio of two `rgb(r, g, b)` colours. */
function contrast(a: string, b: string): number {
  const lum = (c: string) => {
    const [r, g, bl] = (c.match(/\d+(\.\d+)?/g) ?? []).slice(0, 3).map((v) => {
      const x = Number(v) / 255;
      return x <= 0.03928 ? x / 12.92 : ((x + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * bl!;
  };
  const [hi, lo] = [lum(a), lum(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
}

describe('public pages in a browser: no-JS times, keyboard, live, fallbacks, phone banner, accessibility', () => {
  let s: TestServer;
  let browser: Browser;
  let context: BrowserContext | null = null;
  let api: Client;

  // E-mail on (nothing is sent: the dispatcher is off in tests) so the page offers the subscribe form.
  browserSuite(T, (e) => ({ s, browser, context, api } = e), { env: () => ({ SMTP_URL: 'smtp://127.0.0.1:1' }) });

  /** A page like a real one: five components, an active incident with two updates, upcoming maintenance. */
  async function seed() {
    const comps = [];
    for (const name of ['Web app', 'API', 'Mobile apps', 'Notifications', 'Search']) comps.push(await component(name, { createdAt: new Date('2026-11-28T09:00:00Z') }));
    const inc = await api.post('/api/v1/incidents', { title: 'Slow API responses', severity: 2, message: 'We are investigating slow responses.', components: [{ id: comps[1]!.id, status: 'degraded_performance' }] });
    expect(inc.status, inc.text).to.equal(201);
    s.clock.set('2026-11-29T12:05:00Z');
    expect((await api.post(`/api/v1/incidents/${inc.body.id}/updates`, { status: 'identified', message: 'A slow database query.' })).status).to.equal(201);
    const m = await api.post('/api/v1/maintenances', { title: 'Database upgrade', body: 'Postgres 17.', kind: 'planned', scheduled_for: '2026-12-06T03:00:00Z', scheduled_until: '2026-12-06T05:00:00Z', components: [comps[1]!.id] });
    expect(m.status, m.text).to.equal(201);
    await settle(s);
    return { comps, incidentId: inc.body.id as string, maintenanceId: m.body.id as string };
  }

  it('without JavaScript, times read as people read them (UTC and US Eastern); with it, in the viewer’s zone', async () => {
    const { incidentId } = await seed();
    const noJs = await browser.newContext({ javaScriptEnabled: false });
    try {
      for (const path of ['/', `/incidents/${incidentId}`]) {
        const page = await noJs.newPage();
        await page.goto(s.baseUrl + path);
        const times = await page.locator('time[data-local]').allTextContents();
        expect(times.length, path).to.be.greaterThan(0);
        for (const t of times) {
          expect(t, path).to.match(/^[A-Z][a-z]{2} \d{1,2}, \d{4}, \d{2}:\d{2} UTC \((?:[A-Z][a-z]{2} \d{1,2}, )?\d{2}:\d{2} E[SD]T\)$/);
          expect(t, path).not.to.match(/\d{4}-\d{2}-\d{2}T/);
        }
        expect((await page.locator('.foot').textContent()) ?? '').to.include('Times are in UTC, with US Eastern time in brackets.');
      }
    } finally {
      await noJs.close();
    }
    const paris = await browser.newContext({ timezoneId: 'Europe/Paris' });
    try {
      const page = await paris.newPage();
      await page.goto(s.baseUrl + '/');
      await until(async () => ((await page.locator('.foot').textContent()) ?? '').includes('(Europe/Paris)'), 'the footer names the viewer’s zone');
      const first = page.locator('#incidents time[data-local]').first();
      expect(await first.textContent()).to.equal('Nov 29, 2026, 13:05 GMT+1');
      expect(await first.getAttribute('title')).to.equal('Nov 29, 2026, 12:05 UTC (07:05 EST)');
    } finally {
      await paris.close();
    }
  });

  it('reaches the subscribe field from the top of the page in at most 30 Tab presses', async () => {
    await seed();
    const page = await context!.newPage();
    await page.goto(s.baseUrl + '/');
    let presses = 0;
    while (presses < 100 && (await page.evaluate(() => document.activeElement?.id)) !== 'sub-email') {
      await page.keyboard.press('Tab');
      presses++;
    }
    expect(presses, 'Tab presses from the top to the e-mail field').to.be.at.most(30);
    // A visible focus ring with at least 3:1 contrast against the white card around the field.
    const ring = await page.evaluate(() => {
      const st = getComputedStyle(document.activeElement!);
      return { style: st.outlineStyle, width: parseFloat(st.outlineWidth), color: st.outlineColor };
    });
    expect(ring.style).to.equal('solid');
    expect(ring.width).to.be.at.least(2);
    expect(contrast(ring.color, 'rgb(255, 255, 255)'), ring.color).to.be.at.least(3);
    // The bars are one summary per component, not 90 stops: every stop is a link, a summary or a form field.
    const stops = await page.evaluate(() => [...document.querySelectorAll('a[href], summary, input, button, [tabindex]')].filter((e) => (e as HTMLElement).tabIndex >= 0).length);
    expect(stops).to.be.below(30);
  });

  it('shows "Reconnecting…" while the socket is down, and clears it when it is back', async () => {
    await seed();
    const page = await context!.newPage();
    const errors = pageErrors(page);
    let down = false;
    const open: WebSocketRoute[] = [];
    await page.routeWebSocket(/\/socket\.io\//, (ws) => {
      if (down) return ws.close();
      ws.connectToServer();
      open.push(ws);
    });
    await page.goto(s.baseUrl + '/');
    const root = page.locator('#live-root');
    await until(async () => (await root.getAttribute('data-live')) === 'live', `the socket connects\n${errors.join('\n')}`);
    const state = page.locator('#live-state');
    expect(await state.isVisible()).to.equal(false);

    down = true; // the network drops: the connection closes and new ones fail
    for (const ws of open) await ws.close();
    await until(async () => (await state.isVisible()) && (await state.textContent()) === 'Reconnecting…', 'a visible "Reconnecting…"', 3_000, 50);

    down = false;
    await until(async () => (await root.getAttribute('data-live')) === 'live' && !(await state.isVisible()), 'the state clears after reconnecting', 15_000);
  });

  it('falls back to polling with If-None-Match when websockets (and socket.io polling) are blocked, and updates arrive', async () => {
    const { incidentId } = await seed();
    const page = await context!.newPage();
    await page.addInitScript(() => ((window as unknown as { BEACON_POLL_MS: number }).BEACON_POLL_MS = 300));
    await page.routeWebSocket(/\/socket\.io\//, (ws) => ws.close());
    await page.route((url) => url.pathname.startsWith('/socket.io/'), (route: Route) => route.abort());
    const polls: { status: number; conditional: boolean }[] = [];
    page.on('response', (r) => {
      if (new URL(r.url()).pathname.startsWith('/live/')) polls.push({ status: r.status(), conditional: Boolean(r.request().headers()['if-none-match']) });
    });
    await page.goto(s.baseUrl + '/');
    const state = page.locator('#live-state');
    await until(async () => (await page.locator('#live-root').getAttribute('data-live')) === 'polling', 'switches to polling', 10_000);
    expect(await state.textContent()).to.include('checking for updates every');
    await page.evaluate(() => ((window as unknown as { __same: boolean }).__same = true));

    const title = 'Search results are empty';
    expect((await api.post('/api/v1/incidents', { title, severity: 1, message: 'Investigating.' })).status).to.equal(201);
    await settle(s);
    await until(async () => ((await page.locator('#incidents').textContent()) ?? '').includes(title), 'the new incident arrives by polling', 10_000);
    expect(await page.locator('#status-line').getAttribute('data-indicator')).to.equal('critical');
    expect(await page.title()).to.equal(`${((await page.locator('#status-line').textContent()) ?? '').trim()} · Beacon status`);
    expect(await page.evaluate(() => (window as unknown as { __same?: boolean }).__same), 'no reload').to.equal(true);
    await until(() => polls.some((p) => p.conditional && p.status === 304), 'a poll that finds nothing new is a 304');
    // The bars survive the fragment swap.
    expect(await page.locator('#components .bars').count()).to.equal(5);

    // The incident page polls its own fragment the same way.
    const inc = await context!.newPage();
    await inc.addInitScript(() => ((window as unknown as { BEACON_POLL_MS: number }).BEACON_POLL_MS = 300));
    await inc.routeWebSocket(/\/socket\.io\//, (ws) => ws.close());
    await inc.goto(`${s.baseUrl}/incidents/${incidentId}`);
    s.clock.set('2026-11-29T12:30:00Z');
    expect((await api.post(`/api/v1/incidents/${incidentId}/updates`, { status: 'monitoring', message: 'A fix is deployed.' })).status).to.equal(201);
    await settle(s);
    await until(async () => ((await inc.locator('.updates').textContent()) ?? '').includes('A fix is deployed.'), 'the incident page updates by polling', 10_000);
  });

  it('updates incident and maintenance pages live over the socket', async () => {
    const { incidentId, maintenanceId } = await seed();
    const page = await context!.newPage();
    const errors = pageErrors(page);
    await page.goto(`${s.baseUrl}/incidents/${incidentId}`);
    await until(async () => (await page.locator('#live-root').getAttribute('data-live')) === 'live', `connected\n${errors.join('\n')}`);
    s.clock.set('2026-11-29T12:30:00Z');
    expect((await api.post(`/api/v1/incidents/${incidentId}/updates`, { status: 'resolved', message: 'All good now.' })).status).to.equal(201);
    await settle(s);
    await until(async () => ((await page.locator('.updates').textContent()) ?? '').includes('All good now.'), `the update appears without reload\n${errors.join('\n')}`);
    expect(await page.locator('.facts').textContent()).to.include('Resolved');

    const m = await context!.newPage();
    await m.goto(`${s.baseUrl}/maintenance/${maintenanceId}`);
    await until(async () => (await m.locator('#live-root').getAttribute('data-live')) === 'live', 'connected');
    s.clock.set('2026-12-06T03:00:30Z'); // its start: the watcher starts it
    await s.runtime.maintenanceWatcher.tick();
    await settle(s);
    await until(async () => ((await m.locator('.facts').textContent()) ?? '').includes('In progress'), 'the maintenance page shows it started');
  });

  it('keeps the in-app banner compact on a 390 px phone (one line, expandable)', async () => {
    const site = await serveSite({ '/': `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>App</title><script src="${s.baseUrl}/embed/banner.js" async></script></head><body><main><h1>App</h1></main></body></html>` });
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true });
    try {
      const long = 'Payments are failing for some customers using saved cards in the mobile apps';
      await phone.route(
        (url) => url.origin === s.baseUrl && url.pathname === '/api/v1/announcements',
        (route: Route) =>
          route.fulfill({
            status: 200,
            headers: { 'access-control-allow-origin': '*', 'content-type': 'application/json' },
            body: JSON.stringify({
              generated_at: T,
              announcements: [
                { id: 'incident:1', kind: 'incident', level: 'critical', title: long, body: 'We are investigating and will update within 30 minutes.', starts_at: null, ends_at: null, url: '/incidents/1', dismissible: true },
                { id: 'maintenance:2', kind: 'maintenance', level: 'warning', title: 'Database upgrade tonight', body: 'Short downtime expected.', starts_at: '2026-11-29T12:29:00Z', ends_at: '2026-11-29T13:29:00Z', url: null, dismissible: true },
                { id: 'notice:3', kind: 'notice', level: 'info', title: 'New status page address', body: 'Bookmark it.', starts_at: null, ends_at: null, url: null, dismissible: false },
              ],
            }),
          }),
      );
      await phone.route((url) => url.origin === s.baseUrl && (url.pathname.startsWith('/socket.io/') || url.pathname === '/public/vendor/socket.io.min.js'), (route: Route) => route.abort());
      const page = await phone.newPage();
      await page.goto(site.origin + '/');
      const host = page.locator('beacon-banner');
      await host.locator('.item').first().waitFor({ timeout: 5_000 });
      const compact = (await host.boundingBox())!.height;
      expect(compact, 'one line on a phone').to.be.at.most(48);
      const expand = host.locator('.item').first().locator('.expand');
      expect(await expand.getAttribute('aria-expanded')).to.equal('false');
      expect(await expand.getAttribute('aria-label')).to.equal('Show all 3 announcements');
      await expand.click();
      expect(await expand.getAttribute('aria-expanded')).to.equal('true');
      const full = (await host.boundingBox())!.height;
      expect(full, 'expanded: every announcement in full').to.be.greaterThan(compact * 3);
      expect(await host.locator('.item .body').first().isVisible()).to.equal(true);
      await expand.click();
      expect((await host.boundingBox())!.height).to.equal(compact);
    } finally {
      await phone.close();
      await site.close();
    }
  });

  // The bar is 0 serious or critical findings; these pages have none at all (the old status page had no <h1>).
  it('has no axe-core findings on the status page, an incident page, a maintenance page, history and an error page', async () => {
    const { incidentId, maintenanceId } = await seed();
    const axeContext = await browser.newContext({ bypassCSP: true }); // only so axe can be injected under the pages' CSP
    for (const path of ['/', `/incidents/${incidentId}`, `/maintenance/${maintenanceId}`, '/history', '/nowhere']) {
      const page = await axeContext.newPage();
      await page.goto(s.baseUrl + path);
      // Open one uptime table so it is checked too.
      if (path === '/') await page.locator('details.uptime-days summary').first().click();
      expect(await axeFindings(page), path).to.deep.equal([]);
      await page.close();
    }
    await axeContext.close();
  });
});

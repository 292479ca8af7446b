import { expect } from 'chai';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { Client } from '../support/client.js';
import { component } from '../support/components.js';
import type { TestServer } from '../support/server.js';
import { browserSuite, pageErrors, serveSite, settle, until } from './browser.js';

const T = '2026-11-29T12:00:00.000Z';

const hostPage = (beacon: string, attrs: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Billing app</title>
<script src="${beacon}/embed/banner.js" async ${attrs}></script>
</head><body><main><p>Billing app</p></main></body></html>`;

const host = (page: Page) => page.locator('beacon-banner');
const item = (page: Page, title: string) => host(page).locator('.item', { hasText: title });

describe('embeddable banner with data-components (targeted)', () => {
  let s: TestServer;
  let browser: Browser;
  let context: BrowserContext | null = null;
  let api: Client;
  browserSuite(T, (e) => ({ s, browser, context, api } = e));

  it('shows only what concerns its components plus page-wide notices, over HTTP and on live pushes', async () => {
    const billing = await component('Billing');
    const search = await component('Search');
    const post = async (path: string, body: Record<string, unknown>) => {
      const res = await api.post(path, body);
      expect(res.status, res.text).to.equal(201);
    };
    await post('/api/v1/incidents', { title: 'Billing down', severity: 1, message: 'Invoices fail.', components: [{ id: billing.id, status: 'major_outage' }], next_update_in: 30 });
    await post('/api/v1/incidents', { title: 'Search slow', severity: 2, message: 'Slow.', components: [{ id: search.id, status: 'degraded_performance' }] });
    await post('/api/v1/notices', { title: 'Page-wide notice', body: 'For everyone.', level: 'info' });
    await post('/api/v1/notices', { title: 'Search notice', body: 'Search only.', level: 'info', components: [search.id] });
    await settle(s);

    const site = await serveSite({ '/': hostPage(s.baseUrl, `data-components="${billing.id}"`) });
    try {
      const page = await context!.newPage();
      const errors = pageErrors(page);
      const notFound: string[] = [];
      page.on('response', (r) => void (r.status() === 404 && notFound.push(new URL(r.url()).pathname)));
      // Everything the server pushes to this page: the filtering is the server's, not the script's.
      const frames: string[] = [];
      page.on('websocket', (ws) => ws.on('framereceived', (f) => void frames.push(String(f.payload))));
      await page.goto(site.origin + '/');
      await item(page, 'Billing down').waitFor({ timeout: 5_000 });
      await item(page, 'Page-wide notice').waitFor({ timeout: 5_000 });
      expect(await item(page, 'Search slow').count()).to.equal(0);
      expect(await item(page, 'Search notice').count()).to.equal(0);
      // The promise of the next update, in the viewer's time.
      expect(await item(page, 'Billing down').locator('.when').textContent()).to.match(/^Next update by /);

      // Wait for the socket (its loader script goes away once loaded) so what follows is pushed.
      await until(() => page.evaluate(() => !document.querySelector('script[src$="/public/vendor/socket.io.min.js"]')), 'socket.io client loaded');
      await page.waitForTimeout(500);
      await post('/api/v1/incidents', { title: 'Search down now', severity: 1, message: 'x', components: [{ id: search.id, status: 'major_outage' }] });
      await post('/api/v1/incidents', { title: 'Billing API errors', severity: 2, message: 'x', components: [{ id: billing.id, status: 'partial_outage' }] });
      await settle(s);
      // Polling runs every 30 s: showing up within 5 s means the push reached this banner.
      await item(page, 'Billing API errors').waitFor({ timeout: 5_000 });
      expect(await item(page, 'Search down now').count(), 'a push about another component is filtered out').to.equal(0);
      expect(frames.some((f) => f.includes('Billing API errors')), 'the push came over the socket').to.equal(true);
      expect(frames.filter((f) => /Search (down now|slow|notice)/.test(f)), 'the server sent nothing about Search').to.deep.equal([]);
      expect(frames.filter((f) => f.includes('["status"')), 'no status page pushes to a banner').to.deep.equal([]);
      expect(await item(page, 'Search slow').count()).to.equal(0);
      expect(await host(page).getAttribute('data-count')).to.equal('3');
      // The static host site has no favicon; nothing else may fail.
      expect(notFound.filter((p) => p !== '/favicon.ico')).to.deep.equal([]);
      expect(errors.filter((e) => !/Failed to load resource/.test(e))).to.deep.equal([]);
    } finally {
      await site.close();
    }
  });
});

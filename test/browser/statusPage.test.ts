import { expect } from 'chai';
import type { Browser, BrowserContext } from 'playwright-core';
import { Client } from '../support/client.js';
import type { TestServer } from '../support/server.js';
import { browserSuite, pageErrors, settle, until } from './browser.js';

const T = '2026-11-29T12:00:00.000Z';

describe('public status page (live)', () => {
  let s: TestServer;
  let browser: Browser;
  let context: BrowserContext | null = null;
  let api: Client;

  browserSuite(T, (e) => ({ s, browser, context, api } = e));

  it('shows "All Systems Operational" when nothing is wrong', async () => {
    const page = await context!.newPage();
    const res = await page.goto(s.baseUrl + '/');
    expect(res?.status(), 'GET / answers 200').to.equal(200);
    expect(new URL(page.url()).pathname, 'GET / is the status page, not a redirect').to.equal('/');
    const line = page.locator('#status-line');
    await line.waitFor({ timeout: 5_000 });
    expect((await line.textContent())?.trim()).to.equal('All Systems Operational');
    expect(await line.getAttribute('data-indicator')).to.equal('none');
  });

  it('shows a newly filed incident and the worse status without a reload (its socket receives the status pushes only)', async () => {
    const page = await context!.newPage();
    const errors = pageErrors(page);
    const frames: string[] = [];
    page.on('websocket', (ws) => ws.on('framereceived', (f) => frames.push(String(f.payload))));
    await page.goto(s.baseUrl + '/');
    const line = page.locator('#status-line');
    await line.waitFor({ timeout: 5_000 });
    expect((await line.textContent())?.trim()).to.equal('All Systems Operational');
    await page.locator('#incidents').waitFor({ state: 'attached', timeout: 5_000 });
    await page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));

    const title = 'API returns errors for every request';
    const res = await api.post('/api/v1/incidents', { title, severity: 1, message: 'We are investigating.' });
    expect(res.status, res.text).to.equal(201);
    await settle(s);

    await until(
      async () => ((await page.locator('#incidents').textContent()) ?? '').includes(title),
      `#incidents lists "${title}" without reload\n${errors.join('\n')}`,
    );
    await until(async () => (await line.getAttribute('data-indicator')) === 'critical', '#status-line data-indicator becomes critical for a sev1');
    const text = (await line.textContent())?.trim() ?? '';
    expect(text).to.not.equal('All Systems Operational');
    expect(text).to.not.equal('');
    expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument), 'no reload').to.equal(true);
    // The page shows no announcement list: a second packet per change to each of its sockets would
    // only double the fan-out's writes.
    expect(frames.some((f) => f.startsWith('42/public,["status"'))).to.equal(true);
    expect(frames.filter((f) => f.includes('"announcements"'))).to.deep.equal([]);
  });
});

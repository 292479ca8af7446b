import { expect } from 'chai';
import type { Browser, BrowserContext } from 'playwright-core';
import type { TestServer } from '../support/server.js';
import { browserSuite, pageErrors } from './browser.js';

const T = new Date().toISOString();

describe('API reference page in the browser', () => {
  let s: TestServer;
  let context: BrowserContext;

  browserSuite(T, (e) => ({ s, context } = e as { s: TestServer; browser: Browser; context: BrowserContext }));

  it('renders the staff API from the local package under its CSP, loading nothing from elsewhere', async () => {
    const page = await context.newPage();
    const errors = pageErrors(page);
    const cspViolations: string[] = [];
    page.on('console', (m) => {
      if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
    });
    const missing: string[] = [];
    page.on('response', (r) => {
      if (r.status() >= 400) missing.push(`${r.status()} ${r.url()}`);
    });
    const foreign: string[] = [];
    page.on('request', (r) => {
      if (!r.url().startsWith(s.baseUrl) && !r.url().startsWith('data:')) foreign.push(r.url());
    });
    await page.goto(`${s.baseUrl}/api/v1/docs`);
    await page.getByText('Beacon staff API', { exact: false }).first().waitFor({ timeout: 15_000 });
    // Operations of each tag are listed; the webhooks one names the Slack and Teams types.
    await page.locator('.opblock-tag', { hasText: 'Webhooks' }).first().waitFor();
    expect(await page.locator('.opblock').count()).to.be.greaterThan(40);
    expect(await page.locator('.opblock-summary-path', { hasText: '/incidents/{id}/updates' }).count()).to.equal(1);
    // Open one operation: its parameters and schemas render too.
    await page.locator('.opblock-summary-path', { hasText: '/webhooks' }).first().click();
    await page.getByText('slack', { exact: false }).first().waitFor();
    expect(cspViolations).to.deep.equal([]);
    expect(foreign).to.deep.equal([]);
    expect(missing).to.deep.equal([]);
    expect(errors.filter((e) => !/DevTools|source map/i.test(e))).to.deep.equal([]);
  });
});

import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import { PASSWORD, staff } from '../support/factories.js';
import type { Client } from '../support/client.js';
import type { TestServer } from '../support/server.js';
import { browserSuite, pageErrors } from './browser.js';

const T = new Date().toISOString();

describe('Statuspage import from files in the browser', () => {
  let s: TestServer;
  let browser: Browser;
  let api: Client;
  browserSuite(T, (e) => ({ s, browser, api } = e));

  it('an admin picks components.json as a file and imports it', async () => {
    const ctx = await browser.newContext();
    try {
      const page = await ctx.newPage();
      const errors = pageErrors(page);
      page.on('response', (r) => { if (r.status() >= 400) errors.push(`${r.status()} ${r.url()}`); });
      const who = await staff('admin');
      await page.goto(`${s.baseUrl}/console/login`);
      await page.fill('input[name=email]', who.email);
      await page.fill('input[name=password]', PASSWORD);
      await Promise.all([page.waitForURL(`${s.baseUrl}/console`), page.click('button[type=submit]')]);
      await page.goto(`${s.baseUrl}/console/data`);
      const doc = { components: [{ id: 'sp-file-1', name: 'Imported from a file', status: 'operational', created_at: '2026-01-05T00:00:00Z' }] };
      const input = page.locator('input[type=file]').first();
      expect(await input.isVisible(), 'the file picker shows once the script runs').to.equal(true);
      await input.setInputFiles({ name: 'components.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(doc)) });
      await page.waitForFunction(() => (document.querySelector('textarea') as HTMLTextAreaElement).value.includes('Imported from a file'));
      await Promise.all([page.waitForLoadState('load'), page.getByRole('button', { name: 'Import' }).click()]);
      await page.locator('#import-report').waitFor();
      expect(await page.locator('#import-report').innerText()).to.match(/Imported 1 components/);
      const names = (await api.get('/api/v1/components')).body.components.map((c: { name: string }) => c.name);
      expect(names).to.include('Imported from a file');
      expect(errors).to.deep.equal([]);
    } finally {
      await ctx.close();
    }
  });
});

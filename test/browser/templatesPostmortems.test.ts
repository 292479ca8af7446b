import { createRequire } from 'node:module';
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { PASSWORD, staff } from '../support/factories.js';
import { component } from '../support/components.js';
import type { Client } from '../support/client.js';
import type { TestServer } from '../support/server.js';
import { browserSuite, pageErrors, settle } from './browser.js';

const T = new Date().toISOString();
const AXE_PATH = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

describe('templates and postmortems in the browser', () => {
  let s: TestServer;
  let browser: Browser;
  let api: Client;
  browserSuite(T, (e) => ({ s, browser, api } = e));

  async function axe(page: Page): Promise<string[]> {
    await page.addScriptTag({ path: AXE_PATH });
    const violations = await page.evaluate(async () => {
      const w = window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<{ violations: { id: string; impact: string; help: string; nodes: { target: string[] }[] }[] }> } };
      const r = await w.axe.run(document, { resultTypes: ['violations'] });
      return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
    });
    return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.targets.join(', ')}`);
  }

  it('picks a template on the new-incident form, edits the filled text and files it; the pages pass axe', async () => {
    const web = await component('Storefront');
    const tpl = await api.post('/api/v1/incident-templates', { name: 'Storefront down', title: '{{components}} unavailable', message: '{{components}} fails since {{time}}.', severity: 1, components: [{ id: web.id, status: 'major_outage' }] });
    expect(tpl.status, tpl.text).to.equal(201);
    const ctx = await browser.newContext({ bypassCSP: true }); // only so axe can be injected
    try {
      const page = await ctx.newPage();
      const who = await staff('regular');
      await page.goto(`${s.baseUrl}/console/login`);
      await page.fill('input[name=email]', who.email);
      await page.fill('input[name=password]', PASSWORD);
      await Promise.all([page.waitForURL(`${s.baseUrl}/console`), page.click('button[type=submit]')]);
      await page.goto(`${s.baseUrl}/console/templates`);
      expect(await axe(page), '/console/templates').to.deep.equal([]);

      await page.goto(`${s.baseUrl}/console/incidents/new`);
      await page.selectOption('select[name=template]', tpl.body.id);
      await Promise.all([page.waitForURL(/template=/), page.click('text=Use template')]);
      expect(await page.inputValue('input[name=title]')).to.equal('Storefront unavailable');
      expect(await page.inputValue('textarea[name=message]')).to.match(/^Storefront fails since \w{3} \d+, \d{4}, \d\d:\d\d UTC/);
      expect(await page.inputValue(`select[name="c.${web.id}"]`)).to.equal('major_outage');
      expect(await axe(page), 'new incident form from a template').to.deep.equal([]);
      await page.fill('input[name=title]', 'Storefront checkout unavailable');
      await Promise.all([page.waitForURL(/done=incident_filed/), page.click('text=File incident')]);
      expect(await page.locator('h1').innerText()).to.include('Storefront checkout unavailable');
    } finally {
      await ctx.close();
    }
  });

  it('shows a published postmortem on the public page, formatted, with no script run; axe finds nothing', async () => {
    const id = (await api.post('/api/v1/incidents', { title: 'Payments failing', severity: 1, message: 'Looking.' })).body.id;
    await api.post(`/api/v1/incidents/${id}/updates`, { status: 'resolved', message: 'Fixed.' });
    await api.put(`/api/v1/incidents/${id}/postmortem`, { body: '## What happened\n\nA **full disk**. <img src=x onerror="window.__pwned=1"> [more](javascript:window.__pwned=2)' });
    expect((await api.post(`/api/v1/incidents/${id}/postmortem/publish`, {})).status).to.equal(200);
    await settle(s);
    const ctx = await browser.newContext({ bypassCSP: true });
    try {
      const page = await ctx.newPage();
      const errors = pageErrors(page);
      await page.goto(`${s.baseUrl}/incidents/${id}`);
      expect(await page.locator('.postmortem-body h2').innerText()).to.equal('What happened');
      expect(await page.locator('.postmortem-body strong').innerText()).to.equal('full disk');
      expect(await page.locator('.postmortem-body img').count()).to.equal(0);
      expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).to.equal(undefined);
      expect(await axe(page), 'public incident page with postmortem').to.deep.equal([]);
      expect(errors).to.deep.equal([]);
    } finally {
      await ctx.close();
    }
  });
});

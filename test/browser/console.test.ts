import { createRequire } from 'node:module';
import { expect } from 'chai';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { PASSWORD, staff } from '../support/factories.js';
import { component } from '../support/components.js';
import type { Client } from '../support/client.js';
import type { TestServer } from '../support/server.js';
import { browserSuite, pageErrors, settle } from './browser.js';

// The session cookie's expiry comes from the server clock; the browser judges it by the real clock.
const T = new Date().toISOString();
const AXE_PATH = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

describe('console in the browser: layout and accessibility', () => {
  let s: TestServer;
  let browser: Browser;
  let api: Client;
  const contexts: BrowserContext[] = [];

  browserSuite(T, (e) => ({ s, browser, api } = e));
  afterEach(async () => {
    for (const c of contexts.splice(0)) await c.close();
  });

  /** A signed-in admin's page at the given viewport width. CSP is bypassed only so axe can be injected. */
  async function adminPage(width: number, height = 800): Promise<Page> {
    const context = await browser.newContext({ viewport: { width, height }, bypassCSP: true });
    contexts.push(context);
    const who = await staff('admin');
    const page = await context.newPage();
    await page.goto(`${s.baseUrl}/console/login`);
    await page.fill('input[name=email]', who.email);
    await page.fill('input[name=password]', PASSWORD);
    await Promise.all([page.waitForURL(`${s.baseUrl}/console`), page.click('button[type=submit]')]);
    return page;
  }

  async function someData() {
    await component('Web app');
    const res = await api.post('/api/v1/incidents', { title: 'Checkout fails for some customers with a very long incident title', severity: 1, message: 'Looking' });
    expect(res.status, res.text).to.equal(201);
    await settle(s);
  }

  const overflow = (page: Page) =>
    page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));

  it('has no horizontal overflow at 390 px; the menu folds behind a button and opens', async () => {
    await someData();
    const page = await adminPage(390, 844);
    const errors = pageErrors(page);
    for (const path of ['/console', '/console/incidents', '/console/incidents/new', '/console/maintenance/new', '/console/users', '/console/audit', '/console/sla-policy', '/console/components']) {
      await page.goto(s.baseUrl + path);
      const o = await overflow(page);
      expect(o.scrollWidth, `${path} is ${o.scrollWidth} px wide at a ${o.innerWidth} px viewport`).to.be.at.most(o.innerWidth);
    }
    await page.goto(s.baseUrl + '/console');
    const toggle = page.locator('button.menu-toggle');
    expect(await toggle.isVisible()).to.equal(true);
    expect(await page.locator('nav[aria-label=Console]').isVisible(), 'menu folded').to.equal(false);
    const header = await page.locator('header.top').boundingBox();
    expect(header!.height, 'the folded header is one short row').to.be.below(70);
    await toggle.click();
    expect(await toggle.getAttribute('aria-expanded')).to.equal('true');
    expect(await page.locator('nav[aria-label=Console] a[href="/console/incidents"]').isVisible()).to.equal(true);
    expect(await page.locator('a.public-link').isVisible()).to.equal(true);
    await page.locator('details.dropdown summary', { hasText: 'Admin' }).click();
    expect(await page.locator('nav a[href="/console/users"]').isVisible()).to.equal(true);
    const o = await overflow(page);
    expect(o.scrollWidth, 'no overflow with the menu open').to.be.at.most(o.innerWidth);
    expect(errors, errors.join('\n')).to.deep.equal([]);
  });

  it('without JavaScript the phone menu stays open and still does not overflow', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, javaScriptEnabled: false });
    contexts.push(context);
    const who = await staff('admin');
    const page = await context.newPage();
    await page.goto(`${s.baseUrl}/console/login`);
    await page.fill('input[name=email]', who.email);
    await page.fill('input[name=password]', PASSWORD);
    await Promise.all([page.waitForURL(`${s.baseUrl}/console`), page.click('button[type=submit]')]);
    expect(await page.locator('button.menu-toggle').isVisible()).to.equal(false);
    expect(await page.locator('nav[aria-label=Console] a[href="/console/incidents"]').isVisible()).to.equal(true);
    const o = await overflow(page);
    expect(o.scrollWidth).to.be.at.most(o.innerWidth);
  });

  it('at 1280 px the navigation is one row, with the public page link and sign-out beside it', async () => {
    const page = await adminPage(1280);
    expect(await page.locator('button.menu-toggle').isVisible()).to.equal(false);
    const items = page.locator('header.top .brand, .nav-links > li, .logout');
    const boxes = await items.evaluateAll((els) => els.map((e) => { const r = e.getBoundingClientRect(); return { top: r.top, bottom: r.bottom, text: (e.textContent ?? '').trim().slice(0, 20) }; }));
    expect(boxes.length).to.be.at.least(10);
    const mid = (b: { top: number; bottom: number }) => (b.top + b.bottom) / 2;
    const first = mid(boxes[0]!);
    for (const b of boxes) expect(Math.abs(mid(b) - first), `"${b.text}" is on another row`).to.be.below(8);
    expect((await page.locator('header.top').boundingBox())!.height, 'one-row header').to.be.below(72);
    expect(await page.locator('a.public-link').getAttribute('href')).to.equal('/');
  });

  /** axe-core on the current page: the serious and critical violations, readably. */
  async function axe(page: Page): Promise<string[]> {
    await page.addScriptTag({ path: AXE_PATH });
    const violations = await page.evaluate(async () => {
      const w = window as unknown as { axe: { run: (ctx: Document, opts: object) => Promise<{ violations: { id: string; impact: string; help: string; nodes: { target: string[] }[] }[] }> } };
      const r = await w.axe.run(document, { resultTypes: ['violations'] });
      return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
    });
    return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.targets.join(', ')}`);
  }

  it('axe-core: no serious or critical findings on the dashboard (checklist and overview) and the incident form', async () => {
    await someData();
    const page = await adminPage(1280);
    for (const path of ['/console', '/console/incidents/new']) {
      await page.goto(s.baseUrl + path);
      const found = await axe(page);
      expect(found, `${path}:\n${found.join('\n')}`).to.deep.equal([]);
    }
    // The dashboard after the checklist is dismissed (the live overview alone), and on a phone.
    await page.goto(s.baseUrl + '/console');
    await Promise.all([page.waitForURL(/done=checklist_dismissed/), page.click('text=Dismiss the checklist')]);
    expect(await axe(page)).to.deep.equal([]);
    const phone = await adminPage(390, 844);
    await phone.goto(s.baseUrl + '/console/incidents/new');
    expect(await axe(phone)).to.deep.equal([]);
  });
});

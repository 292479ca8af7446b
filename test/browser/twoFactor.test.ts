import { expect } from 'chai';
import type { BrowserContext } from 'playwright-core';
import { totpCode } from '../../server/domain/twoFactor/totp.js';
import { PASSWORD, staff } from '../support/factories.js';
import type { TestServer } from '../support/server.js';
import { browserSuite, pageErrors } from './browser.js';

// The browser keeps cookies by its own clock, so the fixed clock starts at the current minute.
const T = new Date(Math.floor(Date.now() / 60_000) * 60_000).toISOString();

describe('two-factor sign-in in the browser (TOTP)', () => {
  let s: TestServer;
  let context: BrowserContext | null = null;
  browserSuite(T, (e) => ({ s, context } = e));

  it('enrols from the Security page with the QR code and key, then signs in with a code', async () => {
    const who = await staff('regular');
    const page = await context!.newPage();
    const errors = pageErrors(page);
    const signIn = async () => {
      await page.goto(`${s.baseUrl}/console/login`);
      await page.getByLabel('E-mail').fill(who.email);
      await page.getByLabel('Password').fill(PASSWORD);
      await Promise.all([page.waitForURL((u) => !u.pathname.endsWith('/login')), page.getByRole('button', { name: 'Sign in' }).click()]);
    };
    await signIn();
    await page.locator('nav summary', { hasText: 'Account' }).click(); // the account menu holds Security
    await Promise.all([page.waitForURL(/\/console\/security$/), page.getByRole('link', { name: 'Security' }).click()]);
    await Promise.all([page.waitForURL(/\/console\/security/), page.getByRole('button', { name: 'Set up an authenticator app' }).click()]);

    const qr = page.getByAltText('QR code for your authenticator app');
    expect(await qr.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).to.equal(true);
    const key = (await page.locator('code.secret').textContent())!.replace(/\s/g, '');
    await page.getByLabel('Code').fill(totpCode(key, s.clock.now()));
    await Promise.all([page.waitForURL(/\/security\/totp\/confirm$/), page.getByRole('button', { name: 'Turn on' }).click()]);
    expect(await page.locator('ul.recovery-codes li').count()).to.equal(10);

    await Promise.all([page.waitForURL(/\/console\/login$/), page.getByRole('banner').getByRole('button', { name: 'Sign out' }).click()]);
    s.clock.advance(30_000);
    await page.goto(`${s.baseUrl}/console/login`);
    await page.getByLabel('E-mail').fill(who.email);
    await page.getByLabel('Password').fill(PASSWORD);
    await Promise.all([page.waitForURL(/\/console\/login\/second-factor/), page.getByRole('button', { name: 'Sign in' }).click()]);
    await page.getByLabel(/Code from your authenticator app/).fill(totpCode(key, s.clock.now()));
    await Promise.all([page.waitForURL((u) => u.pathname === '/console'), page.getByRole('button', { name: 'Sign in' }).click()]);
    expect(await page.locator('body').textContent()).to.include('Security');
    // (The browser's own favicon request may 404; scripts must not fail.)
    expect(errors.filter((e) => e.startsWith('pageerror')), errors.join('\n')).to.deep.equal([]);
  });
});

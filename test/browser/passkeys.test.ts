import { expect } from 'chai';
import { and, eq } from 'drizzle-orm';
import { createRequire } from 'node:module';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { auditLog, passkeys } from '../../server/db/schema.js';
import { PASSWORD, staff } from '../support/factories.js';
import type { TestServer } from '../support/server.js';
import { browserSuite, freePort, pageErrors } from './browser.js';

// The browser keeps cookies by its own clock, so the fixed clock starts at the current minute.
const AXE_PATH = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const T = new Date(Math.floor(Date.now() / 60_000) * 60_000).toISOString();

/**
 * WebAuthn needs a secure context and an RP ID that is a domain: Beacon is reached at
 * http://localhost:PORT (loopback counts as secure) with PUBLIC_URL saying exactly that.
 */
describe('passkeys in the browser (Chromium virtual authenticator)', () => {
  let s: TestServer;
  let context: BrowserContext | null = null;
  let browser: Browser;
  let port = 0;
  before(async () => (port = await freePort()));
  browserSuite(T, (e) => ({ s, context, browser } = e), { port: () => port, env: () => ({ PUBLIC_URL: `http://localhost:${port}` }) });
  const origin = () => `http://localhost:${port}`;

  /** A platform authenticator (like a phone's or laptop's) that verifies the user and keeps resident keys. */
  async function virtualAuthenticator(page: Page) {
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
    });
  }
  const signOut = (page: Page) => Promise.all([page.waitForURL(/\/console\/login$/), page.getByRole('banner').getByRole('button', { name: 'Sign out' }).click()]);

  it('enrols a passkey from the Security page, then signs in with password + passkey, then with the passkey alone', async () => {
    const who = await staff('regular');
    const page = await context!.newPage();
    const errors = pageErrors(page);
    await virtualAuthenticator(page);

    const passwordStep = async () => {
      await page.goto(`${origin()}/console/login`);
      await page.getByLabel('E-mail').fill(who.email);
      await page.getByLabel('Password').fill(PASSWORD);
      await Promise.all([page.waitForURL((u) => !u.pathname.endsWith('/login')), page.getByRole('button', { name: 'Sign in' }).click()]);
    };
    await passwordStep();
    await page.goto(`${origin()}/console/security`);
    await page.getByLabel('Passkey name').fill('Virtual laptop');
    await Promise.all([page.waitForURL(/done=passkey_added/), page.getByRole('button', { name: 'Add a passkey' }).click()]);
    expect(await page.getByRole('status').textContent()).to.include('The passkey is added.');
    expect(await page.locator('table.passkeys input[name="name"]').inputValue()).to.equal('Virtual laptop');
    expect(await s.deps.database.db.select().from(passkeys).where(eq(passkeys.userId, who.actor.id))).to.have.length(1);

    // Password, then the passkey as the second step.
    await signOut(page);
    await passwordStep();
    expect(new URL(page.url()).pathname).to.equal('/console/login/second-factor');
    await Promise.all([page.waitForURL((u) => u.pathname === '/console'), page.getByRole('button', { name: 'Use a passkey' }).click()]);

    // Passwordless: the sign-in page's "Use a passkey".
    await signOut(page);
    await page.goto(`${origin()}/console/login`);
    await Promise.all([page.waitForURL((u) => u.pathname === '/console'), page.getByRole('button', { name: 'Use a passkey' }).click()]);
    expect(await page.getByRole('banner').textContent()).to.include(who.actor.name);

    // Signing out deletes a session; the audit log keeps how each was opened.
    const logins = await s.deps.database.db.select().from(auditLog).where(and(eq(auditLog.action, 'session.login'), eq(auditLog.subjectId, who.actor.id))).orderBy(auditLog.id);
    expect(logins.map((a) => (a.after as { method: string }).method)).to.deep.equal(['password', 'password', 'passkey']);
    const [key] = await s.deps.database.db.select().from(passkeys);
    expect(key!.lastUsedAt).not.to.equal(null);
    expect(errors.filter((e) => e.startsWith('pageerror')), errors.join('\n')).to.deep.equal([]);
  });

  it('a cancelled or refused passkey request says so on the page and signs nobody in', async () => {
    const page = await context!.newPage();
    const cdp = await context!.newCDPSession(page);
    await cdp.send('WebAuthn.enable');
    // An authenticator holding no passkey for this site: the browser's request fails.
    await cdp.send('WebAuthn.addVirtualAuthenticator', { options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true } });
    await page.goto(`${origin()}/console/login`);
    await page.getByRole('button', { name: 'Use a passkey' }).click();
    const alert = page.locator('[data-passkey-error]');
    await alert.waitFor({ state: 'visible', timeout: 15_000 });
    expect(await alert.textContent()).to.include('cancelled or timed out');
    expect(new URL(page.url()).pathname).to.equal('/console/login');
  });

  it('axe-core finds nothing serious on the sign-in page and the Security page with a passkey listed', async () => {
    // CSP is bypassed only so axe can be injected (the test above runs under the real CSP).
    const own = await browser.newContext({ bypassCSP: true });
    try {
      const who = await staff('regular');
      const page = await own.newPage();
      await virtualAuthenticator(page);
      const axe = async () => {
        await page.addScriptTag({ path: AXE_PATH });
        const found = await page.evaluate(async () => {
          const w = window as unknown as { axe: { run: (d: Document, o: object) => Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }> } };
          return (await w.axe.run(document, { resultTypes: ['violations'] })).violations.map((v) => `${v.impact} ${v.id} ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
        });
        return found.filter((v) => v.startsWith('serious') || v.startsWith('critical'));
      };
      await page.goto(`${origin()}/console/login`);
      await page.getByRole('button', { name: 'Use a passkey' }).waitFor();
      expect(await axe()).to.deep.equal([]);
      await page.getByLabel('E-mail').fill(who.email);
      await page.getByLabel('Password').fill(PASSWORD);
      await Promise.all([page.waitForURL((u) => u.pathname === '/console'), page.getByRole('button', { name: 'Sign in' }).click()]);
      await page.goto(`${origin()}/console/security`);
      await page.getByLabel('Passkey name').fill('Phone');
      await Promise.all([page.waitForURL(/done=passkey_added/), page.getByRole('button', { name: 'Add a passkey' }).click()]);
      expect(await axe()).to.deep.equal([]);
    } finally {
      await own.close();
    }
  });
});

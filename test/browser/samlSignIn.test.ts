import { expect } from 'chai';
import type { BrowserContext } from 'playwright-core';
import { staff } from '../support/factories.js';
import { Client } from '../support/client.js';
import { TestSamlIdp } from '../support/samlIdp.js';
import type { TestServer } from '../support/server.js';
import { browserSuite, freePort, pageErrors, serveSite } from './browser.js';

// node-saml reads the system time, so Beacon's clock is set to the real now before each test (within
// the 60 s skew): a time taken when the file loads would be minutes old by the time the suite runs.
const realNow = () => new Date().toISOString();

/**
 * Beacon at http://localhost:PORT and the IdP at http://127.0.0.1:… are different sites, so the
 * IdP's auto-posting form is a cross-site POST and Chromium leaves Beacon's SameSite=Lax cookies out
 * of it, as it would in production.
 */
describe('SAML sign-in in the browser (cross-site IdP)', () => {
  let s: TestServer;
  let context: BrowserContext | null = null;
  let port = 0;
  let idp: TestSamlIdp;
  before(async () => {
    port = await freePort();
    idp = await new TestSamlIdp().start();
  });
  after(() => idp.close());
  browserSuite(realNow, (e) => ({ s, context } = e), {
    port: () => port,
    env: () => ({ PUBLIC_URL: `http://localhost:${port}`, SAML_IDP_ENTITY_ID: idp.entityId, SAML_IDP_SSO_URL: `${idp.baseUrl}/sso`, SAML_IDP_CERT: idp.keys.cert }),
  });
  const origin = () => `http://localhost:${port}`;

  it('signs in with the button: to the IdP, back cross-site, on through Beacon’s own page, into the console', async () => {
    const who = await staff('regular');
    idp.shape = TestSamlIdp.defaultShape(who.email);
    const page = await context!.newPage();
    const errors = pageErrors(page);
    const acsPosts: Promise<boolean>[] = [];
    page.on('request', (r) => {
      // allHeaders(): the cookie header as Chromium's network stack sent it.
      if (r.method() === 'POST' && r.url().endsWith('/console/login/saml/acs')) acsPosts.push(r.allHeaders().then((h) => /beacon_saml=/.test(h.cookie ?? '')));
    });
    await page.goto(`${origin()}/console/login`);
    await Promise.all([page.waitForURL((u) => u.pathname === '/console'), page.getByRole('link', { name: 'Sign in with SAML' }).click()]);
    expect(await page.getByRole('banner').getByRole('button', { name: 'Sign out' }).count()).to.equal(1);
    // The IdP's post came without the cookie; Beacon's page posted it again, with it.
    expect(await Promise.all(acsPosts)).to.deep.equal([false, true]);
    expect(errors.filter((e) => e.startsWith('pageerror') || e.includes('Content Security Policy')), errors.join('\n')).to.deep.equal([]);
  });

  it('does not sign a browser in with an answer to someone else’s sign-in (login CSRF)', async () => {
    const attacker = await staff('regular');
    idp.shape = TestSamlIdp.defaultShape(attacker.email);
    // The attacker starts a sign-in in their own browser and keeps the IdP's answer instead of posting it.
    const own = new Client(s.baseUrl);
    const start = await own.get('/console/login/saml?next=%2Fconsole', { accept: 'text/html' });
    const idpPage = await (await fetch(start.headers.get('location')!)).text();
    // …and serves it from a site of their own, which the victim visits.
    const evil = await serveSite({ '/': idpPage });
    try {
      const page = await context!.newPage();
      await page.goto(evil.origin + '/');
      await page.waitForSelector('text=answers a sign-in started in another browser');
      expect(new URL(page.url()).pathname).to.equal('/console/login/saml/acs');
      expect((await context!.cookies(origin())).map((c) => c.name)).not.to.include('beacon_session');
      expect((await page.goto(`${origin()}/console`))!.url()).to.match(/\/console\/login/);
    } finally {
      await evil.close();
    }
  });
});
